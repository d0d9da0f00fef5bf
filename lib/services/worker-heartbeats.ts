import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { getRedis, queuePrefix, type RedisClient } from "../redis";
import { env } from "../env";

// Workers announce themselves in one sorted set per deployment (score = last heartbeat, ms).
// Readiness and the dashboard count the members seen within HERALD_WORKER_TIMEOUT_SECONDS; the
// set expires a day after the last heartbeat, and old members are trimmed on every beat.

export const HEARTBEAT_EVERY_MS = 5000;
const FORGET_AFTER_MS = 24 * 3600 * 1000;

const heartbeatKey = () => `${queuePrefix()}:herald:workers`;
/** The newest heartbeat of any worker, kept when workers leave (readiness reports it). */
const lastSeenKey = () => `${queuePrefix()}:herald:workers-last-seen`;

export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export async function beat(redis: RedisClient, workerId: string, now = Date.now()): Promise<void> {
  const key = heartbeatKey();
  await redis
    .multi()
    .zadd(key, now, workerId)
    .zremrangebyscore(key, "-inf", now - FORGET_AFTER_MS)
    .pexpire(key, FORGET_AFTER_MS)
    .set(lastSeenKey(), String(now), "PX", FORGET_AFTER_MS)
    .exec();
}

/** A worker that stops gracefully leaves at once instead of timing out. */
export async function leave(redis: RedisClient, workerId: string): Promise<void> {
  await redis.zrem(heartbeatKey(), workerId);
}

export type WorkerPresence = { live: number; lastSeenAt: string | null };

export async function workerPresence(now = Date.now()): Promise<WorkerPresence> {
  const key = heartbeatKey();
  const redis = getRedis();
  const cutoff = now - env.HERALD_WORKER_TIMEOUT_SECONDS * 1000;
  const [live, newest] = await Promise.all([
    redis.zcount(key, cutoff, "+inf"),
    redis.get(lastSeenKey()),
  ]);
  const lastSeen = newest ? Number(newest) : null;
  return { live, lastSeenAt: lastSeen ? new Date(lastSeen).toISOString() : null };
}
