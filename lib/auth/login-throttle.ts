import { RateLimiterRedis } from "rate-limiter-flexible";
import { env } from "../env";
import { logger } from "../logger";
import { getRedis } from "../redis";

// Failed dashboard sign-ins are counted per email and client address, in Redis so every web
// process shares the count. Past the limit the pair is refused, right password or not, until the
// window ends: guessing a password at network speed becomes guessing ten an hour. Keyed by address
// too, so someone else's failures cannot lock the admin out from everywhere.

export const LOGIN_FAILURES_ALLOWED = 10;
const WINDOW_SECONDS = 15 * 60;

let limiter: RateLimiterRedis | undefined;
function failures(): RateLimiterRedis {
  limiter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${env.HERALD_QUEUE_PREFIX}:login-failures`,
    points: LOGIN_FAILURES_ALLOWED,
    duration: WINDOW_SECONDS,
  });
  return limiter;
}

export class LoginThrottledError extends Error {}

const keyOf = (email: string, address: string) => `${email}|${address}`;

/** Throws LoginThrottledError when this email and address have used up their failures. */
export async function assertLoginAllowed(email: string, address: string): Promise<void> {
  const state = await failures()
    .get(keyOf(email, address))
    .catch((error: unknown) => {
      // Redis down: signing in must not depend on it (it is a guard, not a record).
      logger.warn({ err: error }, "sign-in failures could not be read; not throttling");
      return null;
    });
  if (state && state.consumedPoints >= LOGIN_FAILURES_ALLOWED) {
    const minutes = Math.max(1, Math.ceil(state.msBeforeNext / 60_000));
    throw new LoginThrottledError(`Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
  }
}

export async function recordLoginFailure(email: string, address: string): Promise<void> {
  await failures()
    .penalty(keyOf(email, address), 1)
    .catch((error: unknown) => logger.warn({ err: error }, "sign-in failure not counted"));
}

export async function clearLoginFailures(email: string, address: string): Promise<void> {
  await failures()
    .delete(keyOf(email, address))
    .catch((error: unknown) => logger.warn({ err: error }, "sign-in failures not cleared"));
}
