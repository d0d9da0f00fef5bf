import { Cluster, Redis, type RedisOptions } from "ioredis";
import { env } from "./env";

// The one place Redis connections are made (BullMQ queues and workers, the login throttle, the
// reconciler's lock checks, health): a plain REDIS_URL, Redis Sentinel (REDIS_SENTINELS) or Redis
// Cluster (REDIS_CLUSTER_NODES), through ioredis's own support for each.

export type RedisClient = Redis | Cluster;

/** Which kind of Redis deployment the environment names. */
export function redisMode(): "single" | "sentinel" | "cluster" {
  if (env.REDIS_CLUSTER_NODES.length) return "cluster";
  if (env.REDIS_SENTINELS.length) return "sentinel";
  return "single";
}

/**
 * BullMQ's key prefix. BullMQ's scripts touch several keys of a queue at once, which Redis Cluster
 * allows only within one hash slot, so on Cluster the prefix is a hash tag (`{herald}`): every
 * queue's keys (and the reconciler's lock keys, built from them) hash to one slot.
 */
export function queuePrefix(): string {
  return redisMode() === "cluster" ? `{${env.HERALD_QUEUE_PREFIX}}` : env.HERALD_QUEUE_PREFIX;
}

// After a failover the old master lives on as a replica: a connection still open to it answers
// writes with READONLY. Reconnecting (and resending the command) finds the new master.
const reconnectOnReadOnly = (error: Error) => (error.message.startsWith("READONLY") ? 2 : false);
// ioredis's default gives up on the sentinels after a while, leaving the connection dead for good;
// a worker must keep trying until Sentinel answers again.
const sentinelRetryStrategy = (attempt: number) => Math.min(attempt * 200, 5000);

// Producers (web) fail fast (one retry, 2 s timeouts) so a request answers 503 instead of hanging;
// BullMQ workers need maxRetriesPerRequest: null to block on the queue across reconnects.
function roleOptions(role: "producer" | "worker"): RedisOptions {
  return role === "worker"
    ? { maxRetriesPerRequest: null, enableReadyCheck: false }
    : { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 };
}

export function createRedis(role: "producer" | "worker"): RedisClient {
  const password = env.REDIS_PASSWORD ? { password: env.REDIS_PASSWORD } : {};
  const options: RedisOptions = { ...roleOptions(role), ...password, lazyConnect: false };
  switch (redisMode()) {
    case "cluster":
      return new Cluster(env.REDIS_CLUSTER_NODES, {
        redisOptions: { ...options, reconnectOnError: reconnectOnReadOnly },
      });
    case "sentinel":
      return new Redis({
        ...options,
        sentinels: env.REDIS_SENTINELS,
        name: env.REDIS_SENTINEL_NAME,
        sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
        sentinelRetryStrategy,
        // No failoverDetector (+switch-master): in ioredis 5, the message arriving while a
        // connection is reconnecting after its master died aborts that reconnect and ends the
        // connection for good (status "end": a worker stops taking jobs until restarted). The
        // sentinels themselves disconnect the clients of a master they demote, and a READONLY
        // answer reconnects too, so failovers are still followed.
        reconnectOnError: reconnectOnReadOnly,
      });
    default:
      return new Redis(env.REDIS_URL, options);
  }
}

const globalForRedis = globalThis as unknown as { heraldRedis?: RedisClient };

/** The shared producer connection of this process. */
export function getRedis(): RedisClient {
  globalForRedis.heraldRedis ??= createRedis("producer");
  return globalForRedis.heraldRedis;
}

export async function disconnectRedis(): Promise<void> {
  await globalForRedis.heraldRedis?.quit().catch(() => undefined);
  globalForRedis.heraldRedis = undefined;
}
