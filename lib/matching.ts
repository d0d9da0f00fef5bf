import { checkSync } from "recheck";

// Which events reach which endpoint (SPEC section 4). Used when saving endpoints (validation)
// and by the worker when routing events; both must agree, so the logic lives here once.

export const CHANNEL_TYPES = ["public", "private", "presence", "private-encrypted", "cache"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

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
  if (!types.has("private") && !types.has("presence") && !types.has("private-encrypted")) types.add("public");
  return types;
}

export type PatternCheck = { ok: true; regex: RegExp } | { ok: false; issue: string };

const MAX_PATTERN_LENGTH = 500;

/** Compiles a channelPattern, refusing invalid ones and ones prone to catastrophic backtracking. */
export function checkChannelPattern(pattern: string): PatternCheck {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, issue: `must be at most ${MAX_PATTERN_LENGTH} characters` };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    return { ok: false, issue: `is not a valid regular expression: ${(error as Error).message}` };
  }
  const diagnostics = checkSync(pattern, "", { timeout: 2000 });
  if (diagnostics.status === "vulnerable") {
    return { ok: false, issue: `is prone to catastrophic backtracking (${diagnostics.complexity.type} time); simplify nested quantifiers` };
  }
  if (diagnostics.status === "unknown") return { ok: false, issue: "is too complex to prove safe from catastrophic backtracking" };
  return { ok: true, regex };
}

const compiled = new Map<string, RegExp>();

/** Patterns were proven safe when saved; compiled ones are cached for the hot path. */
function patternRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

export function channelMatchesFilter(filter: ChannelFilter, channel: string): boolean {
  if (filter.channelType && !channelTypesOf(channel).has(filter.channelType)) return false;
  if (filter.channelPrefix && !channel.startsWith(filter.channelPrefix)) return false;
  if (filter.channelSuffix && !channel.endsWith(filter.channelSuffix)) return false;
  if (filter.channelPattern && !patternRegex(filter.channelPattern).test(channel)) return false;
  return true;
}

export type MatchableEndpoint = { enabled: boolean; eventTypes: string[]; filter: ChannelFilter };

export function endpointMatchesEvent(endpoint: MatchableEndpoint, event: { name: string; channel: string }): boolean {
  return endpoint.enabled && endpoint.eventTypes.includes(event.name) && channelMatchesFilter(endpoint.filter, event.channel);
}
