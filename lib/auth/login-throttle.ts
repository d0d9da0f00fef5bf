import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  RLWrapperTimeouts,
} from "rate-limiter-flexible";
import { env } from "../env";
import { logger } from "../logger";
import { getRedis } from "../redis";
import { ipv4FromMapped } from "../delivery/allow-list";
import { THROTTLED_MESSAGE_PREFIX } from "./throttled-message";

// Sign-in attempts are counted per email and client address, in Redis so every web process shares
// the count. Each attempt is counted before the password is compared (one atomic increment), so a
// burst of parallel guesses gets no more tries than a sequence; a successful sign-in clears the
// count. Past the limit the pair is refused, right password or not, until the window ends. Keyed
// by address too, so failures from elsewhere do not lock the admin out (behind a reverse proxy
// every client has the proxy's address: see README). With Redis unreachable, attempts are counted
// in this process instead: sign-in stays available, and still throttled.

export const LOGIN_ATTEMPTS_ALLOWED = 10;
const WINDOW_SECONDS = 15 * 60;

/** Past this, a Redis that does not answer counts as down (sign-in must not wait on it). */
const REDIS_TIMEOUT_MS = 500;

let limiter: RLWrapperTimeouts | undefined;
function attempts(): RLWrapperTimeouts {
  const limits = {
    keyPrefix: `${env.HERALD_QUEUE_PREFIX}:login-attempts`,
    points: LOGIN_ATTEMPTS_ALLOWED,
    duration: WINDOW_SECONDS,
  };
  // The fallback belongs to the wrapper alone, so a Redis error after the timeout is not counted
  // twice in memory.
  limiter ??= new RLWrapperTimeouts({
    limiter: new RateLimiterRedis({ ...limits, storeClient: getRedis() }),
    timeoutMs: REDIS_TIMEOUT_MS,
    insuranceLimiter: new RateLimiterMemory(limits),
  });
  return limiter;
}

const FALLBACK_WARNING_MS = 60_000;
let warnedAt = 0;

/** After a count: says (at most once a minute) if it was counted in this process only. */
function warnIfCountingLocally(): void {
  if (getRedis().status === "ready" || Date.now() - warnedAt < FALLBACK_WARNING_MS) return;
  warnedAt = Date.now();
  logger.warn(
    "Redis is unavailable: sign-in attempts are counted in this web process only until it is back",
  );
}

/**
 * A fixed-size key whatever the client sends; IPv6 clients count per /64 (one host's usual share).
 * A server listening on every interface sees IPv4 clients as ::ffff:a.b.c.d: those are IPv4.
 */
function keyOf(email: string, address: string): string {
  const client =
    ipv4FromMapped(address) ??
    (isIPv6(address) ? expandIPv6(address).slice(0, 4).join(":") : address);
  return createHash("sha256").update(`${email}\0${client}`).digest("base64url");
}

function expandIPv6(address: string): string[] {
  const [head = "", tail = ""] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") ? (tail ? tail.split(":") : []) : [];
  return [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
}

/**
 * Counts one sign-in attempt for this email and address; throws (THROTTLED_MESSAGE_PREFIX...) when
 * they have used up the window's attempts.
 */
export async function countLoginAttempt(email: string, address: string): Promise<void> {
  try {
    await attempts().consume(keyOf(email, address));
    warnIfCountingLocally();
  } catch (error) {
    warnIfCountingLocally();
    if (!(error instanceof RateLimiterRes)) throw error;
    const minutes = Math.max(1, Math.ceil(error.msBeforeNext / 60_000));
    throw new Error(
      `${THROTTLED_MESSAGE_PREFIX} Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
    );
  }
}

export async function clearLoginAttempts(email: string, address: string): Promise<void> {
  await attempts()
    .delete(keyOf(email, address))
    .catch((error: unknown) => logger.warn({ err: error }, "sign-in attempts not cleared"));
}
