// Commit messages: a subject of at most 72 characters in the imperative ("Add", not "Added" or
// "Adds"), a blank line, then the why in the body. No conventional-commit prefix.

const NOT_IMPERATIVE =
  /^(?:[A-Z][a-z]+(?:ed|es|ing)|Adds|Makes|Keeps|Gets|Sets|Puts|Runs|Lets|Uses|Says|Shows|Stops)\b/;
// Words that end like a past tense or third person but are imperatives or nouns.
const ALLOWED_FIRST_WORDS = new Set([
  "Embed",
  "Feed",
  "Need",
  "Seed",
  "Shed",
  "Speed",
  "Proceed",
  "Exceed",
  "Bring",
  "Ring",
  "String",
  "Ping",
]);

export default {
  plugins: [
    {
      rules: {
        "subject-imperative": ({ header }) => {
          const first = (header ?? "").split(/\s/)[0] ?? "";
          const ok = ALLOWED_FIRST_WORDS.has(first) || !NOT_IMPERATIVE.test(first);
          return [ok, `start the subject with an imperative verb ("Add", "Fix"), not "${first}"`];
        },
      },
    },
  ],
  rules: {
    "header-max-length": [2, "always", 72],
    "header-min-length": [2, "always", 10],
    "header-full-stop": [2, "never", "."],
    "subject-imperative": [2, "always"],
    "body-leading-blank": [2, "always"],
    "footer-leading-blank": [2, "always"],
  },
};
