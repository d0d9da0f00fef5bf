import { env } from "../env";
import { AppError } from "../errors";
import { getRedis } from "../redis";

// Replay protection for the Pusher intake. Herald signs its own deliveries with the app's key and
// secret in the very format the intake accepts, so a receiver could post one back and have it fanned
// out again. A webhook is accepted only within HERALD_INTAKE_MAX_SKEW_SECONDS of its time_ms, and
// each accepted signature is remembered in Redis (shared by every web process) until that window
// has passed: a repeat is acknowledged and ingests nothing.

/** While the first request ingests: a crash leaves the webhook retryable after this. */
const CLAIM_MS = 30_000;
/** Web processes' clocks may differ a little: remember a signature this much longer. */
const CLOCK_MARGIN_MS = 60_000;

export type WebhookClaim =
  | { kind: "new"; ingested: () => Promise<void>; failed: () => Promise<void> }
  | { kind: "replay" }
  | { kind: "in_progress" };

/** 401 when the body's time_ms is outside the window around Herald's clock. */
export function assertFresh(timeMs: number, now = Date.now()): void {
  const windowMs = env.HERALD_INTAKE_MAX_SKEW_SECONDS * 1000;
  const offsetMs = timeMs - now;
  if (Math.abs(offsetMs) <= windowMs) return;
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  throw new AppError(
    "unauthorized",
    `time_ms ${timeMs} is ${seconds} s ${offsetMs < 0 ? "behind" : "ahead of"} Herald's clock; webhooks more than ${env.HERALD_INTAKE_MAX_SKEW_SECONDS} s (HERALD_INTAKE_MAX_SKEW_SECONDS) from now are refused so a recorded one cannot be replayed`,
  );
}

/**
 * Claims a verified webhook by its signature: `new` the first time (then `ingested()` remembers it
 * for the rest of its window, `failed()` lets a retry in), `replay` once it was ingested,
 * `in_progress` while another request is ingesting it.
 */
export async function claimWebhook(
  appId: string,
  signature: string,
  timeMs: number,
): Promise<WebhookClaim> {
  const redis = getRedis();
  const key = `${env.HERALD_QUEUE_PREFIX}:intake-seen:${appId}:${signature.trim().toLowerCase().slice(0, 32)}`;
  const claimed = await redis.set(key, "pending", "PX", CLAIM_MS, "NX").catch(redisDown);
  if (claimed === null) {
    const state = await redis.get(key).catch(redisDown);
    return state === "pending" ? { kind: "in_progress" } : { kind: "replay" };
  }
  return {
    kind: "new",
    ingested: async () => {
      const untilMs =
        timeMs + env.HERALD_INTAKE_MAX_SKEW_SECONDS * 1000 + CLOCK_MARGIN_MS - Date.now();
      await redis.set(key, "ingested", "PX", Math.max(untilMs, CLAIM_MS));
    },
    failed: async () => {
      await redis.del(key);
    },
  };
}

function redisDown(): never {
  throw new AppError(
    "service_unavailable",
    "Redis is unavailable; nothing was stored. Retry later.",
  );
}
