import { check } from "recheck";
import { patternSyntaxIssue } from "./channels";

// The save-time safety check of regular expressions (channel patterns, JSON Schema patterns). Kept
// apart from lib/matching.ts, which the dashboard runs in the browser too: recheck needs Node.

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
