// Pusher channel naming, shared by the server (lib/matching.ts) and the dashboard's live
// "would this channel match?" preview; no dependencies, so it is safe in the browser.

export const CHANNEL_TYPES = [
  "public",
  "private",
  "presence",
  "private-encrypted",
  "cache",
] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

const MAX_PATTERN_LENGTH = 500;

/**
 * What is wrong with a pattern's text, if anything: too long, or not a regular expression. Whether
 * it can backtrack catastrophically is checked on the server only (lib/matching.ts).
 */
export function patternSyntaxIssue(pattern: string, flags: "" | "u" = ""): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, flags);
    return null;
  } catch (error) {
    const reason = (error as Error).message.replace(/^Invalid regular expression: /, "");
    return `is not a valid regular expression: ${reason}`;
  }
}

export type ChannelFilter = {
  channelType?: ChannelType;
  channelPrefix?: string;
  channelSuffix?: string;
  channelPattern?: string;
};

/**
 * The types a channel belongs to, from its Pusher prefix. Cache channels are also of their base
 * type: `presence-cache-room` is both `presence` and `cache`.
 */
export function channelTypesOf(channel: string): Set<ChannelType> {
  const types = new Set<ChannelType>();
  let rest = channel;
  if (rest.startsWith("private-encrypted-")) {
    types.add("private-encrypted");
    rest = rest.slice("private-encrypted-".length);
  } else if (rest.startsWith("private-")) {
    types.add("private");
    rest = rest.slice("private-".length);
  } else if (rest.startsWith("presence-")) {
    types.add("presence");
    rest = rest.slice("presence-".length);
  }
  if (rest.startsWith("cache-")) types.add("cache");
  if (!types.has("private") && !types.has("presence") && !types.has("private-encrypted"))
    types.add("public");
  return types;
}
