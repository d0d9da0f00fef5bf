import { isLosslessNumber, parse as parseLossless } from "lossless-json";
import { AppError } from "../errors";

// Untrusted JSON is parsed here once. Postgres text cannot hold NUL characters, jsonb cannot hold
// an unpaired UTF-16 surrogate ("\ud800"), and very deep nesting costs parsers time (JSON.parse)
// or stack (lossless-json overflows it), so all three are refused up front with a 4xx, the nesting
// before anything parses the text. So is what JavaScript would change
// without a word: a number that overflows (1e999 became null) or underflows (1e-400 became 0), an
// integer written out past 2^53 (a 20-digit id came out with other digits), and `__proto__` keys
// (dropped when the object is copied). Floats keep ordinary double precision (0.1, 6.022e23).

export const MAX_JSON_DEPTH = 32;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Request bytes as text; bytes that are not UTF-8 are a 400, not silently replaced. */
export function decodeUtf8Body(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new AppError("bad_request", "Request body is not valid UTF-8");
  }
}

export function parseJson(raw: string): unknown {
  if (raw.trim() === "") throw new AppError("bad_request", "Request body is empty; expected JSON");
  if (nestedDeeperThan(raw, MAX_JSON_DEPTH)) {
    const issue = `is nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw new AppError("validation_failed", `Request body ${issue}`, [{ field: "(root)", issue }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new AppError(
      "bad_request",
      `Request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (MAYBE_INEXACT_NUMBER.test(raw)) {
    const problem = findInexactNumber(parseLossless(raw), []);
    if (problem)
      throw new AppError("validation_failed", `${problem.field}: ${problem.issue}`, [problem]);
  }
  assertStorableJson(value);
  return value;
}

const [QUOTE, BACKSLASH] = [34, 92];
const [OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE] = [91, 93, 123, 125];

/**
 * Whether the JSON text opens more than `limit` arrays or objects inside one another; brackets in
 * strings do not count. A scan of the text, cheaper than a parse (strings are skipped with indexOf).
 */
export function nestedDeeperThan(raw: string, limit: number): boolean {
  let depth = 0;
  for (let index = 0; index < raw.length; index++) {
    const char = raw.charCodeAt(index);
    if (char === QUOTE) {
      index = closingQuote(raw, index);
      if (index < 0) return false;
    } else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) depth--;
  }
  return false;
}

/** The index of the quote that ends the string opened at `open`, or -1. */
function closingQuote(raw: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = raw.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (raw.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
}

/**
 * Only text with a run of 16 digits or a 3-digit exponent can hold such a number; the rest (nearly
 * every body) is not parsed a second time.
 */
const MAYBE_INEXACT_NUMBER = /\d{16}|\d[eE][+-]?\d{3}/;

/** The first number JavaScript would change, from a parse that kept each number's text. */
function findInexactNumber(value: unknown, path: (string | number)[]): Problem | null {
  if (isLosslessNumber(value)) {
    const issue = inexactNumberIssue(value.value);
    return issue ? { field: fieldName(path), issue } : null;
  }
  if (value === null || typeof value !== "object") return null;
  for (const [key, child] of Object.entries(value)) {
    const problem = findInexactNumber(child, [...path, Array.isArray(value) ? Number(key) : key]);
    if (problem) return problem;
  }
  return null;
}

function inexactNumberIssue(text: string): string | null {
  const value = Number(text);
  if (!Number.isFinite(value)) return "is a number too large for JSON to carry";
  if (value === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!))
    return "is a number too small for JSON to carry (it would become 0)";
  if (/^-?\d+$/.test(text) && !Number.isSafeInteger(value)) {
    return "is an integer beyond ±9007199254740991, which would arrive with other digits; send it as a string";
  }
  return null;
}

function assertStorableJson(value: unknown): void {
  const problem = findProblem(value, []);
  if (problem)
    throw new AppError("validation_failed", `${problem.field}: ${problem.issue}`, [problem]);
}

type Problem = { field: string; issue: string };

function findProblem(value: unknown, path: (string | number)[]): Problem | null {
  if (typeof value === "string") {
    const bad = unstorable(value);
    return bad ? { field: fieldName(path), issue: `must not contain ${bad}` } : null;
  }
  if (value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = findProblem(value[index], [...path, index]);
      if (problem) return problem;
    }
    return null;
  }
  for (const [key, child] of Object.entries(value)) {
    const bad = unstorable(key);
    if (bad) return { field: fieldName(path), issue: `has a key containing ${bad}` };
    if (key === "__proto__")
      return {
        field: fieldName(path),
        issue: "has a __proto__ key, which JavaScript cannot keep as a field",
      };
    const problem = findProblem(child, [...path, key]);
    if (problem) return problem;
  }
  return null;
}

/** What in `text` Postgres cannot store, if anything. */
function unstorable(text: string): string | null {
  if (text.includes("\u0000")) return "NUL (\\u0000) characters";
  if (!text.isWellFormed()) return "an unpaired UTF-16 surrogate (\\ud800-\\udfff)";
  return null;
}

const fieldName = (path: (string | number)[]) => (path.length ? path.join(".") : "(root)");
