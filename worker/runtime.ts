import { db, disconnectDb } from "../lib/db";
import { createRedis } from "../lib/redis";
import { logger } from "../lib/logger";

/** Starts the worker's connections and processors; stop() shuts down gracefully. */
export async function startWorker() {
  const connection = createRedis("worker");
  await connection.ping();
  await db.$queryRaw`SELECT 1`;
  logger.info("worker ready");
  return {
    async stop(signal: string) {
      logger.info({ signal }, "worker stopping");
      await connection.quit().catch(() => undefined);
      await disconnectDb();
      logger.info("worker stopped");
    },
  };
}
