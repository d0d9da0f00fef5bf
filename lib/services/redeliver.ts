import { db } from "../db";
import { AppError, notFound } from "../errors";
import type { Principal } from "../auth/types";
import { enqueue } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import { logger } from "../logger";
import { deliverJobId } from "../jobs/ids";
import { recordAudit } from "./audit";
import { isUuid, presentDelivery } from "./deliveries";

// Redeliver: one more try of one delivery, asked for by an operator and logged as a manual
// attempt. It is a single try: if it fails the delivery returns to failed.

export async function redeliver(principal: Principal, appId: string, deliveryId: string) {
  const delivery = isUuid(deliveryId)
    ? await db.delivery.findUnique({ where: { id: deliveryId }, include: { endpoint: true } })
    : null;
  if (!delivery || delivery.appId !== appId) throw notFound("Delivery", deliveryId);
  if (!delivery.endpoint) {
    throw new AppError(
      "conflict",
      `The endpoint of delivery ${deliveryId} was deleted; it cannot be sent again`,
    );
  }
  if (!delivery.endpoint.enabled) {
    const name = delivery.endpoint.description
      ? `"${delivery.endpoint.description}"`
      : delivery.endpoint.id;
    const why = delivery.endpoint.disabledReason ?? "by an operator";
    throw new AppError(
      "conflict",
      `Its endpoint ${name} is disabled (${why.replace(/\.$/, "")}). Enable the endpoint, then redeliver.`,
    );
  }
  const updated = await db.$transaction(async (tx) => {
    const changed = await tx.delivery.updateMany({
      // Its endpoint may be deleted since the read above: then it stays as it is.
      where: {
        id: deliveryId,
        status: { in: ["succeeded", "failed", "cancelled"] },
        endpointId: { not: null },
      },
      data: { status: "pending", nextAttemptAt: new Date(), nextAttemptTrigger: "manual" },
    });
    if (changed.count === 0)
      throw new AppError(
        "conflict",
        `Delivery ${deliveryId} is ${delivery.status} or its endpoint was just deleted: it cannot be sent again now`,
      );
    await recordAudit(tx, principal, {
      action: "delivery.redelivered",
      resourceType: "delivery",
      resourceId: deliveryId,
      appId,
    });
    return tx.delivery.findUniqueOrThrow({ where: { id: deliveryId }, omit: { body: true } });
  });
  // After commit, so the worker sees the pending row; should Redis fail here, the delivery is
  // already pending in Postgres and the reconciler sends it.
  await enqueue(QUEUES.deliver, [
    {
      jobId: deliverJobId(deliveryId, delivery.attemptCount + 1),
      data: { endpointId: delivery.endpoint.id, deliveryIds: [deliveryId] },
    },
  ]).catch((error) =>
    logger.warn(
      { err: error, deliveryId },
      "redeliver job not enqueued; the reconciler will send it",
    ),
  );
  return { delivery: presentDelivery(updated) };
}
