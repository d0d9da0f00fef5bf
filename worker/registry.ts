import type { Job, Processor } from "bullmq";
import { env } from "../lib/env";
import { parseJobPayload, QUEUES, type JobPayload, type QueueName } from "../lib/jobs/definitions";
import type { WorkerContext } from "./context";
import { processDeliver } from "./processors/deliver";
import { processFlushBatches } from "./processors/flush-batches";
import { processMaintenance } from "./processors/maintenance";
import { processRecover } from "./processors/recover";
import { processRouteEvents } from "./processors/route-events";

// The worker's side of the job table (lib/jobs/definitions.ts): each queue's processor, how many
// of its jobs one worker runs at once, and how long a job's lock lasts between renewals.

/**
 * A processor gets its job's data already checked against the queue's schema, the worker's
 * context, and the job itself where BullMQ needs it (moving it back to the queue, its lock's key).
 */
type QueueProcessor<Name extends QueueName> = (
  data: JobPayload<Name>,
  ctx: WorkerContext,
  job: Job,
  token?: string,
) => Promise<void>;

type Registration<Name extends QueueName> = {
  process: QueueProcessor<Name>;
  concurrency: number;
  lockDurationMs: number;
};

const LOCK_MS = 30_000;

export const REGISTRY: { [Name in QueueName]: Registration<Name> } = {
  [QUEUES.route]: { process: processRouteEvents, concurrency: 8, lockDurationMs: LOCK_MS },
  [QUEUES.flush]: { process: processFlushBatches, concurrency: 8, lockDurationMs: LOCK_MS },
  [QUEUES.deliver]: {
    process: processDeliver,
    // One deliver job per request slot (read when the worker starts, not when this loads).
    get concurrency() {
      return env.HERALD_WORKER_CONCURRENCY;
    },
    // A short lock: the reconciler treats a delivery whose job lock is gone as interrupted, so a
    // killed worker's deliveries are taken back about 10 s after it died.
    lockDurationMs: 10_000,
  },
  [QUEUES.recover]: { process: processRecover, concurrency: 1, lockDurationMs: LOCK_MS },
  [QUEUES.maintenance]: { process: processMaintenance, concurrency: 1, lockDurationMs: LOCK_MS },
};

/** The BullMQ processor of a queue: checks the job's data, then runs the registered processor. */
export function queueProcessor<Name extends QueueName>(name: Name, ctx: WorkerContext): Processor {
  const { process } = REGISTRY[name];
  return (job, token) => process(parseJobPayload(name, job.data), ctx, job, token);
}
