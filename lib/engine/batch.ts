import { hotQuery, hotTransaction, QUEUE_HEAD_PLAN } from "../pg";
import { endpointMatcher } from "../matching";
import type { DueDelivery } from "../jobs/queues";
import { chunk } from "../util";
import {
  APP_JSON,
  deliveryRows,
  disabledDeliveryReason,
  dueDeliveries,
  effectiveBatching,
  ENDPOINT_JSON,
  insertDeliveriesCte,
  RECEIVED_MS,
  type RoutingApp,
  type RoutingEndpoint,
  type StoredEvent,
} from "./deliveries";
import { orderedChannelsCte } from "./ordering";

// Closing a batch window: the endpoint's waiting items (in arrival order) become deliveries.
// Items live in Postgres and are taken with SKIP LOCKED, so any number of workers can flush.

export type FlushResult = {
  deliveries: DueDelivery[];
  taken: number;
  remaining: number;
  windowMs: number;
  maxBatchSize: number;
};

/** Full batches taken per transaction (a backlog drains in few statements). */
const BATCHES_PER_FLUSH = 10;

type WaitingItem = StoredEvent & { itemId: string };

/**
 * One flush transaction: the first batch goes out whatever its size (its window has closed), then
 * every further FULL batch (up to BATCHES_PER_FLUSH); a trailing partial batch waits for its own
 * window unless `final`. `remaining` is the number of items still waiting, counted up to
 * maxBatchSize.
 */
export async function flushEndpointBatch(
  endpointId: string,
  options: { final?: boolean } = {},
): Promise<FlushResult> {
  return hotTransaction(async (client) => {
    // One flush of an endpoint at a time (across workers): two at once each took part of the
    // waiting items (SKIP LOCKED) and could send a later part before an earlier one. The lock is
    // taken in the config read; the items are read by the next statement, after a wait.
    const { rows: configRows } = await client.query<{ endpoint: RoutingEndpoint; app: RoutingApp }>(
      `SELECT pg_advisory_xact_lock(hashtextextended($2, 0)), ${ENDPOINT_JSON} AS endpoint, ${APP_JSON} AS app
       FROM endpoints e JOIN apps a ON a.id = e.app_id WHERE e.id = $1::uuid`,
      [endpointId, `flush|${endpointId}`],
    );
    const config = configRows[0];
    if (!config) return { deliveries: [], taken: 0, remaining: 0, windowMs: 0, maxBatchSize: 0 };
    const { endpoint, app } = config;
    const batching = effectiveBatching(endpoint, app);
    // Items queued before batching was switched off still go out together, at the last known size.
    const maxBatchSize = batching.maxBatchSize;
    const { rows: items } = await client.query<WaitingItem>(
      `SELECT b.id::text AS "itemId", e.seq::text AS seq, e.id, e.name, e.channel, e.payload,
         ${RECEIVED_MS} AS "receivedMs"
       FROM batch_items b JOIN events e ON e.seq = b.event_seq
       WHERE b.endpoint_id = $1::uuid
       ORDER BY b.event_seq LIMIT ${maxBatchSize * BATCHES_PER_FLUSH}
       FOR UPDATE OF b SKIP LOCKED`,
      [endpointId],
    );
    if (items.length === 0)
      return {
        deliveries: [],
        taken: 0,
        remaining: 0,
        windowMs: batching.durationMs,
        maxBatchSize,
      };
    // Matched again against the endpoint as it is now: an edit of its event types or filter while
    // the window was open must not send events it no longer asks for (they stay in the events log).
    const matches = endpointMatcher(endpoint);
    const dropped = items.filter((item) => !matches(item)).map((item) => item.itemId);
    const batches = chunk(items.filter(matches), maxBatchSize).filter(
      (batch, index) => index === 0 || batch.length === maxBatchSize || options.final,
    );
    const failedReason = disabledDeliveryReason(endpoint, app);
    const rows = deliveryRows(batches.map((events) => ({ endpoint, events, failedReason })));
    const itemIds = [...batches.flat().map((item) => item.itemId), ...dropped];
    // Insert the deliveries, delete their items and count what still waits, in one statement (the
    // count cannot see the delete, hence the exclusion).
    const { rows: left } = await client.query<{ count: number }>(
      `WITH ${insertDeliveriesCte("new_deliveries", "$1", "$2")}${orderedChannelsCte("new_channels", "$2", rows)},
       taken AS (DELETE FROM batch_items WHERE id = ANY($3::bigint[]))
       SELECT count(*)::int AS count FROM (
         SELECT 1 FROM batch_items WHERE endpoint_id = $4::uuid AND id <> ALL($3::bigint[]) LIMIT ${maxBatchSize}) AS waiting`,
      [endpoint.appId, JSON.stringify(rows), itemIds, endpointId],
    );
    return {
      deliveries: dueDeliveries(rows),
      taken: itemIds.length,
      remaining: left[0]?.count ?? 0,
      windowMs: batching.durationMs,
      maxBatchSize,
    };
  }, QUEUE_HEAD_PLAN);
}

/**
 * Waiting items per endpoint (counted up to 1,000), to decide between a windowed flush and an
 * immediate one.
 */
export async function waitingItems(
  endpointIds: string[],
): Promise<Map<string, { count: number; firstSeq: string }>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await hotQuery<{ endpoint_id: string; count: number; first_seq: string | null }>(
    `SELECT ep.id::text AS endpoint_id, w.count, w.first_seq FROM unnest($1::uuid[]) AS ep(id)
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS count, min(event_seq)::text AS first_seq
       FROM (SELECT event_seq FROM batch_items WHERE endpoint_id = ep.id ORDER BY event_seq LIMIT 1000) AS head
     ) AS w`,
    [endpointIds],
  );
  return new Map(
    rows
      .filter((row) => row.first_seq !== null)
      .map((row) => [row.endpoint_id, { count: row.count, firstSeq: row.first_seq! }]),
  );
}
