import { randomBytes } from "node:crypto";

import { logger } from "../logger";
import { hotQuery } from "../pg";
import { getRedis, queuePrefix, type RedisClient } from "../redis";
import { QUEUES } from "../jobs/definitions";
import { rateLimitJobIdPrefix } from "../jobs/ids";
import { deliverJobs, enqueue, type JobRequest } from "../jobs/queues";
import { idRangeCondition } from "./deliveries";
import type { ClaimedDelivery } from "./send";

// An endpoint's rate limit, shared by every worker: a sliding log of the requests sent to it, one
// Redis sorted set per endpoint, checked and written by scripts (atomic, on Redis's clock, so
// workers on other hosts agree). rate-limiter-flexible and BullMQ's limiter count in fixed
// windows, which let through twice the limit across a window boundary; BullMQ's limiter is also
// per queue, not per endpoint, and limits jobs where the engine sends up to 100 deliveries per job.
//
// A request reaches the receiver some time between being let through and its response, and how
// long after varies (a stalled worker, a slow connection), so the log holds each request until its
// response: a request in flight counts as sent now, a finished one counts for a window after its
// response. Then no window of the receiver's sees more than the limit, however late requests land.

/** One second, plus a millisecond for receivers that stamp arrivals in whole milliseconds. */
const RATE_LIMIT_WINDOW_MS = 1001;

// KEYS[1]: the endpoint's log, scores in microseconds on Redis's clock: a finished request's
// response time, or for one in flight the latest it can still be in flight. ARGV: limit, window
// and longest flight in microseconds, a member unique to this request. Returns 0 when the request
// may go, else the milliseconds until one is expected to leave the window.
const TAKE = `
local now = redis.call('TIME')
local t = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window = tonumber(ARGV[2])
local flight = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t - window)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], t + flight, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil((window + flight) / 1000))
  return 0
end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
if oldest > t then return math.ceil(window / 1000) end
return math.max(1, math.ceil((oldest + window - t) / 1000))
`;

// KEYS[1]: the log; ARGV[1]: the request's member. Its response came: it counts from now.
const FINISH = `
local now = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'XX', tonumber(now[1]) * 1000000 + tonumber(now[2]), ARGV[1])
return 0
`;

type WithRateLimitScripts = RedisClient & {
  heraldRateLimitTake(
    key: string,
    limit: number,
    windowUs: number,
    flightUs: number,
    member: string,
  ): Promise<number>;
  heraldRateLimitFinish(key: string, member: string): Promise<number>;
};

const withScripts = new WeakSet<RedisClient>();
function redisWithScripts(): WithRateLimitScripts {
  const redis = getRedis();
  if (!withScripts.has(redis)) {
    redis.defineCommand("heraldRateLimitTake", { numberOfKeys: 1, lua: TAKE });
    redis.defineCommand("heraldRateLimitFinish", { numberOfKeys: 1, lua: FINISH });
    withScripts.add(redis);
  }
  return redis as WithRateLimitScripts;
}

const logKey = (endpointId: string) => `${queuePrefix()}:rate-limit:${endpointId}`;
const processTag = randomBytes(6).toString("hex");
let sequence = 0;

/**
 * Lets a request to the endpoint go now (waitMs 0; call finishRateLimitedRequest with `member`
 * when its response is in), or says how many ms until one may. `maxFlightMs` bounds how long the
 * request can be in flight (its timeout and then some): a worker that dies mid-request leaves an
 * entry that lapses by itself.
 */
async function takeRateLimitSlot(
  endpointId: string,
  perSecond: number,
  maxFlightMs: number,
): Promise<{ waitMs: number; member: string }> {
  sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
  const member = `${processTag}-${sequence}`;
  const waitMs = await redisWithScripts().heraldRateLimitTake(
    logKey(endpointId),
    perSecond,
    RATE_LIMIT_WINDOW_MS * 1000,
    maxFlightMs * 1000,
    member,
  );
  return { waitMs, member };
}

async function finishRateLimitedRequest(endpointId: string, member: string): Promise<void> {
  await redisWithScripts().heraldRateLimitFinish(logKey(endpointId), member);
}

/** The delivery log's reason for a delivery held back by the limit. */
const rateLimitWaitReason = (perSecond: number) =>
  `waiting for the endpoint's rate limit (${perSecond}/s)`;

/**
 * With Redis unreachable nothing can be counted, so requests wait (this long, then ask again)
 * rather than go out unlimited: the limit is there to protect the receiver, which N workers
 * sending unlimited would not. The deliveries stay in Postgres meanwhile; nothing is lost.
 */
const UNCOUNTABLE_WAIT_MS = 1000;

/**
 * One deliver job's round of requests to a rate-limited endpoint. run() takes a slot of the
 * shared limit right before a request goes out (inside its request slot, so it is sent at once);
 * a delivery refused is held, and after the round holdBack() undoes its claim (no attempt, attempt
 * count back) and queues it for when the limit has room. Once refused, the rest of the round is
 * held without asking Redis until the wait is over.
 */
export class RateLimitGate {
  private readonly held: ClaimedDelivery[] = [];
  private retryAt = 0;
  private uncountable = false;

  constructor(
    readonly endpointId: string,
    readonly perSecond: number,
    /** The request timeout plus time to prepare it. */
    readonly maxFlightMs: number,
  ) {}

  /**
   * Runs `send` now if the limit has room, logging its response time; otherwise holds the
   * delivery and returns null.
   */
  async run<T>(delivery: ClaimedDelivery, send: () => Promise<T>): Promise<T | null> {
    if (Date.now() < this.retryAt) {
      this.held.push(delivery);
      return null;
    }
    let waitMs: number;
    let member = "";
    try {
      ({ waitMs, member } = await takeRateLimitSlot(
        this.endpointId,
        this.perSecond,
        this.maxFlightMs,
      ));
    } catch (error) {
      if (!this.uncountable)
        logger.warn(
          { err: error, endpointId: this.endpointId },
          "cannot count requests against this endpoint's rate limit; its deliveries wait",
        );
      this.uncountable = true;
      waitMs = UNCOUNTABLE_WAIT_MS;
    }
    if (waitMs > 0) {
      this.retryAt = Math.max(this.retryAt, Date.now() + waitMs);
      this.held.push(delivery);
      return null;
    }
    try {
      return await send();
    } finally {
      // Not awaited: the request slot is free once the response is in. Should this fail, the
      // entry keeps counting until its longest flight is over: later sends, never more.
      void finishRateLimitedRequest(this.endpointId, member).catch(() => undefined);
    }
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  /**
   * Gives the held deliveries back, due when the limit will have room for them: the first
   * `perSecond` when the wait is over, the next a window later, and so on, so a backlog is not
   * claimed and given back again every window. Should Redis fail here they are still due in
   * Postgres, and the reconciler queues them.
   */
  async holdBack(): Promise<void> {
    if (this.held.length === 0) return;
    const firstWaitMs = Math.max(0, this.retryAt - Date.now());
    const dueIn = this.held.map(
      (_, index) => firstWaitMs + Math.floor(index / this.perSecond) * RATE_LIMIT_WINDOW_MS,
    );
    const reason = this.uncountable
      ? `${rateLimitWaitReason(this.perSecond)}: Redis is unreachable, so requests cannot be counted`
      : rateLimitWaitReason(this.perSecond);
    const range = idRangeCondition(
      "d.id",
      this.held.map((delivery) => delivery.id),
      5,
    );
    const released = await hotQuery<{ id: string; endpoint_id: string; attempt_count: number }>(
      `UPDATE deliveries d SET status = (CASE WHEN d.attempt_count > 1 THEN 'retrying' ELSE 'pending' END)::"DeliveryStatus",
         attempt_count = d.attempt_count - 1, next_attempt_at = now() + u.due_in_ms * interval '1 millisecond',
         claim_job_id = NULL, last_error = $4, updated_at = now()
       FROM unnest($1::uuid[], $2::int[], $3::int[]) AS u(id, attempt, due_in_ms)
       WHERE d.id = u.id AND d.status = 'delivering' AND d.attempt_count = u.attempt ${range.sql}
       RETURNING d.id::text, d.endpoint_id::text, d.attempt_count`,
      [
        this.held.map((delivery) => delivery.id),
        this.held.map((delivery) => delivery.attemptNumber),
        dueIn,
        reason,
        ...range.values,
      ],
    );
    const dueInById = new Map(this.held.map((delivery, index) => [delivery.id, dueIn[index]!]));
    const byDueTime = new Map<
      number,
      { id: string; endpointId: string; attemptNumber: number }[]
    >();
    for (const row of released) {
      const due = dueInById.get(row.id)!;
      const group = byDueTime.get(due) ?? [];
      group.push({ id: row.id, endpointId: row.endpoint_id, attemptNumber: row.attempt_count + 1 });
      byDueTime.set(due, group);
    }
    const prefix = rateLimitJobIdPrefix();
    const jobs: JobRequest<typeof QUEUES.deliver>[] = [...byDueTime].flatMap(([due, group]) =>
      deliverJobs(group, prefix).map((job) => ({ ...job, delayMs: due })),
    );
    await enqueue(QUEUES.deliver, jobs).catch((error) =>
      logger.warn(
        { err: error, endpointId: this.endpointId },
        "deliveries held back by the rate limit not enqueued; the reconciler will schedule them",
      ),
    );
  }
}
