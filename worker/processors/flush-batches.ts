import { deliverJobs, enqueue } from "../../lib/jobs/queues";
import { QUEUES, type JobPayload } from "../../lib/jobs/definitions";
import { flushJobId } from "../../lib/jobs/ids";
import { flushEndpointBatch } from "../../lib/engine/batch";

/** Flushes an endpoint's waiting items: full batches at once, the rest after one more window. */
export async function flushEndpoint(
  endpointId: string,
  options: { final?: boolean } = {},
): Promise<number> {
  let deliveries = 0;
  for (;;) {
    const result = await flushEndpointBatch(endpointId, options);
    deliveries += result.deliveries.length;
    await enqueue(QUEUES.deliver, deliverJobs(result.deliveries));
    if (result.taken === 0 || result.remaining === 0) return deliveries;
    if (options.final || result.remaining >= result.maxBatchSize) continue;
    // A partial batch arrived while this flush ran: give it its own window.
    await enqueue(QUEUES.flush, [
      {
        jobId: flushJobId(endpointId, result.windowMs),
        data: { endpointId },
        delayMs: result.windowMs,
      },
    ]);
    return deliveries;
  }
}

export async function processFlushBatches({
  endpointId,
}: JobPayload<typeof QUEUES.flush>): Promise<void> {
  await flushEndpoint(endpointId);
}
