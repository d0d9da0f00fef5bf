import { env } from "../env";
import type { AttemptTrigger, Endpoint } from "../generated/prisma/client";
import type { TransportResult } from "../delivery/types";

// What an attempt's result means: success, try again later, or give up (docs/engine.md#retries).

const MAX_RETRY_AFTER_SECONDS = 3600;
const JITTER = 0.2;

export type Verdict =
  | { outcome: "success" }
  | { outcome: "retry"; reason: string }
  | { outcome: "final"; reason: string; gone: boolean };

const RETRYABLE_STATUSES = new Set([408, 409, 425, 429]);

export function judge(result: TransportResult): Verdict {
  const status = result.status;
  if (status === null) return { outcome: "retry", reason: result.error ?? "no response" };
  if (result.error) return { outcome: "retry", reason: result.error };
  if (status >= 200 && status < 300) return { outcome: "success" };
  if (status >= 500 || RETRYABLE_STATUSES.has(status))
    return { outcome: "retry", reason: `HTTP ${status}` };
  if (status === 410) return { outcome: "final", reason: "HTTP 410 Gone", gone: true };
  if (status >= 300 && status < 400)
    return { outcome: "final", reason: `HTTP ${status}: redirects are not followed`, gone: false };
  return { outcome: "final", reason: `HTTP ${status}`, gone: false };
}

/**
 * Seconds until the next try after failed auto attempt number `attemptNumber` (1-based), or null
 * when the schedule is used up. The schedule is the exponential backbone; each delay gets +-20%
 * jitter so retries of many deliveries spread out; a Retry-After wins when longer, up to 1 h.
 */
export function retryDelaySeconds(
  schedule: number[],
  attemptNumber: number,
  retryAfter: number | null | undefined,
  random = Math.random,
): number | null {
  if (attemptNumber > schedule.length) return null;
  const base = schedule[attemptNumber - 1]!;
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  const requested = retryAfter ? Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS) : 0;
  return Math.max(jittered, requested);
}

/** An endpoint's retry schedule and maximum delivery age: its own, or the deployment's. */
export type RetryPolicy = { scheduleSeconds: number[]; maxAgeSeconds: number };

export function retryPolicy(
  endpoint: Pick<Endpoint, "retryScheduleSeconds" | "retryMaxAgeSeconds">,
): RetryPolicy {
  return {
    scheduleSeconds:
      (endpoint.retryScheduleSeconds as number[] | null) ?? env.HERALD_RETRY_SCHEDULE_SECONDS,
    maxAgeSeconds: endpoint.retryMaxAgeSeconds ?? env.HERALD_MAX_DELIVERY_AGE_SECONDS,
  };
}

/** The attempt judged: which try (1-based), who asked for it, and when its delivery was made. */
export type AttemptFacts = { attemptNumber: number; trigger: AttemptTrigger; createdAt: Date };

export type NextState =
  | { status: "succeeded"; nextAttemptAt: null; error: null }
  | { status: "retrying"; nextAttemptAt: Date; error: string }
  | { status: "failed"; nextAttemptAt: null; error: string };

/**
 * What follows an attempt: success, a retry at nextAttemptAt, or failed (the dead letter), with the
 * delivery's last error. Pure: the clock and the jitter's random source are parameters.
 */
export function nextState(
  attempt: AttemptFacts,
  verdict: Verdict,
  retryAfterSeconds: number | null | undefined,
  policy: RetryPolicy,
  now = Date.now(),
  random = Math.random,
): NextState {
  if (verdict.outcome === "success")
    return { status: "succeeded", nextAttemptAt: null, error: null };
  // Manual attempts (redeliver, recover, test) are single tries: a failure goes straight back to
  // failed.
  if (verdict.outcome === "final" || attempt.trigger === "manual")
    return { status: "failed", nextAttemptAt: null, error: verdict.reason };
  const delay = retryDelaySeconds(
    policy.scheduleSeconds,
    attempt.attemptNumber,
    retryAfterSeconds,
    random,
  );
  if (delay === null) {
    return {
      status: "failed",
      nextAttemptAt: null,
      error: `gave up after ${attempt.attemptNumber} attempts; last: ${verdict.reason}`,
    };
  }
  const nextAttemptAt = new Date(now + delay * 1000);
  if (nextAttemptAt.getTime() - attempt.createdAt.getTime() > policy.maxAgeSeconds * 1000) {
    return {
      status: "failed",
      nextAttemptAt: null,
      error: `gave up: older than ${policy.maxAgeSeconds} s; last: ${verdict.reason}`,
    };
  }
  return { status: "retrying", nextAttemptAt, error: verdict.reason };
}
