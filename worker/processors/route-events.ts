import { DelayedError, type Job } from "bullmq";
import { deliverJobs, enqueue } from "../../lib/jobs/queues";
import { QUEUES, type JobPayload } from "../../lib/jobs/definitions";
import { flushJobId, fullBatchFlushJobId } from "../../lib/jobs/ids";
import { routeEvents, type RoutingResult } from "../../lib/engine/route";
import { waitingItems } from "../../lib/engine/batch";
import { releaseDueHolds } from "../../lib/engine/holds";
import type { WorkerContext } from "../context";
import { sendClaimed } from "../send-claimed";

/**
 * A routing pass over the app's unrouted events (the job's own seqs are only a record of what
 * triggered it).
 */
export async function processRouteEvents(
  { appId, release }: JobPayload<typeof QUEUES.route>,
  ctx: WorkerContext,
  job: Job,
  token?: string,
): Promise<void> {
  // Held events whose hold ended join the routing queue first; a retried job finds none again.
  if (release) await releaseDueHolds(appId);
  // Room on the direct path: deliveries that may go at once are written claimed and sent here.
  const claim = ctx.shutdown.stopping ? null : await ctx.directSends.reserve();
  let result: RoutingResult;
  try {
    result = await routeEvents(appId, claim ?? undefined);
  } finally {
    // Also when a later page failed: the pages that committed wrote their claims.
    if (claim)
      ctx.directSends.start(claim, (endpointId, deliveries) =>
        sendClaimed(ctx, endpointId, deliveries),
      );
  }
  await enqueueRouted(ctx, result);
  if (result.busy) {
    // Another job is routing the app: wait in the queue, not on a Postgres lock (which would hold
    // a pool connection), and look again.
    await job.moveToDelayed(Date.now() + 20 + Math.floor(Math.random() * 50), token);
    throw new DelayedError();
  }
}

async function enqueueRouted(ctx: WorkerContext, result: RoutingResult): Promise<void> {
  await enqueue(QUEUES.deliver, deliverJobs(result.deliveries));
  if (result.batchedEndpoints.length === 0) return;
  const waiting = await waitingItems(result.batchedEndpoints.map((entry) => entry.endpointId));
  await enqueue(
    QUEUES.flush,
    result.batchedEndpoints.map(({ endpointId, batching }) => {
      ctx.openBatches.add(endpointId);
      const items = waiting.get(endpointId);
      if (items && items.count >= batching.maxBatchSize)
        return { jobId: fullBatchFlushJobId(endpointId, items.firstSeq), data: { endpointId } };
      return {
        jobId: flushJobId(endpointId, batching.durationMs),
        data: { endpointId },
        delayMs: batching.durationMs,
      };
    }),
  );
}
