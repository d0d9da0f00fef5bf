import { v7 as uuidv7 } from "uuid";
import { db, type Tx } from "../db";
import type { App, Endpoint } from "../generated/prisma/client";
import { channelMatchesFilter, type ChannelFilter } from "../matching";
import { deliveryBody } from "../delivery/body";
import type { Batching } from "../validation/common";
import type { DueDelivery } from "../jobs/queues";

// Matching events to endpoints (SPEC sections 4 and 5). Runs in the worker; every event is routed
// exactly once (FOR UPDATE SKIP LOCKED + routed_at in the same transaction).

export type StoredEvent = { seq: bigint; id: string; name: string; channel: string; payload: Record<string, unknown> };

export function effectiveBatching(endpoint: Endpoint, app: App): Batching {
  const own = endpoint.batching as Batching | null;
  return own ?? { enabled: app.batchingEnabled, durationMs: app.batchingDurationMs, maxBatchSize: app.batchingMaxBatchSize };
}

export type NewDelivery = { endpoint: Endpoint; events: StoredEvent[]; failedReason: string | null };

/**
 * Inserts deliveries (one statement) with their body serialised once, now. Ids are uuid v7
 * made here in order, so they follow the order given (arrival order).
 */
export async function insertDeliveries(tx: Tx, appId: string, deliveries: NewDelivery[]): Promise<{ id: string; endpointId: string; status: string }[]> {
  if (deliveries.length === 0) return [];
  const createdAt = new Date();
  const rows = deliveries.map(({ endpoint, events, failedReason }) => ({
    id: uuidv7(),
    endpoint_id: endpoint.id,
    event_ids: events.map((event) => event.id),
    event_names: [...new Set(events.map((event) => event.name))],
    channels: [...new Set(events.map((event) => event.channel))],
    body: deliveryBody(createdAt.getTime(), events.map((event) => event.payload)),
    status: failedReason ? "failed" : "pending",
    last_error: failedReason,
  }));
  const at = createdAt.toISOString();
  await tx.$executeRaw`
    INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, last_error, next_attempt_at, created_at, updated_at)
    SELECT r.id::uuid, ${appId}, r.endpoint_id::uuid,
      ARRAY(SELECT jsonb_array_elements_text(r.event_ids)), ARRAY(SELECT jsonb_array_elements_text(r.event_names)),
      ARRAY(SELECT jsonb_array_elements_text(r.channels)), r.body, r.status::"DeliveryStatus", r.last_error,
      CASE WHEN r.status = 'pending' THEN ${at}::timestamptz END, ${at}::timestamptz, ${at}::timestamptz
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS r(id text, endpoint_id text, event_ids jsonb, event_names jsonb, channels jsonb, body text, status text, last_error text)`;
  return rows.map((row) => ({ id: row.id, endpointId: row.endpoint_id, status: row.status }));
}

/** The new deliveries to send now (not the ones recorded failed), for deliverJobs(). */
export function dueDeliveries(created: { id: string; endpointId: string; status: string }[]): DueDelivery[] {
  return created.filter((row) => row.status === "pending").map((row) => ({ id: row.id, endpointId: row.endpointId, attemptNumber: 1 }));
}

/** Events for a disabled endpoint are kept as failed deliveries, so Recover can send them later. */
export function disabledDeliveryReason(endpoint: Endpoint): string | null {
  return endpoint.enabled ? null : `endpoint disabled: ${endpoint.disabledReason ?? "disabled by an operator"}`;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += Math.max(size, 1)) chunks.push(items.slice(index, index + size));
  return chunks;
}

export type RoutingResult = {
  /** true when none of the job's events is visible yet (the ingest transaction has not committed). */
  notVisible: boolean;
  /** true when another job is routing this app right now and the job's events are still unrouted. */
  busy: boolean;
  deliveries: DueDelivery[];
  /** Batched endpoints that received items, with their window. */
  batchedEndpoints: { endpointId: string; batching: Batching }[];
};

/** Events routed per transaction. */
const ROUTE_PAGE = 1000;

/**
 * Routes every unrouted event of the app, in arrival (seq) order, not only the job's own: whichever
 * routing job runs first takes everything committed so far, so a request whose job ran before its
 * commit is never overtaken by a later request. One routing transaction per app at a time (an
 * advisory lock), so deliveries and batch items are always written in seq order.
 */
export async function routeEvents(appId: string, eventSeqs: string[]): Promise<RoutingResult> {
  const own = await ownEvents(appId, eventSeqs);
  if ((own?.total ?? 0n) === 0n) return { notVisible: true, busy: false, deliveries: [], batchedEndpoints: [] };
  const result: RoutingResult = { notVisible: false, busy: false, deliveries: [], batchedEndpoints: [] };
  if ((own?.unrouted ?? 0n) === 0n) return result; // another routing job took them
  const batched = new Map<string, Batching>();
  for (;;) {
    const page = await routePage(appId);
    if (page === "busy") {
      // Another job holds the app: it routes what is committed; ours may have committed after its
      // last look, so come back shortly unless they are routed by then.
      const [left] = await db.$queryRaw<{ unrouted: bigint }[]>`
        SELECT count(*) AS unrouted FROM events WHERE app_id = ${appId} AND seq = ANY(${eventSeqs}::bigint[]) AND routed_at IS NULL`;
      result.busy = (left?.unrouted ?? 0n) > 0n;
      break;
    }
    result.deliveries.push(...page.deliveries);
    for (const entry of page.batchedEndpoints) batched.set(entry.endpointId, entry.batching);
    if (page.taken < ROUTE_PAGE) break;
  }
  result.batchedEndpoints = [...batched].map(([endpointId, batching]) => ({ endpointId, batching }));
  return result;
}

/** The job is enqueued just before the ingest commits: look a few times within ~40 ms before giving up to BullMQ's backoff. */
async function ownEvents(appId: string, eventSeqs: string[]): Promise<{ total: bigint; unrouted: bigint } | undefined> {
  for (const pauseMs of [5, 10, 25, 0]) {
    const [own] = await db.$queryRaw<{ total: bigint; unrouted: bigint }[]>`
      SELECT count(*) AS total, count(*) FILTER (WHERE routed_at IS NULL) AS unrouted FROM events
      WHERE app_id = ${appId} AND seq = ANY(${eventSeqs}::bigint[])`;
    if ((own?.total ?? 0n) > 0n || pauseMs === 0) return own;
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

type RoutedPage = { taken: number; deliveries: DueDelivery[]; batchedEndpoints: RoutingResult["batchedEndpoints"] };

/** One page in one transaction, or "busy" when another job holds the app (no connection is held waiting). */
async function routePage(appId: string): Promise<RoutedPage | "busy"> {
  return db.$transaction(async (tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtextextended(${`route|${appId}`}, 0)) AS locked`;
    if (!lock?.locked) return "busy" as const;
    const events = await tx.$queryRaw<StoredEvent[]>`
      SELECT seq, id, name, channel, payload FROM events
      WHERE app_id = ${appId} AND routed_at IS NULL
      ORDER BY seq LIMIT ${ROUTE_PAGE} FOR UPDATE SKIP LOCKED`;
    if (events.length === 0) return { taken: 0, deliveries: [], batchedEndpoints: [] };
    const app = await tx.app.findUnique({ where: { id: appId } });
    const endpoints = app?.enabled ? await tx.endpoint.findMany({ where: { appId }, orderBy: { createdAt: "asc" } }) : [];
    const deliveries: NewDelivery[] = [];
    const batchItems: { endpointId: string; eventSeq: bigint }[] = [];
    const batchedEndpoints: RoutingResult["batchedEndpoints"] = [];
    for (const endpoint of endpoints) {
      const filter = (endpoint.filter ?? {}) as ChannelFilter;
      const matched = events.filter((event) => endpoint.eventTypes.includes(event.name) && channelMatchesFilter(filter, event.channel));
      if (matched.length === 0) continue;
      const batching = effectiveBatching(endpoint, app!);
      const failedReason = disabledDeliveryReason(endpoint);
      if (failedReason) {
        for (const group of chunk(matched, batching.enabled ? batching.maxBatchSize : 1)) deliveries.push({ endpoint, events: group, failedReason });
      } else if (batching.enabled) {
        for (const event of matched) batchItems.push({ endpointId: endpoint.id, eventSeq: event.seq });
        batchedEndpoints.push({ endpointId: endpoint.id, batching });
      } else {
        for (const event of matched) deliveries.push({ endpoint, events: [event], failedReason: null });
      }
    }
    // Deliveries in seq order across endpoints, so their ids (uuid v7) follow arrival order.
    deliveries.sort((a, b) => (a.events[0]!.seq < b.events[0]!.seq ? -1 : a.events[0]!.seq > b.events[0]!.seq ? 1 : 0));
    const created = await insertDeliveries(tx, appId, deliveries);
    if (batchItems.length > 0) {
      await tx.$executeRaw`
        INSERT INTO batch_items (endpoint_id, event_seq)
        SELECT * FROM unnest(${batchItems.map((item) => item.endpointId)}::uuid[], ${batchItems.map((item) => String(item.eventSeq))}::bigint[])
        ON CONFLICT (endpoint_id, event_seq) DO NOTHING`;
    }
    const seqs = events.map((event) => String(event.seq));
    await tx.$executeRaw`UPDATE events SET routed_at = now() WHERE seq = ANY(${seqs}::bigint[])`;
    return { taken: events.length, deliveries: dueDeliveries(created), batchedEndpoints };
  });
}
