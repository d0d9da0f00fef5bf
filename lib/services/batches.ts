import { db } from "../db";
import { effectiveBatching, disabledDeliveryReason, dueDeliveries, insertDeliveries, type StoredEvent } from "./routing";
import type { DueDelivery } from "../jobs/queues";

// Closing a batch window: the endpoint's waiting items (in arrival order) become one delivery.
// Items live in Postgres and are taken with SKIP LOCKED, so any number of workers can flush.

export type FlushResult = { deliveries: DueDelivery[]; taken: number; remaining: number; windowMs: number; maxBatchSize: number };

export async function flushEndpointBatch(endpointId: string): Promise<FlushResult> {
  return db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { id: endpointId }, include: { app: true } });
    if (!endpoint) return { deliveries: [], taken: 0, remaining: 0, windowMs: 0, maxBatchSize: 0 };
    const batching = effectiveBatching(endpoint, endpoint.app);
    // Items queued before batching was switched off still go out together, at the last known size.
    const maxBatchSize = batching.maxBatchSize;
    const items = await tx.$queryRaw<(StoredEvent & { item_id: bigint })[]>`
      SELECT b.id AS item_id, e.seq, e.id, e.name, e.channel, e.payload
      FROM batch_items b JOIN events e ON e.seq = b.event_seq
      WHERE b.endpoint_id = ${endpointId}::uuid
      ORDER BY b.event_seq LIMIT ${maxBatchSize}
      FOR UPDATE OF b SKIP LOCKED`;
    if (items.length === 0) return { deliveries: [], taken: 0, remaining: 0, windowMs: batching.durationMs, maxBatchSize };
    const failedReason = disabledDeliveryReason(endpoint) ?? (endpoint.app.enabled ? null : `app disabled: ${endpoint.appId}`);
    const created = await insertDeliveries(tx, endpoint.appId, [{ endpoint, events: items, failedReason }]);
    const itemIds = items.map((item) => String(item.item_id));
    await tx.$executeRaw`DELETE FROM batch_items WHERE id = ANY(${itemIds}::bigint[])`;
    const [left] = await tx.$queryRaw<{ count: bigint }[]>`SELECT count(*) AS count FROM batch_items WHERE endpoint_id = ${endpointId}::uuid`;
    return {
      deliveries: dueDeliveries(created),
      taken: items.length,
      remaining: Number(left?.count ?? 0n),
      windowMs: batching.durationMs,
      maxBatchSize,
    };
  });
}

/** Waiting items per endpoint, to decide between a windowed flush and an immediate one. */
export async function waitingItems(endpointIds: string[]): Promise<Map<string, { count: number; firstSeq: string }>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ endpoint_id: string; count: bigint; first_seq: bigint }[]>`
    SELECT endpoint_id::text, count(*) AS count, min(event_seq) AS first_seq FROM batch_items
    WHERE endpoint_id = ANY(${endpointIds}::uuid[]) GROUP BY endpoint_id`;
  return new Map(rows.map((row) => [row.endpoint_id, { count: Number(row.count), firstSeq: String(row.first_seq) }]));
}
