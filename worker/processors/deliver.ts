import { DelayedError, type Job } from "bullmq";
import { DELIVER_CHUNK, type JobPayload, type QUEUES } from "../../lib/jobs/definitions";
import { claimDeliveries, claimNextDue, type ClaimedRow } from "../../lib/engine/send";
import { refusedJobDelayMs } from "../limiter";
import type { WorkerContext } from "../context";
import { sendClaimed } from "../send-claimed";

/**
 * Claims per deliver job: its own deliveries, then up to this many more chunks of its endpoint's.
 */
const MAX_DRAIN_ROUNDS = 20;

/**
 * One deliver job: up to 100 deliveries of one endpoint, claimed with one statement, sent
 * concurrently under the worker's and the endpoint's request limits, recorded in a few statements;
 * then further chunks of the endpoint's new deliveries while any are due. When the endpoint
 * already has enough jobs in this worker the job goes back to the queue (delayed) instead of
 * holding a slot, so one slow endpoint cannot starve the others.
 */
export async function processDeliver(
  { endpointId, deliveryIds }: JobPayload<typeof QUEUES.deliver>,
  ctx: WorkerContext,
  job: Job,
  token?: string,
): Promise<void> {
  if (!ctx.endpointLimits.admit(endpointId)) {
    await job.moveToDelayed(Date.now() + refusedJobDelayMs(job.attemptsStarted), token);
    throw new DelayedError();
  }
  try {
    // The job's Redis key: its lock (key + ":lock") is what tells the reconciler the job is alive.
    const jobKey = `${job.queueQualifiedName}:${job.id}`;
    let claimed = await claimDeliveries(deliveryIds, jobKey);
    // Then keep draining the endpoint's new deliveries while there are any (a bounded number of
    // rounds, never while stopping): jobs turned away by the endpoint limit would otherwise leave
    // its request slots idle until they come back.
    for (let round = 1; claimed.length > 0; round++) {
      const limited = await sendClaimed(ctx, endpointId, claimed);
      // At its rate limit the endpoint has no room for more now: its held deliveries are queued.
      if (limited || round >= MAX_DRAIN_ROUNDS || ctx.shutdown.stopping) break;
      claimed = await claimNextDue(endpointId, jobKey, DELIVER_CHUNK, newestCreatedAt(claimed));
    }
  } finally {
    ctx.endpointLimits.finish(endpointId);
  }
}

const newestCreatedAt = (rows: ClaimedRow[]) =>
  new Date(Math.max(...rows.map((row) => row.createdAt.getTime())));
