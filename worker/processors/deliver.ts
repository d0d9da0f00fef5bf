import { DelayedError, type Job } from "bullmq";
import { db } from "../../lib/db";
import { env } from "../../lib/env";
import { jobSchemas, QUEUES } from "../../lib/jobs/queues";
import { performDeliveryAttempt } from "../../lib/services/attempts";
import { inFlightByEndpoint, inFlightDeliveries } from "./state";

/**
 * One attempt of one delivery. When this worker already has HERALD_ENDPOINT_CONCURRENCY requests
 * open to the endpoint, the job goes back to the queue (delayed) instead of holding a slot, so
 * one slow endpoint cannot starve the others.
 */
export async function processDeliver(job: Job, token?: string): Promise<void> {
  const { deliveryId } = jobSchemas[QUEUES.deliver].parse(job.data);
  const delivery = await db.delivery.findUnique({ where: { id: deliveryId }, select: { endpointId: true, status: true } });
  if (!delivery || (delivery.status !== "pending" && delivery.status !== "retrying")) return;
  const open = inFlightByEndpoint.get(delivery.endpointId) ?? 0;
  if (open >= env.HERALD_ENDPOINT_CONCURRENCY) {
    await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 200), token);
    throw new DelayedError();
  }
  inFlightByEndpoint.set(delivery.endpointId, open + 1);
  inFlightDeliveries.add(deliveryId);
  try {
    await performDeliveryAttempt(deliveryId);
  } finally {
    inFlightDeliveries.delete(deliveryId);
    const remaining = (inFlightByEndpoint.get(delivery.endpointId) ?? 1) - 1;
    if (remaining <= 0) inFlightByEndpoint.delete(delivery.endpointId);
    else inFlightByEndpoint.set(delivery.endpointId, remaining);
  }
}
