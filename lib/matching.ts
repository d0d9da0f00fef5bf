import { check } from "recheck";
import { channelTypesOf, type ChannelFilter } from "./channels";

export { CHANNEL_TYPES, channelTypesOf, type ChannelFilter, type ChannelType } from "./channels";

// Which events reach which endpoint (SPEC section 4). Used when saving endpoints (validation)
// and by the worker when routing events; both must agree, so the logic lives here once.

export type PatternCheck = { ok: true; regex: RegExp } | { ok: false; issue: string };

const MAX_PATTERN_LENGTH = 500;

/**
 * Compiles a pattern, refusing invalid ones and ones prone to catastrophic backtracking under the
 * flags it will run with (a JSON Schema `pattern` runs with `u`, which changes what is safe). The
 * check runs in recheck's own process (its async API), never on this event loop: a pattern that
 * takes the checker seconds must not stall every other request.
 */
export async function checkChannelPattern(pattern: string, flags: "" | "u" = ""): Promise<PatternCheck> {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, issue: `must be at most ${MAX_PATTERN_LENGTH} characters` };
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return { ok: false, issue: `is not a valid regular expression: ${(error as Error).message}` };
  }
  const diagnostics = await check(pattern, flags, { timeout: 2000 });
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
