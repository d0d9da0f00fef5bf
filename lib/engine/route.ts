import { hotQuery, hotTransaction, QUEUE_HEAD_PLAN, type HotClient } from "../pg";
import { endpointMatcher } from "../matching";
import { chunk, compareSeq } from "../util";
import type { Batching } from "../validation/common";
import type { DueDelivery } from "../jobs/queues";
import {
  APP_JSON,
  deliveryRows,
  disabledDeliveryReason,
  dueDeliveries,
  effectiveBatching,
  ENDPOINT_JSON,
  insertDeliveriesCte,
  RECEIVED_MS,
  type DeliveryRow,
  type NewDelivery,
  type RoutingApp,
  type RoutingEndpoint,
  type StoredEvent,
} from "./deliveries";
import { orderedChannelsCte } from "./ordering";
import type { ClaimedRow } from "./send";

// Matching events to endpoints (docs/engine.md#routing). Runs in the worker; every event is routed
// exactly once (its unrouted_events row is deleted in the transaction that writes its deliveries
// and batch items). Plain node-postgres:
// this runs for every ingest request, and a routing pass is four round trips.

export type RoutingResult = {
  /** true when another job is routing this app right now and unrouted events remain. */
  busy: boolean;
  deliveries: DueDelivery[];
  /** Batched endpoints that received items, with their window. */
  batchedEndpoints: { endpointId: string; batching: Batching }[];
};

/**
 * The direct path: a worker with room to send more asks routing to write new deliveries, as many
 * as `take` grants, already claimed (`delivering`, attempt 1, claim_job_id = `claimJobId`, whose Redis
 * lock the worker holds), and sends them as soon as the routing commits. Their first attempt then
 * costs no deliver job and no claim statement: the row is written twice (routed, recorded) instead
 * of three times. Should the worker die, its lock expires and the reconciler takes them back like
 * any interrupted attempt. Only deliveries that may go at once qualify: not for an endpoint that
 * orders per channel (they wait for their channel's head) or has a rate limit (it may hold them).
 */
export type DirectClaim = {
  claimJobId: string;
  /**
   * Takes up to `wanted` of the worker's room when a page knows how many deliveries it has that
   * may go at once; returns how many it may claim. Taken per page, not reserved per pass, so
   * routing passes running side by side (other apps, a reconciler's re-route) share the room.
   */
  take: (wanted: number) => number;
  /** Filled as each routing page commits, so a pass that fails later still sends what it wrote. */
  claimed: ClaimedRow[];
};

/** Events routed per transaction. */
const ROUTE_PAGE = 1000;

/**
 * Routes every unrouted event of the app, in arrival (seq) order. Ingest enqueues the routing job
 * after its commit, so whichever pass runs next sees those events. One routing transaction per app
 * at a time (an advisory lock), so deliveries and batch items are always written in seq order.
 */
export async function routeEvents(appId: string, direct?: DirectClaim): Promise<RoutingResult> {
  const result: RoutingResult = { busy: false, deliveries: [], batchedEndpoints: [] };
  const batched = new Map<string, Batching>();
  for (;;) {
    const page = await routePage(appId, direct);
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
    direct?.claimed.push(...page.direct);
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
  direct: ClaimedRow[];
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
async function routePage(
  appId: string,
  direct: DirectClaim | undefined,
): Promise<RoutedPage | "busy"> {
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
         (SELECT json_agg(json_build_object('seq', e.seq::text, 'id', e.id, 'name', e.name, 'channel', e.channel, 'payload', e.payload, 'receivedMs', ${RECEIVED_MS}) ORDER BY e.seq)
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
    if (events.length === 0) return { taken: 0, deliveries: [], batchedEndpoints: [], direct: [] };
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
    if (direct) claimDirect(deliveries, direct);
    const created = await writeRouted(client, appId, deliveries, batchItems);
    return {
      taken: events.length,
      deliveries: dueDeliveries(created),
      batchedEndpoints,
      direct: app ? directRows(created, app, endpoints) : [],
    };
  }, QUEUE_HEAD_PLAN);
}

/**
 * Marks the deliveries that may go at once as claimed for the direct path, in arrival order, as
 * many as the worker's room grants.
 */
function claimDirect(deliveries: NewDelivery[], direct: DirectClaim): void {
  const eligible = deliveries.filter(
    ({ failedReason, endpoint }) =>
      !failedReason && endpoint.ordering !== "channel" && !endpoint.rateLimitPerSecond,
  );
  if (eligible.length === 0) return;
  const granted = direct.take(eligible.length);
  for (const delivery of eligible.slice(0, granted)) delivery.claimJobId = direct.claimJobId;
}

/** The rows written claimed, as the deliver job's claim would have returned them. */
function directRows(
  created: DeliveryRow[],
  app: RoutingApp,
  endpoints: RoutingEndpoint[],
): ClaimedRow[] {
  const byId = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  return created
    .filter((row) => row.status === "delivering")
    .map((row) => {
      const endpoint = byId.get(row.endpoint_id)!;
      return {
        id: row.id,
        endpointId: row.endpoint_id,
        body: row.body,
        createdAt: new Date(row.created_at),
        receivedAt: new Date(row.received_at),
        attemptNumber: 1,
        trigger: "auto",
        version: {
          endpointUpdatedAt: new Date(endpoint.updatedMs),
          appUpdatedAt: new Date(app.updatedMs),
        },
        // Unknown by the time it is sent (read at routing): a success then always resets it.
        consecutiveFailures: -1,
        ordered: false,
      };
    });
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
    `WITH ${insertDeliveriesCte("new_deliveries", "$1", "$2")}${orderedChannelsCte("new_channels", "$2", rows)},
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
