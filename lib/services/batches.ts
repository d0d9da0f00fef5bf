import { db } from "../db";
import type { DueDelivery } from "../jobs/queues";
import { chunk, effectiveBatching, disabledDeliveryReason, dueDeliveries, insertDeliveries, type StoredEvent } from "./routing";

// Closing a batch window: the endpoint's waiting items (in arrival order) become deliveries.
// Items live in Postgres and are taken with SKIP LOCKED, so any number of workers can flush.

export type FlushResult = { deliveries: DueDelivery[]; taken: number; remaining: number; windowMs: number; maxBatchSize: number };

/** Full batches taken per transaction (a backlog drains in few statements). */
const BATCHES_PER_FLUSH = 10;

/**
 * One flush transaction: the first batch goes out whatever its size (its window has closed), then
 * every further FULL batch (up to BATCHES_PER_FLUSH); a trailing partial batch waits for its own
 * window unless `final`. `remaining` is the number of items still waiting, counted up to maxBatchSize.
 */
export async function flushEndpointBatch(endpointId: string, options: { final?: boolean } = {}): Promise<FlushResult> {
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
      ORDER BY b.event_seq LIMIT ${maxBatchSize * BATCHES_PER_FLUSH}
      FOR UPDATE OF b SKIP LOCKED`;
    if (items.length === 0) return { deliveries: [], taken: 0, remaining: 0, windowMs: batching.durationMs, maxBatchSize };
    const batches = chunk(items, maxBatchSize).filter((batch, index) => index === 0 || batch.length === maxBatchSize || options.final);
    const failedReason = disabledDeliveryReason(endpoint) ?? (endpoint.app.enabled ? null : `app disabled: ${endpoint.appId}`);
    const created = await insertDeliveries(tx, endpoint.appId, batches.map((events) => ({ endpoint, events, failedReason })));
    const itemIds = batches.flat().map((item) => String(item.item_id));
    await tx.$executeRaw`DELETE FROM batch_items WHERE id = ANY(${itemIds}::bigint[])`;
    const [left] = await tx.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM (SELECT 1 FROM batch_items WHERE endpoint_id = ${endpointId}::uuid LIMIT ${maxBatchSize}) AS waiting`;
    return { deliveries: dueDeliveries(created), taken: itemIds.length, remaining: Number(left?.count ?? 0n), windowMs: batching.durationMs, maxBatchSize };
  });
}

/** Waiting items per endpoint (counted up to 1,000), to decide between a windowed flush and an immediate one. */
export async function waitingItems(endpointIds: string[]): Promise<Map<string, { count: number; firstSeq: string }>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ endpoint_id: string; count: bigint; first_seq: bigint | null }[]>`
    SELECT ep.id::text AS endpoint_id, w.count, w.first_seq FROM unnest(${endpointIds}::uuid[]) AS ep(id)
    CROSS JOIN LATERAL (
      SELECT count(*) AS count, min(event_seq) AS first_seq
      FROM (SELECT event_seq FROM batch_items WHERE endpoint_id = ep.id ORDER BY event_seq LIMIT 1000) AS head
    ) AS w`;
  return new Map(rows.filter((row) => row.first_seq !== null).map((row) => [row.endpoint_id, { count: Number(row.count), firstSeq: String(row.first_seq) }]));
}
