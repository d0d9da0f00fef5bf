import { Redis, type RedisOptions } from "ioredis";
import { env } from "./env";

// Producers (web) fail fast (one retry, 2 s timeouts) so a request answers 503 instead of hanging;
// BullMQ workers need maxRetriesPerRequest: null to block on the queue across reconnects.
export function createRedis(role: "producer" | "worker"): Redis {
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null, enableReadyCheck: false }
      : { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 };
  return new Redis(env.REDIS_URL, { ...options, lazyConnect: false });
}

const globalForRedis = globalThis as unknown as { heraldRedis?: Redis };

/** The shared producer connection of this process. */
export function getRedis(): Redis {
  globalForRedis.heraldRedis ??= createRedis("producer");
  return globalForRedis.heraldRedis;
}

export async function disconnectRedis(): Promise<void> {
  await globalForRedis.heraldRedis?.quit().catch(() => undefined);
  globalForRedis.heraldRedis = undefined;
}
