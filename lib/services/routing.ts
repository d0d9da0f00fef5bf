import { v7 as uuidv7 } from "uuid";
import { hotQuery, hotTransaction, QUEUE_HEAD_PLAN, type HotClient } from "../delivery/pg";
import { endpointMatcher, type ChannelFilter } from "../matching";
import { endpointBody } from "../delivery/body";
import type { Batching } from "../validation/common";
import type { DueDelivery } from "../jobs/queues";

// Matching events to endpoints (SPEC sections 4 and 5). Runs in the worker; every event is routed
// exactly once (its unrouted_events row is deleted in the transaction that writes its deliveries
// and batch items). Plain node-postgres:
// this runs for every ingest request, and a routing pass is four round trips.

/** seq is a bigint, carried as its decimal string. */
export type StoredEvent = {
  seq: string;
  id: string;
  name: string;
  channel: string;
  payload: Record<string, unknown>;
};

/** What routing and flushing read of an app and its endpoints. */
export type RoutingApp = {
  id: string;
  enabled: boolean;
  batchingEnabled: boolean;
  batchingDurationMs: number;
  batchingMaxBatchSize: number;
};
export type RoutingEndpoint = {
  id: string;
  appId: string;
  enabled: boolean;
  disabledReason: string | null;
  eventTypes: string[];
  filter: ChannelFilter | null;
  batching: Batching | null;
  bodyFormat: "pusher" | "slack";
};

/** SQL for one app's routing config as JSON (`a` is the apps row); `e` for one endpoint's. */
export const APP_JSON = `json_build_object('id', a.id, 'enabled', a.enabled, 'batchingEnabled', a.batching_enabled,
  'batchingDurationMs', a.batching_duration_ms, 'batchingMaxBatchSize', a.batching_max_batch_size)`;
export const ENDPOINT_JSON = `json_build_object('id', e.id, 'appId', e.app_id, 'enabled', e.enabled, 'disabledReason', e.disabled_reason,
  'eventTypes', e.event_types, 'filter', e.filter, 'batching', e.batching, 'bodyFormat', e.body_format)`;

export function effectiveBatching(
  endpoint: Pick<RoutingEndpoint, "batching">,
  app: Omit<RoutingApp, "id" | "enabled">,
): Batching {
  return (
    endpoint.batching ?? {
      enabled: app.batchingEnabled,
      durationMs: app.batchingDurationMs,
      maxBatchSize: app.batchingMaxBatchSize,
    }
  );
}

export type NewDelivery = {
  endpoint: RoutingEndpoint;
  events: StoredEvent[];
  failedReason: string | null;
};
export type DeliveryRow = ReturnType<typeof deliveryRows>[number];

/**
 * The deliveries' rows, body serialised once, now. Ids are uuid v7 made here in order, so they
 * follow the order given (arrival order).
 */
export function deliveryRows(
  deliveries: Array<
    Omit<NewDelivery, "endpoint"> & {
      endpoint: Pick<RoutingEndpoint, "id" | "appId" | "bodyFormat">;
    }
  >,
) {
  const createdAt = Date.now();
  const createdAtIso = new Date(createdAt).toISOString();
  return deliveries.map(({ endpoint, events, failedReason }) => {
    // The id first: a Slack body links to its own delivery.
    const id = uuidv7();
    return {
      id,
      endpoint_id: endpoint.id,
      event_ids: events.map((event) => event.id),
      event_names: [...new Set(events.map((event) => event.name))],
      channels: [...new Set(events.map((event) => event.channel))],
      body: endpointBody(
        endpoint,
        id,
        createdAt,
        events.map((event) => event.payload),
      ),
      status: failedReason ? "failed" : "pending",
      last_error: failedReason,
      // The body's time_ms is the delivery's creation time, to the millisecond.
      created_at: createdAtIso,
    };
  });
}

/**
 * A CTE (`name AS (INSERT ...)`) that inserts the rows of deliveryRows() passed as JSON in
 * parameter `$json` for app `$app`, so callers can write deliveries and more in one statement.
 */
export function insertDeliveriesCte(name: string, app: string, json: string): string {
  return `${name} AS (
    INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, last_error, next_attempt_at, created_at, updated_at)
    SELECT r.id::uuid, ${app}, r.endpoint_id::uuid,
      ARRAY(SELECT jsonb_array_elements_text(r.event_ids)), ARRAY(SELECT jsonb_array_elements_text(r.event_names)),
      ARRAY(SELECT jsonb_array_elements_text(r.channels)), r.body, r.status::"DeliveryStatus", r.last_error,
      CASE WHEN r.status = 'pending' THEN r.created_at END, r.created_at, r.created_at
    FROM jsonb_to_recordset(${json}::jsonb)
      AS r(id text, endpoint_id text, event_ids jsonb, event_names jsonb, channels jsonb, body text, status text, last_error text, created_at timestamptz)
  )`;
}

/** The new deliveries to send now (not the ones recorded failed), for deliverJobs(). */
export function dueDeliveries(rows: DeliveryRow[]): DueDelivery[] {
  return rows
    .filter((row) => row.status === "pending")
    .map((row) => ({ id: row.id, endpointId: row.endpoint_id, attemptNumber: 1 }));
}

/**
 * Why nothing may be sent to this endpoint now, if so. Routing and flushing keep such events as
 * failed deliveries (events for a disabled endpoint, or acknowledged before their app was
 * disabled), so Recover can send them later; the deliver job fails deliveries claimed meanwhile
 * with it.
 */
export function disabledDeliveryReason(
  endpoint: Pick<RoutingEndpoint, "enabled" | "disabledReason" | "appId">,
  app: Pick<RoutingApp, "enabled">,
): string | null {
  if (!app.enabled) return `app disabled: ${endpoint.appId}`;
  if (!endpoint.enabled)
    return `endpoint disabled: ${endpoint.disabledReason ?? "disabled by an operator"}`;
  return null;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += Math.max(size, 1))
    chunks.push(items.slice(index, index + size));
  return chunks;
}

export const compareSeq = (a: string, b: string) =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

export type RoutingResult = {
  /** true when another job is routing this app right now and unrouted events remain. */
  busy: boolean;
  deliveries: DueDelivery[];
  /** Batched endpoints that received items, with their window. */
  batchedEndpoints: { endpointId: string; batching: Batching }[];
};

/** Events routed per transaction. */
const ROUTE_PAGE = 1000;

/**
 * Routes every unrouted event of the app, in arrival (seq) order. Ingest enqueues the routing job
 * after its commit, so whichever pass runs next sees those events. One routing transaction per app
 * at a time (an advisory lock), so deliveries and batch items are always written in seq order.
 */
export async function routeEvents(appId: string): Promise<RoutingResult> {
  const result: RoutingResult = { busy: false, deliveries: [], batchedEndpoints: [] };
  const batched = new Map<string, Batching>();
  for (;;) {
    const page = await routePage(appId);
    if (page === "busy") {
      // Another job holds the app: it routes what is committed, but may have taken its last page
      // before some events committed; come back shortly unless nothing is left.
      const [left] = await hotQuery<{ unrouted: boolean }>(
        "SELECT EXISTS (SELECT 1 FROM unrouted_events WHERE app_id = $1) AS unrouted",
        [appId],
      );
      result.busy = left?.unrouted ?? false;
      break;
    }
    result.deliveries.push(...page.deliveries);
    for (const entry of page.batchedEndpoints) batched.set(entry.endpointId, entry.batching);
    if (page.taken < ROUTE_PAGE) break;
  }
  result.batchedEndpoints = [...batched].map(([endpointId, batching]) => ({
    endpointId,
    batching,
  }));
  return result;
}

type RoutedPage = {
  taken: number;
  deliveries: DueDelivery[];
  batchedEndpoints: RoutingResult["batchedEndpoints"];
};
type TakenPage = {
  locked: boolean;
  events: StoredEvent[] | null;
  app: RoutingApp | null;
  endpoints: RoutingEndpoint[] | null;
  /** Batch items already waiting, per endpoint of the app (absent = none). */
  waiting: Record<string, number> | null;
};

/**
 * One page in one transaction, or "busy" when another job holds the app (no connection is held
 * waiting).
 */
async function routePage(appId: string): Promise<RoutedPage | "busy"> {
  return hotTransaction(async (client) => {
    // Lock, take the page off the routing queue and read its events and the config in one
    // statement. The lock is a one-time filter: without it nothing is taken.
    const { rows } = await client.query<TakenPage>(
      `WITH lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtextextended($2, 0)) AS locked),
       taken AS (
         DELETE FROM unrouted_events u
         WHERE (SELECT locked FROM lock) AND u.app_id = $1 AND u.seq IN (
           SELECT seq FROM unrouted_events WHERE app_id = $1 ORDER BY seq LIMIT ${ROUTE_PAGE} FOR UPDATE SKIP LOCKED)
         RETURNING u.seq
       )
       SELECT (SELECT locked FROM lock) AS locked,
         (SELECT json_agg(json_build_object('seq', e.seq::text, 'id', e.id, 'name', e.name, 'channel', e.channel, 'payload', e.payload) ORDER BY e.seq)
            FROM taken t JOIN events e ON e.seq = t.seq) AS events,
         (SELECT ${APP_JSON} FROM apps a WHERE a.id = $1) AS app,
         (SELECT json_agg(${ENDPOINT_JSON} ORDER BY e.created_at, e.id) FROM endpoints e WHERE e.app_id = $1) AS endpoints,
         (SELECT json_object_agg(w.endpoint_id, w.items) FROM (
            SELECT b.endpoint_id::text AS endpoint_id, count(*) AS items FROM batch_items b JOIN endpoints e ON e.id = b.endpoint_id
            WHERE e.app_id = $1 GROUP BY b.endpoint_id) AS w) AS waiting`,
      [appId, `route|${appId}`],
    );
    const taken = rows[0]!;
    if (!taken.locked) return "busy" as const;
    const events = taken.events ?? [];
    if (events.length === 0) return { taken: 0, deliveries: [], batchedEndpoints: [] };
    const app = taken.app;
    // A deleted app's events go with it; a disabled app's still become (failed) deliveries.
    const endpoints = app ? (taken.endpoints ?? []) : [];
    const deliveries: NewDelivery[] = [];
    const batchItems: { endpointId: string; eventSeq: string }[] = [];
    const batchedEndpoints: RoutingResult["batchedEndpoints"] = [];
    for (const endpoint of endpoints) {
      const matched = events.filter(endpointMatcher(endpoint));
      if (matched.length === 0) continue;
      const batching = effectiveBatching(endpoint, app!);
      const failedReason = disabledDeliveryReason(endpoint, app!);
      if (failedReason) {
        for (const group of chunk(matched, batching.enabled ? batching.maxBatchSize : 1))
          deliveries.push({ endpoint, events: group, failedReason });
      } else if (batching.enabled) {
        // Full batches need no window: when nothing is waiting ahead of them they become
        // deliveries now, and only the remainder waits as batch items for its window.
        const nothingWaiting = !taken.waiting?.[endpoint.id];
        const full = nothingWaiting ? matched.length - (matched.length % batching.maxBatchSize) : 0;
        for (const group of chunk(matched.slice(0, full), batching.maxBatchSize))
          deliveries.push({ endpoint, events: group, failedReason: null });
        if (full < matched.length) {
          for (const event of matched.slice(full))
            batchItems.push({ endpointId: endpoint.id, eventSeq: event.seq });
          batchedEndpoints.push({ endpointId: endpoint.id, batching });
        }
      } else {
        for (const event of matched)
          deliveries.push({ endpoint, events: [event], failedReason: null });
      }
    }
    // Deliveries in seq order across endpoints, so their ids (uuid v7) follow arrival order.
    deliveries.sort((a, b) => compareSeq(a.events[0]!.seq, b.events[0]!.seq));
    const created = await writeRouted(client, appId, deliveries, batchItems);
    return { taken: events.length, deliveries: dueDeliveries(created), batchedEndpoints };
  }, QUEUE_HEAD_PLAN);
}

/** Deliveries and batch items of one page in one statement. */
async function writeRouted(
  client: HotClient,
  appId: string,
  deliveries: NewDelivery[],
  batchItems: { endpointId: string; eventSeq: string }[],
): Promise<DeliveryRow[]> {
  if (deliveries.length === 0 && batchItems.length === 0) return [];
  const rows = deliveryRows(deliveries);
  await client.query(
    `WITH ${insertDeliveriesCte("new_deliveries", "$1", "$2")},
     new_items AS (
       INSERT INTO batch_items (endpoint_id, event_seq)
       SELECT * FROM unnest($3::uuid[], $4::bigint[])
       ON CONFLICT (endpoint_id, event_seq) DO NOTHING
     )
     SELECT 1`,
    [
      appId,
      JSON.stringify(rows),
      batchItems.map((item) => item.endpointId),
      batchItems.map((item) => item.eventSeq),
    ],
  );
  return rows;
}
