import { createRedis } from "../lib/redis";
import { logger } from "../lib/logger";
import { metrics } from "../lib/metrics/registry";
import { beat, HEARTBEAT_EVERY_MS, leave, newWorkerId } from "../lib/services/worker-heartbeats";
import { startMetricsServer } from "./metrics-server";

/**
 * What makes a running worker visible: its heartbeat (readiness, the dashboard) and its metrics
 * server. stop() leaves at once, so a graceful stop is not mistaken for a live worker.
 */
export async function startObservability() {
  const redis = createRedis("producer");
  const workerId = newWorkerId();
  const beatNow = () =>
    beat(redis, workerId).catch((error: unknown) =>
      logger.warn({ err: error }, "worker heartbeat not written"),
    );
  await beatNow();
  const timer = setInterval(() => void beatNow(), HEARTBEAT_EVERY_MS);
  const { workerUp } = metrics();
  workerUp.set(1);
  const server = await startMetricsServer().catch((error: unknown) => {
    logger.error({ err: error }, "worker metrics server did not start; the worker runs without it");
    return null;
  });
  return {
    async stop() {
      workerUp.set(0);
      clearInterval(timer);
      await leave(redis, workerId).catch(() => undefined);
      await redis.quit().catch(() => undefined);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
