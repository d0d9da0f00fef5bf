import { check } from "recheck";
import { channelTypesOf, patternSyntaxIssue, type ChannelFilter } from "./channels";

export { channelTypesOf, type ChannelFilter } from "./channels";

// Which events reach which endpoint (docs/engine.md#matching). Used when saving endpoints
// (validation) and by the worker when routing events; both must agree, so the logic lives here
// once.

export type PatternCheck = { ok: true; regex: RegExp } | { ok: false; issue: string };

// recheck's worker-thread backend: a check that overruns is cancelled by terminating its thread,
// and the next check gets a fresh one. (Its default, a native helper process, is faster but a
// helper that dies leaves every later check pending for ever.) Read by recheck on each check.
process.env.RECHECK_BACKEND ??= "worker";

const CHECK_TIMEOUT_MS = 2000;
/** recheck's own timeout is soft: past this the check is abandoned (and its thread terminated). */
const CHECK_DEADLINE_MS = CHECK_TIMEOUT_MS + 2000;

/**
 * Checks run one at a time (recheck has one thread), each deadline counted from its own start: a
 * deadline counted while waiting in line refused safe patterns when several saves came at once.
 */
let checking: Promise<unknown> = Promise.resolve();
function inTurn<T>(task: () => Promise<T>): Promise<T> {
  const run = checking.then(task, task);
  checking = run.catch(() => undefined);
  return run;
}

const verdicts = new Map<string, PatternCheck>();

/**
 * Compiles a pattern, refusing invalid ones and ones prone to catastrophic backtracking under the
 * flags it will run with (a JSON Schema `pattern` runs with `u`, which changes what is safe). The
 * check runs off this event loop (recheck's async API): a pattern that takes the checker seconds
 * must not stall every other request. Verdicts are remembered: saving the same filter again is
 * free.
 */
export async function checkPattern(pattern: string, flags: "" | "u" = ""): Promise<PatternCheck> {
  const syntaxIssue = patternSyntaxIssue(pattern, flags);
  if (syntaxIssue) return { ok: false, issue: syntaxIssue };
  const key = `${flags}/${pattern}`;
  const known = verdicts.get(key);
  if (known) return known;
  const regex = new RegExp(pattern, flags);
  const diagnostics = await inTurn(() =>
    check(pattern, flags, {
      timeout: CHECK_TIMEOUT_MS,
      signal: AbortSignal.timeout(CHECK_DEADLINE_MS),
    }),
  );
  const verdict: PatternCheck =
    diagnostics.status === "vulnerable"
      ? {
          ok: false,
          issue: `is prone to catastrophic backtracking (${diagnostics.complexity.type} time); simplify nested quantifiers`,
        }
      : diagnostics.status === "unknown"
        ? { ok: false, issue: "is too complex to prove safe from catastrophic backtracking" }
        : { ok: true, regex };
  // An overrun is not remembered: it may pass on a less busy machine.
  if (diagnostics.status !== "unknown") {
    if (verdicts.size >= 1000) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict;
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

export type MatchableEndpoint = { id: string; eventTypes: string[]; filter: ChannelFilter | null };

/**
 * Whether an event goes to the endpoint, by its event types and filter. Enabled or not: events for
 * a disabled endpoint (or app) still become deliveries, failed, kept for Recover.
 */
export function endpointMatcher(
  endpoint: MatchableEndpoint,
): (event: { name: string; channel: string }) => boolean {
  const filter = endpoint.filter ?? {};
  // Herald's notices about an endpoint (its failures, its disabling) are never sent to it.
  const ownNotices = `herald-endpoint-${endpoint.id}`;
  return (event) =>
    endpoint.eventTypes.includes(event.name) &&
    channelMatchesFilter(filter, event.channel) &&
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
