import { db } from "../db";
import { notFound } from "../errors";
import type { Delivery, Event } from "../generated/prisma/client";
import { explainMatch, type EndpointFilter } from "../matching";
import { hotQuery, hotTransaction, NO_JIT } from "../pg";
import type { EventsQuery, EventState } from "../validation/events";
import { getAppRecord } from "./apps";
import { presentDelivery } from "./deliveries";
import { decodeCursor, encodeCursor, type Page } from "./pagination";

// The read side of the event log: newest first by receipt, cursor on (received_at, seq). Each event
// says what became of it (its state) and, read alone, where it went (one routing entry per
// endpoint, in the matching module's words). docs/presence.md#event-states.

/** Deliveries shown with one event: one per matching endpoint, so this bound is generous. */
const MAX_DELIVERIES_PER_EVENT = 250;
const MAX_SEQ = 2n ** 63n - 1n;

type EventRow = Pick<
  Event,
  | "seq"
  | "id"
  | "name"
  | "channel"
  | "userId"
  | "payload"
  | "timeMs"
  | "receivedAt"
  | "collapsedInto"
  | "heldUntil"
  | "suppressedBy"
>;

/** Where the event is now: queued for routing, held back, or neither. */
type Queue = "unrouted" | "held" | null;

function stateOf(event: EventRow, queue: Queue): EventState {
  if (event.suppressedBy) return "suppressed";
  if (event.collapsedInto) return "collapsed";
  if (queue === "held") return "held";
  if (queue === "unrouted") return "waiting";
  return "routed";
}

function presentEvent(event: EventRow, queue: Queue) {
  return {
    id: event.id,
    name: event.name,
    channel: event.channel,
    userId: event.userId,
    payload: event.payload as Record<string, unknown>,
    timeMs: Number(event.timeMs),
    receivedAt: event.receivedAt.toISOString(),
    routed: queue === null,
    state: stateOf(event, queue),
    heldUntil: event.heldUntil?.toISOString() ?? null,
    suppressedBy: event.suppressedBy,
    collapsedInto: event.collapsedInto,
  };
}

export type EventView = ReturnType<typeof presentEvent>;

/** A cursor's key: the last event's receipt time (stored to the millisecond) and its seq. */
const EVENT_KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\/(\d{1,19})$/;

/** A time Postgres reads as written: Date.parse rolls 02-30 over to March, Postgres refuses it. */
const isExactTime = (text: string) => {
  const ms = Date.parse(text);
  return ms >= 0 && new Date(ms).toISOString() === text;
};

/** A cursor key's parts, or null when it is not one this list issued. */
function parseEventKey(key: string): { receivedAt: string; seq: string } | null {
  const [, receivedAt = "", seq = ""] = EVENT_KEY.exec(key) ?? [];
  return isExactTime(receivedAt) && seq && BigInt(seq) <= MAX_SEQ ? { receivedAt, seq } : null;
}

function decodeEventCursor(cursor: string | undefined) {
  const key = decodeCursor(cursor, (candidate) => parseEventKey(candidate) !== null);
  return key === undefined ? undefined : parseEventKey(key)!;
}

/** Which of these events wait in the routing queue or are held. */
async function queuesOf(appId: string, seqs: bigint[]): Promise<Map<bigint, Queue>> {
  if (seqs.length === 0) return new Map();
  const [unrouted, held] = await Promise.all([
    db.unroutedEvent.findMany({ where: { appId, seq: { in: seqs } }, select: { seq: true } }),
    db.heldEvent.findMany({ where: { appId, seq: { in: seqs } }, select: { seq: true } }),
  ]);
  return new Map<bigint, Queue>([
    ...unrouted.map((row) => [row.seq, "unrouted"] as const),
    ...held.map((row) => [row.seq, "held"] as const),
  ]);
}

/** The state filter as SQL over events `e` (held: a row in the held queue). */
const STATE_SQL: Record<NonNullable<EventsQuery["state"]>, string> = {
  held: "EXISTS (SELECT 1 FROM held_events h WHERE h.app_id = e.app_id AND h.seq = e.seq)",
  suppressed: "e.suppressed_by IS NOT NULL",
  collapsed: "e.collapsed_into IS NOT NULL",
  routed:
    "e.suppressed_by IS NULL AND e.collapsed_into IS NULL AND NOT EXISTS (SELECT 1 FROM held_events h WHERE h.app_id = e.app_id AND h.seq = e.seq)",
};

const EVENT_COLUMNS = `e.seq, e.id, e.name, e.channel, e.user_id, e.payload, e.time_ms::text AS time_ms,
  e.received_at, e.collapsed_into, e.held_until, e.suppressed_by`;
const NEWEST_FIRST = "ORDER BY e.received_at DESC, e.seq DESC";

type PageRow = {
  seq: string;
  id: string;
  name: string;
  channel: string;
  user_id: string | null;
  payload: Record<string, unknown>;
  time_ms: string;
  received_at: Date;
  collapsed_into: string | null;
  held_until: Date | null;
  suppressed_by: string | null;
};

/**
 * A name with fewer events than this is read whole from the name index and sorted; a commoner one
 * is found by walking the app's events newest first, which meets a page of it within about this
 * many rows on an app of 2M events (√(51 × 2M) ≈ 10k balances the two).
 */
const FEW_OF_A_NAME = 10_000;

/**
 * How a page is read. Newest first by receipt, so most filters read an index in page order and
 * stop at the page's end: `walk` reads (app_id, received_at) for the first page and time ranges,
 * the user index, (app_id, name, channel, received_at) for a name and channel, and the partial
 * indexes of the state filters. Two filters need more:
 * - `perChannel`: a channel alone leads no index, so it is read from the name index once per event
 *   name of the app (a skip scan: an app has few names, found in that index, one probe each);
 * - `wholeName`: a rare name would make the walk read most of the app's events, so its events are
 *   read whole from the name index and sorted (fewer than FEW_OF_A_NAME, counted first).
 */
type PagePlan = "walk" | "perChannel" | "wholeName";

async function pagePlan(appId: string, query: EventsQuery): Promise<PagePlan> {
  if (query.userId) return "walk";
  if (query.channel) return query.name ? "walk" : "perChannel";
  if (!query.name) return "walk";
  const [counted] = await hotQuery<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM events WHERE app_id = $1 AND name = $2 LIMIT ${FEW_OF_A_NAME}) few`,
    [appId, query.name],
  );
  return counted!.n < FEW_OF_A_NAME ? "wholeName" : "walk";
}

function pageSql(plan: PagePlan, where: string[], limit: string): string {
  const conditions = where.join(" AND ");
  switch (plan) {
    case "walk":
      return `SELECT ${EVENT_COLUMNS} FROM events e WHERE ${conditions} ${NEWEST_FIRST} LIMIT ${limit}`;
    case "wholeName":
      // Only the sort keys are gathered: up to FEW_OF_A_NAME payloads would not fit in work_mem.
      return `WITH named AS MATERIALIZED (SELECT e.seq, e.received_at FROM events e WHERE ${conditions})
        SELECT ${EVENT_COLUMNS} FROM events e WHERE e.seq IN (
          SELECT e.seq FROM named e ${NEWEST_FIRST} LIMIT ${limit})
        ${NEWEST_FIRST}`;
    case "perChannel":
      return `WITH RECURSIVE names(name) AS (
          SELECT min(name) FROM events WHERE app_id = $1
          UNION ALL
          SELECT (SELECT min(n.name) FROM events n WHERE n.app_id = $1 AND n.name > names.name)
          FROM names WHERE names.name IS NOT NULL)
        SELECT e.* FROM names CROSS JOIN LATERAL (
          SELECT ${EVENT_COLUMNS} FROM events e
          WHERE e.name = names.name AND ${conditions} ${NEWEST_FIRST} LIMIT ${limit}) e
        ${NEWEST_FIRST} LIMIT ${limit}`;
  }
}

export async function listEvents(appId: string, query: EventsQuery): Promise<Page<EventView>> {
  await getAppRecord(appId);
  const after = decodeEventCursor(query.cursor);
  const values: unknown[] = [appId];
  const where = ["e.app_id = $1"];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if (query.name) where.push(`e.name = ${param(query.name)}`);
  if (query.channel) where.push(`e.channel = ${param(query.channel)}`);
  if (query.userId) where.push(`e.user_id = ${param(query.userId)}`);
  // received_at is a UTC `timestamp`, compared as such.
  const utc = (value: Date | string) => `${param(value)}::timestamptz AT TIME ZONE 'UTC'`;
  if (query.since) where.push(`e.received_at >= ${utc(query.since)}`);
  if (query.until) where.push(`e.received_at < ${utc(query.until)}`);
  if (after) {
    // Spelled out rather than as a row comparison, so the index bound on received_at is seen.
    const receivedAt = utc(after.receivedAt);
    where.push(
      `e.received_at <= ${receivedAt} AND (e.received_at < ${receivedAt} OR e.seq < ${param(after.seq)}::bigint)`,
    );
  }
  if (query.state) where.push(STATE_SQL[query.state]);
  const limit = param(query.limit + 1);
  const plan = await pagePlan(appId, query);
  const { rows } = await hotTransaction(
    (client) => client.query<PageRow>(pageSql(plan, where, limit), values),
    NO_JIT,
  );
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const events: EventRow[] = page.map((row) => ({
    seq: BigInt(row.seq),
    id: row.id,
    name: row.name,
    channel: row.channel,
    userId: row.user_id,
    payload: row.payload as Event["payload"],
    timeMs: BigInt(row.time_ms),
    receivedAt: row.received_at,
    collapsedInto: row.collapsed_into,
    heldUntil: row.held_until,
    suppressedBy: row.suppressed_by,
  }));
  const queues = await queuesOf(
    appId,
    events.map((event) => event.seq),
  );
  const last = page.at(-1);
  return {
    data: events.map((event) => presentEvent(event, queues.get(event.seq) ?? null)),
    nextCursor:
      hasMore && last ? encodeCursor(`${last.received_at.toISOString()}/${last.seq}`) : null,
  };
}

/** One event with the deliveries that carry it (found through the GIN index on event_ids). */
export async function getEvent(appId: string, eventId: string) {
  const event = await db.event.findUnique({ where: { appId_id: { appId, id: eventId } } });
  if (!event) throw notFound("Event", eventId);
  const [deliveries, queues, endpoints, batchItems] = await Promise.all([
    db.delivery.findMany({
      where: { appId, eventIds: { has: eventId } },
      omit: { body: true },
      orderBy: { id: "asc" },
      take: MAX_DELIVERIES_PER_EVENT,
    }),
    queuesOf(appId, [event.seq]),
    db.endpoint.findMany({
      where: { appId },
      select: { id: true, eventTypes: true, filter: true, enabled: true, disabledReason: true },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    }),
    db.batchItem.findMany({ where: { eventSeq: event.seq }, select: { endpointId: true } }),
  ]);
  const view = presentEvent(event, queues.get(event.seq) ?? null);
  const inBatch = new Set(batchItems.map((item) => item.endpointId));
  return {
    ...view,
    deliveries: deliveries.map((delivery) => presentDelivery(delivery)),
    routing: endpoints.map((endpoint) =>
      routingEntry(view, endpoint, deliveries, inBatch.has(endpoint.id)),
    ),
  };
}

type RoutingEndpointRow = {
  id: string;
  eventTypes: string[];
  filter: unknown;
  enabled: boolean;
  disabledReason: string | null;
};

/**
 * Where the event went for one endpoint: its delivery's outcome if it has one, else why it has
 * none (the matching module's words for the endpoint as it is now).
 */
function routingEntry(
  event: EventView,
  endpoint: RoutingEndpointRow,
  deliveries: Omit<Delivery, "body">[],
  inBatch: boolean,
) {
  const base = { endpointId: endpoint.id };
  // The newest delivery of this endpoint carrying the event (a redelivery reuses the row).
  const delivery = deliveries.filter((row) => row.endpointId === endpoint.id).at(-1);
  if (delivery) {
    const withId = { ...base, deliveryId: delivery.id };
    switch (delivery.status) {
      case "succeeded":
        return {
          ...withId,
          outcome: "delivered" as const,
          reason: `delivered${delivery.lastResponseStatus ? ` (HTTP ${delivery.lastResponseStatus})` : ""} after ${delivery.attemptCount} attempt${delivery.attemptCount === 1 ? "" : "s"}`,
        };
      case "pending":
      case "delivering":
      case "retrying":
        return {
          ...withId,
          outcome: "pending" as const,
          reason:
            delivery.status === "retrying"
              ? `retrying after ${delivery.attemptCount} attempt${delivery.attemptCount === 1 ? "" : "s"}${delivery.lastError ? `; last: ${delivery.lastError}` : ""}`
              : `delivery ${delivery.status}`,
        };
      default: {
        const disabled = /^(endpoint|app) disabled/.test(delivery.lastError ?? "");
        return {
          ...withId,
          outcome: disabled ? ("endpoint_disabled" as const) : ("failed" as const),
          reason: delivery.lastError ?? `delivery ${delivery.status}`,
        };
      }
    }
  }
  if (inBatch)
    return {
      ...base,
      outcome: "in_batch" as const,
      reason: "waiting in the endpoint's open batch window",
    };
  const match = explainMatch(
    { id: endpoint.id, eventTypes: endpoint.eventTypes, filter: endpoint.filter as EndpointFilter },
    { name: event.name, channel: event.channel, payload: event.payload },
  );
  if (!match.matches) return { ...base, outcome: match.outcome, reason: match.reason };
  // It matches, yet no delivery carries it: the event itself did not go anywhere (yet).
  switch (event.state) {
    case "suppressed":
      return {
        ...base,
        outcome: "filtered_out" as const,
        reason: `suppressed by presence grace: cancelled out with event ${event.suppressedBy}`,
      };
    case "collapsed":
      return {
        ...base,
        outcome: "filtered_out" as const,
        reason: `collapsed into event ${event.collapsedInto}, which is delivered in its place`,
      };
    case "held":
      return {
        ...base,
        outcome: "pending" as const,
        reason: `held until ${event.heldUntil}, then routed`,
      };
    case "waiting":
      return {
        ...base,
        outcome: endpoint.enabled ? ("pending" as const) : ("endpoint_disabled" as const),
        reason: endpoint.enabled
          ? "waiting to be routed"
          : `endpoint disabled: ${endpoint.disabledReason ?? "disabled by an operator"}`,
      };
    default:
      return {
        ...base,
        outcome: "not_subscribed" as const,
        reason:
          "matches the endpoint as it is now, but it did not exist or did not ask for this event when the event was routed",
      };
  }
}
