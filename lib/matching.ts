import { channelTypesOf, type ChannelFilter } from "./channels";

export { channelTypesOf, type ChannelFilter } from "./channels";

// Which events reach which endpoint (docs/engine.md#matching). Used by the dashboard's live "would
// this match?" check, by routing and by the batch flush's re-match, and to explain an event's
// routing; all must agree, so the rules and their wording live here once. Runs in the browser
// too: nothing here may need Node (the save-time ReDoS check is lib/pattern-check.ts).

const compiled = new Map<string, RegExp | null>();

/** Patterns were proven safe when saved; compiled ones are cached for the hot path. */
function patternRegex(pattern: string): RegExp | null {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    try {
      regex = new RegExp(pattern);
    } catch {
      // Only the dashboard's preview sees a pattern being typed; saved ones always compile.
      regex = null;
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex;
}

/** The filter fields that apply to client events only, on their `event` field. */
export type ClientEventFilter = { clientEventNames?: string[]; clientEventPrefix?: string };
export type EndpointFilter = ChannelFilter & ClientEventFilter;

/** What matching reads of an event; `payload.event` is a client event's own name. */
export type MatchableEvent = { name: string; channel: string; payload?: { event?: unknown } };

export type MatchableEndpoint = {
  id: string;
  eventTypes: string[];
  filter: EndpointFilter | null;
};

/** One rule checked against one event: `text` says in words why it passed or failed. */
export type RuleCheck = { field: string; ok: boolean; text: string };

/** Each channel filter field that is set, checked against the channel. */
export function channelChecks(filter: ChannelFilter, channel: string): RuleCheck[] {
  const checks: RuleCheck[] = [];
  if (filter.channelType) {
    const types = channelTypesOf(channel);
    const ok = types.has(filter.channelType);
    checks.push({
      field: "channelType",
      ok,
      text: `channel ${channel} is ${[...types].join(" + ")}${ok ? "" : `, not ${filter.channelType}`}`,
    });
  }
  if (filter.channelPrefix) {
    const ok = channel.startsWith(filter.channelPrefix);
    checks.push({
      field: "channelPrefix",
      ok,
      text: `channel ${channel} ${ok ? "matches" : "does not match"} prefix ${filter.channelPrefix}`,
    });
  }
  if (filter.channelSuffix) {
    const ok = channel.endsWith(filter.channelSuffix);
    checks.push({
      field: "channelSuffix",
      ok,
      text: `channel ${channel} ${ok ? "matches" : "does not match"} suffix ${filter.channelSuffix}`,
    });
  }
  if (filter.channelPattern) {
    const regex = patternRegex(filter.channelPattern);
    const ok = regex?.test(channel) ?? false;
    checks.push({
      field: "channelPattern",
      ok,
      text: regex
        ? `channel ${channel} ${ok ? "matches" : "does not match"} pattern /${filter.channelPattern}/`
        : "pattern is not a valid regular expression",
    });
  }
  return checks;
}

/**
 * The client-event fields that are set, checked against a client event's name. Other event types
 * are not client events: these fields never apply to them (no checks).
 */
export function clientEventChecks(filter: ClientEventFilter, event: MatchableEvent): RuleCheck[] {
  if (event.name !== "client_event") return [];
  const raw = event.payload?.event;
  const name = typeof raw === "string" ? raw : "";
  const shown = name === "" ? "(no name)" : name;
  const checks: RuleCheck[] = [];
  if (filter.clientEventNames && filter.clientEventNames.length > 0) {
    const ok = filter.clientEventNames.includes(name);
    checks.push({
      field: "clientEventNames",
      ok,
      text: `client event ${shown} is ${ok ? "" : "not "}in clientEventNames`,
    });
  }
  if (filter.clientEventPrefix) {
    const ok = name.startsWith(filter.clientEventPrefix);
    checks.push({
      field: "clientEventPrefix",
      ok,
      text: `client event ${shown} ${ok ? "matches" : "does not match"} prefix ${filter.clientEventPrefix}`,
    });
  }
  return checks;
}

export function channelMatchesFilter(filter: ChannelFilter, channel: string): boolean {
  if (filter.channelType && !channelTypesOf(channel).has(filter.channelType)) return false;
  if (filter.channelPrefix && !channel.startsWith(filter.channelPrefix)) return false;
  if (filter.channelSuffix && !channel.endsWith(filter.channelSuffix)) return false;
  if (filter.channelPattern && !patternRegex(filter.channelPattern)?.test(channel)) return false;
  return true;
}

function clientEventMatches(filter: ClientEventFilter, event: MatchableEvent): boolean {
  if (event.name !== "client_event") return true;
  const raw = event.payload?.event;
  const name = typeof raw === "string" ? raw : "";
  if (filter.clientEventNames?.length && !filter.clientEventNames.includes(name)) return false;
  if (filter.clientEventPrefix && !name.startsWith(filter.clientEventPrefix)) return false;
  return true;
}

export type MatchExplanation =
  | { matches: true; reason: string }
  | { matches: false; outcome: "not_subscribed" | "filtered_out"; reason: string };

/**
 * Why an event does or does not go to an endpoint, in words: the first rule that fails, or every
 * rule that passed. Agrees with endpointMatcher (a unit test holds them together).
 */
export function explainMatch(endpoint: MatchableEndpoint, event: MatchableEvent): MatchExplanation {
  if (!endpoint.eventTypes.includes(event.name))
    return {
      matches: false,
      outcome: "not_subscribed",
      reason: `event type ${event.name} is not in the endpoint's eventTypes`,
    };
  if (event.channel === `herald-endpoint-${endpoint.id}`)
    return {
      matches: false,
      outcome: "not_subscribed",
      reason: "Herald's notices about an endpoint are never sent to that endpoint",
    };
  const filter = endpoint.filter ?? {};
  const checks = [...channelChecks(filter, event.channel), ...clientEventChecks(filter, event)];
  const failed = checks.find((check) => !check.ok);
  if (failed) return { matches: false, outcome: "filtered_out", reason: failed.text };
  return {
    matches: true,
    reason:
      checks.length === 0
        ? `event type ${event.name} is subscribed; no filter set`
        : checks.map((check) => check.text).join("; "),
  };
}

/**
 * Whether an event goes to the endpoint, by its event types and filter. Enabled or not: events for
 * a disabled endpoint (or app) still become deliveries, failed, kept for Recover.
 */
export function endpointMatcher(endpoint: MatchableEndpoint): (event: MatchableEvent) => boolean {
  const filter = endpoint.filter ?? {};
  // Herald's notices about an endpoint (its failures, its disabling) are never sent to it.
  const ownNotices = `herald-endpoint-${endpoint.id}`;
  return (event) =>
    endpoint.eventTypes.includes(event.name) &&
    channelMatchesFilter(filter, event.channel) &&
    clientEventMatches(filter, event) &&
    event.channel !== ownNotices;
}

/** Pusher channel prefixes, most specific type first; "" is a public channel. */
const CHANNEL_PREFIXES = ["presence-", "private-encrypted-", "private-", "cache-", ""];

/**
 * A channel the endpoint's filter lets through, so the sample looks like an event it would really
 * get (member events on a presence channel where the filter allows one). A pattern Herald cannot
 * guess a match for leaves the plain "herald-test": the Test button sends whatever the filter says.
 */
export function sampleChannel(eventName: string, filter: ChannelFilter): string {
  const prefixes = eventName.startsWith("member_")
    ? CHANNEL_PREFIXES
    : [...CHANNEL_PREFIXES].reverse();
  for (const typePrefix of prefixes) {
    const prefix = filter.channelPrefix
      ? filter.channelPrefix.startsWith(typePrefix)
        ? filter.channelPrefix
        : typePrefix + filter.channelPrefix
      : typePrefix;
    const channel = `${prefix}herald-test${filter.channelSuffix ?? ""}`;
    if (channelMatchesFilter(filter, channel)) return channel;
  }
  return "herald-test";
}
