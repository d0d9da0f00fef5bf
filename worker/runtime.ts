import { Worker } from "bullmq";
import { db, disconnectDb } from "../lib/db";
import { env } from "../lib/env";
import { createRedis, disconnectRedis, queuePrefix } from "../lib/redis";
import { logger } from "../lib/logger";
import { closeQueues, getQueue } from "../lib/jobs/queues";
import { QUEUES, type QueueName } from "../lib/jobs/definitions";
import { handBackJobIdPrefix, maintenanceSchedulerId } from "../lib/jobs/ids";
import { closeHttpAgent, destroyHttpAgent } from "../lib/delivery/http";
import { closeLambdaClients } from "../lib/delivery/lambda";
import { closeHotPool } from "../lib/pg";
import { ensureLogPartitions } from "../lib/services/partitions";
import { recordBufferedOutcomes } from "./outcome-recorder";
import { flushEndpoint } from "./processors/flush-batches";
import { createWorkerContext, type WorkerContext } from "./context";
import { queueProcessor, REGISTRY } from "./registry";
import { TimeoutError, withTimeout } from "../lib/timeout";
import { enqueueNextAttempts, interruptAttempts } from "../lib/engine/reconcile";

const RETENTION_EVERY_MS = 24 * 3600 * 1000;

/** A BullMQ worker for one queue, as the registry describes it. */
function startQueueWorker(name: QueueName, ctx: WorkerContext): Worker {
  const { concurrency, lockDurationMs } = REGISTRY[name];
  const worker = new Worker(name, queueProcessor(name, ctx), {
    connection: createRedis("worker"),
    prefix: queuePrefix(),
    concurrency,
    lockDuration: lockDurationMs,
    // A stalled job (its worker died) is handed to another worker quickly; Postgres claims keep it
    // single.
    stalledInterval: 5000,
    maxStalledCount: 5,
  });
  worker.on("error", (error) => logger.warn({ err: error, queue: name }, "worker error"));
  worker.on("failed", (job, error) =>
    logger.error({ err: error, queue: name, jobId: job?.id }, "job failed"),
  );
  return worker;
}

/** true when the promise settles within `ms`, false when the time runs out first. */
async function finishesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  try {
    await withTimeout(promise, ms);
    return true;
  } catch (error) {
    if (error instanceof TimeoutError) return false;
    throw error;
  }
}

/**
 * Deliveries still in flight when shutdown times out go back to the queue for another worker.
 * Those whose request had started may have reached the endpoint: each is logged as an interrupted
 * attempt and counts like one. Those still waiting for a request slot were never sent: their claim
 * is undone (attempt count back, no attempt row).
 */
async function handBack(
  ctx: WorkerContext,
  deliveryIds: string[],
  sending: Set<string>,
): Promise<void> {
  if (deliveryIds.length === 0) return;
  ctx.shutdown.handedBack = true;
  const claimed = await db.$queryRaw<{ id: string; attempt_count: number }[]>`
    SELECT id::text, attempt_count FROM deliveries WHERE id = ANY(${deliveryIds}::uuid[]) AND status = 'delivering'`;
  const interrupted = await interruptAttempts(
    claimed.filter((row) => sending.has(row.id)),
    HANDED_BACK,
  );
  const unsent = claimed.filter((row) => !sending.has(row.id));
  const released =
    unsent.length === 0
      ? []
      : await db.$queryRaw<{ id: string; endpoint_id: string; attempt_count: number }[]>`
    UPDATE deliveries d SET status = 'retrying', attempt_count = d.attempt_count - 1, next_attempt_at = now(), claim_job_id = NULL, updated_at = now()
    FROM unnest(${unsent.map((row) => row.id)}::uuid[], ${unsent.map((row) => row.attempt_count)}::int[]) AS u(id, attempt_count)
    WHERE d.id = u.id AND d.attempt_count = u.attempt_count AND d.status = 'delivering'
      AND d.id = ANY(${unsent.map((row) => row.id)}::uuid[]) -- planned for their days only
    RETURNING d.id::text, d.endpoint_id::text, d.attempt_count`;
  // An endpoint deleted meanwhile has nothing left to send them to (the reconciler cancels them).
  const again = [...interrupted, ...released].filter((row) => row.endpoint_id);
  await enqueueNextAttempts(again, handBackJobIdPrefix());
}

const HANDED_BACK =
  "interrupted: the worker shut down during this attempt and handed it back; the outcome is unknown";

/** Starts the worker's processors and the reconciler schedule; stop() shuts down gracefully. */
export async function startWorker() {
  const probe = createRedis("worker");
  await probe.ping();
  await probe.quit();
  await db.$queryRaw`SELECT 1`;
  // The log's days ahead, before anything is written (retention makes them again each day).
  await ensureLogPartitions();

  const ctx = createWorkerContext();
  const workers = {
    route: startQueueWorker(QUEUES.route, ctx),
    flush: startQueueWorker(QUEUES.flush, ctx),
    deliver: startQueueWorker(QUEUES.deliver, ctx),
    recover: startQueueWorker(QUEUES.recover, ctx),
    maintenance: startQueueWorker(QUEUES.maintenance, ctx),
  };
  // Job schedulers are upserted by every worker (BullMQ keeps one schedule per id), and again
  // now and then: a Redis that lost its data has lost the schedules too.
  const maintenance = getQueue(QUEUES.maintenance);
  const upsertSchedules = async () => {
    await maintenance.upsertJobScheduler(
      maintenanceSchedulerId("reconcile"),
      { every: env.HERALD_RECONCILE_INTERVAL_MS },
      { name: "reconcile", data: { task: "reconcile" } },
    );
    await maintenance.upsertJobScheduler(
      maintenanceSchedulerId("retention"),
      { every: RETENTION_EVERY_MS },
      { name: "retention", data: { task: "retention" } },
    );
  };
  await upsertSchedules();
  const scheduleKeeper = setInterval(
    () => {
      upsertSchedules().catch((error) =>
        logger.warn({ err: error }, "could not refresh job schedules"),
      );
    },
    Math.max(env.HERALD_RECONCILE_INTERVAL_MS * 4, 2000),
  );
  logger.info(
    { prefix: queuePrefix(), concurrency: env.HERALD_WORKER_CONCURRENCY },
    "worker ready",
  );

  return {
    async stop(signal: string) {
      logger.info({ signal }, "worker stopping");
      ctx.shutdown.stopping = true;
      recordBufferedOutcomes(ctx);
      clearInterval(scheduleKeeper);
      // 1. Stop taking new work everywhere; let routing and flushing finish what they hold.
      await Promise.all(
        Object.values(workers).map((worker) => worker.pause(true).catch(() => undefined)),
      );
      await Promise.all([
        workers.route.close(),
        workers.flush.close(),
        workers.recover.close(),
        workers.maintenance.close(),
      ]);
      // 2. Close the batch windows this worker opened, so no event waits for a worker that is gone.
      for (const endpointId of ctx.openBatches) {
        await flushEndpoint(endpointId, { final: true }).catch((error) =>
          logger.warn({ err: error, endpointId }, "flush on shutdown failed"),
        );
      }
      // 3. Let in-flight deliveries (deliver jobs' and direct sends') finish (bounded), then hand
      // back whatever is still running.
      const finished = await finishesWithin(
        Promise.all([workers.deliver.close(), ctx.directSends.idle()]),
        env.HERALD_SHUTDOWN_TIMEOUT_MS,
      );
      if (!finished) {
        await handBack(ctx, [...ctx.inFlightDeliveries], new Set(ctx.sendingDeliveries)).catch(
          (error) => logger.warn({ err: error }, "hand-back failed; the reconciler will retry"),
        );
        // Their requests must not hold the exit: abort them (closing the pool would wait for them).
        await destroyHttpAgent();
        await workers.deliver.close(true).catch(() => undefined);
      }
      await closeQueues();
      await closeHttpAgent();
      closeLambdaClients();
      await closeHotPool();
      await disconnectRedis();
      await disconnectDb();
      logger.info("worker stopped");
    },
  };
}
