import type { TransportResult } from "../delivery/types";

// What an attempt's result means: success, try again later, or give up (SPEC section 6).

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
