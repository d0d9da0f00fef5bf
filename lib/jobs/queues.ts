import { Queue, type JobsOptions } from "bullmq";
import { getRedis, queuePrefix, type RedisClient } from "../redis";
import { logger } from "../logger";
import { AppError } from "../errors";
import { withTimeout } from "../timeout";
import { deliverChunkJobId, deliverJobId } from "./ids";
import {
  DELIVER_CHUNK,
  parseJobPayload,
  type QUEUES,
  type JobPayload,
  type QueueName,
} from "./definitions";

// Producers: the queues (one per name, per process) and adding jobs to them. What each queue
// carries is in definitions.ts.

// Postgres holds the truth, so finished jobs are dropped from Redis; that also frees their
// deterministic ids for the reconciler to reuse.
const defaultJobOptions: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  // Covers brief Postgres hiccups and a routing job that runs a moment before its ingest commits.
  attempts: 6,
  backoff: { type: "exponential", delay: 100 },
};

const globalForQueues = globalThis as unknown as { heraldQueues?: Map<string, Queue> };

export function getQueue(name: QueueName, connection?: RedisClient): Queue {
  globalForQueues.heraldQueues ??= new Map();
  const key = `${queuePrefix()}|${name}`;
  let queue = globalForQueues.heraldQueues.get(key);
  if (!queue) {
    queue = new Queue(name, {
      connection: connection ?? getRedis(),
      prefix: queuePrefix(),
      defaultJobOptions,
    });
    queue.on("error", (error) => logger.warn({ err: error, queue: name }, "queue error"));
    globalForQueues.heraldQueues.set(key, queue);
  }
  return queue;
}

export async function closeQueues(): Promise<void> {
  const queues = [...(globalForQueues.heraldQueues?.values() ?? [])];
  globalForQueues.heraldQueues = undefined;
  await Promise.all(queues.map((queue) => queue.close().catch(() => undefined)));
}

export type JobRequest<Name extends QueueName> = {
  data: JobPayload<Name>;
  jobId: string;
  delayMs?: number;
  /**
   * Jobs with the same key collapse: while one waits, adding another is a no-op; while one runs,
   * one follow-up is kept and queued when it finishes (BullMQ's keepLastIfActive deduplication).
   */
  collapseKey?: string;
};

const ENQUEUE_TIMEOUT_MS = 3000;

/** Adds jobs (payloads validated); rejects within a few seconds when Redis is unreachable. */
export async function enqueue<Name extends QueueName>(
  name: Name,
  jobs: JobRequest<Name>[],
): Promise<void> {
  if (jobs.length === 0) return;
  const bulk = jobs.map((job) => ({
    name,
    data: parseJobPayload(name, job.data),
    opts: {
      jobId: job.jobId,
      delay: job.delayMs && job.delayMs > 0 ? Math.round(job.delayMs) : undefined,
      deduplication: job.collapseKey ? { id: job.collapseKey, keepLastIfActive: true } : undefined,
    },
  }));
  // One job (every ingest request) is a single script call; addBulk wraps it in MULTI/EXEC.
  const queue = getQueue(name);
  const added: Promise<unknown> =
    bulk.length === 1
      ? queue.add(bulk[0]!.name, bulk[0]!.data, bulk[0]!.opts)
      : queue.addBulk(bulk);
  // The message matches the route wrapper's connection-error pattern, so it answers 503.
  await withTimeout(
    added,
    ENQUEUE_TIMEOUT_MS,
    "Redis enqueue timeout exceeded when trying to connect",
  );
}

/**
 * Resolves when the queue's Redis answers (at once when the connection is up); otherwise a 503
 * within a few seconds, so ingest refuses before it stores anything.
 */
export async function ensureQueueReachable(): Promise<void> {
  const redis = getRedis();
  if (redis.status === "ready") return;
  try {
    await withTimeout(redis.ping(), ENQUEUE_TIMEOUT_MS);
  } catch {
    throw new AppError(
      "service_unavailable",
      "Redis is unavailable; nothing was stored. Retry later.",
    );
  }
}

export type DueDelivery = { id: string; endpointId: string; attemptNumber: number };

/**
 * Deliver jobs for deliveries that are due now: grouped by endpoint, in chunks. A single delivery
 * keeps its per-attempt id `<deliveryId>-<attempt>`; a chunk is named after its first delivery.
 */
export function deliverJobs(
  due: DueDelivery[],
  idPrefix = "",
): JobRequest<typeof QUEUES.deliver>[] {
  const byEndpoint = new Map<string, DueDelivery[]>();
  for (const delivery of due) {
    const list = byEndpoint.get(delivery.endpointId);
    if (list) list.push(delivery);
    else byEndpoint.set(delivery.endpointId, [delivery]);
  }
  const jobs: JobRequest<typeof QUEUES.deliver>[] = [];
  for (const [endpointId, deliveries] of byEndpoint) {
    for (let start = 0; start < deliveries.length; start += DELIVER_CHUNK) {
      const part = deliveries.slice(start, start + DELIVER_CHUNK);
      const first = part[0]!;
      const jobId =
        part.length === 1
          ? deliverJobId(first.id, first.attemptNumber)
          : deliverChunkJobId(first.id, first.attemptNumber);
      jobs.push({
        jobId: `${idPrefix}${jobId}`,
        data: { endpointId, deliveryIds: part.map((delivery) => delivery.id) },
      });
    }
  }
  return jobs;
}
