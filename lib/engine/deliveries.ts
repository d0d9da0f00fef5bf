import { v7 as uuidv7 } from "uuid";
import { uuidAtTime } from "../util";
import { slackBody } from "../delivery/slack-body";
import type { EndpointFilter } from "../matching";
import type { Batching } from "../validation/common";
import type { DueDelivery } from "../jobs/queues";

// The rows routing, flushing and endpoint deletion share: the events and config they read, and the
// delivery rows they write. The outgoing body, {"time_ms": <delivery created>, "events": [...]},
// is serialised once when the delivery row is written and stored as-is, so the signed bytes are
// exactly the sent bytes.

/** seq is a bigint, carried as its decimal string. */
export type StoredEvent = {
  seq: string;
  id: string;
  name: string;
  channel: string;
  payload: Record<string, unknown>;
  /** When Herald received it, in ms since the epoch. */
  receivedMs: number;
};

/** A timestamp column (UTC, without zone) as ms since the epoch: JSON would drop its zone. */
const epochMs = (column: string) => `floor(extract(epoch FROM ${column}) * 1000)::float8`;

/** SQL for StoredEvent.receivedMs of events row `e`. */
export const RECEIVED_MS = epochMs("e.received_at");

/** What routing and flushing read of an app and its endpoints. */
export type RoutingApp = {
  id: string;
  enabled: boolean;
  /** ms since the epoch: with the endpoint's, the config version a direct send checks its cache by. */
  updatedMs: number;
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
  filter: EndpointFilter | null;
  batching: Batching | null;
  bodyFormat: "pusher" | "slack";
  ordering: "none" | "channel";
  rateLimitPerSecond: number | null;
  /** ms since the epoch. */
  updatedMs: number;
};

/** SQL for one app's routing config as JSON (`a` is the apps row); `e` for one endpoint's. */
export const APP_JSON = `json_build_object('id', a.id, 'enabled', a.enabled, 'updatedMs', ${epochMs("a.updated_at")}, 'batchingEnabled', a.batching_enabled,
  'batchingDurationMs', a.batching_duration_ms, 'batchingMaxBatchSize', a.batching_max_batch_size)`;
export const ENDPOINT_JSON = `json_build_object('id', e.id, 'appId', e.app_id, 'enabled', e.enabled, 'disabledReason', e.disabled_reason,
  'eventTypes', e.event_types, 'filter', e.filter, 'batching', e.batching, 'bodyFormat', e.body_format, 'ordering', e.ordering,
  'rateLimitPerSecond', e.rate_limit_per_second, 'updatedMs', ${epochMs("e.updated_at")})`;

export function effectiveBatching(
  endpoint: Pick<RoutingEndpoint, "batching">,
  app: Pick<RoutingApp, "batchingEnabled" | "batchingDurationMs" | "batchingMaxBatchSize">,
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
  /**
   * Written already claimed (`delivering`, attempt 1) for the worker send at this claim key: its
   * first attempt needs no deliver job and no claim statement (lib/engine/route.ts).
   */
  claimJobId?: string;
};
export type DeliveryRow = ReturnType<typeof deliveryRows>[number];

/**
 * The deliveries' rows, body serialised once, now. Ids are uuid v7 made here in order, so they
 * follow the order given (arrival order).
 */
export function deliveryRows(
  deliveries: Array<
    Omit<NewDelivery, "endpoint"> & {
      endpoint: Pick<RoutingEndpoint, "id" | "appId" | "bodyFormat"> &
        Partial<Pick<RoutingEndpoint, "ordering">>;
    }
  >,
) {
  const createdAt = Date.now();
  const createdAtIso = new Date(createdAt).toISOString();
  return deliveries.map(({ endpoint, events, failedReason, claimJobId }) => {
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
      status: failedReason ? "failed" : claimJobId ? "delivering" : "pending",
      last_error: failedReason,
      claim_job_id: (!failedReason && claimJobId) || null,
      received_at: new Date(Math.min(...events.map((event) => event.receivedMs))).toISOString(),
      // Holds its channels until it ends (lib/engine/ordering.ts).
      ordered: !failedReason && endpoint.ordering === "channel",
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
    INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, last_error, next_attempt_at,
      attempt_count, last_attempt_at, claim_job_id, received_at, created_at, updated_at)
    SELECT r.id::uuid, ${app}, r.endpoint_id::uuid,
      ARRAY(SELECT jsonb_array_elements_text(r.event_ids)), ARRAY(SELECT jsonb_array_elements_text(r.event_names)),
      ARRAY(SELECT jsonb_array_elements_text(r.channels)), r.body, r.status::"DeliveryStatus", r.last_error,
      CASE WHEN r.status = 'pending' THEN r.created_at END,
      CASE WHEN r.status = 'delivering' THEN 1 ELSE 0 END, CASE WHEN r.status = 'delivering' THEN r.created_at END, r.claim_job_id,
      r.received_at, r.created_at, r.created_at
    FROM jsonb_to_recordset(${json}::jsonb)
      AS r(id text, endpoint_id text, event_ids jsonb, event_names jsonb, channels jsonb, body text, status text, last_error text,
        claim_job_id text, received_at timestamptz, created_at timestamptz)
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

type EventPayload = Record<string, unknown> & { name: string; channel: string };

/** Pusher's own fields first, in the order Pusher sends them; custom/push fields after. */
const KNOWN_ORDER = ["name", "channel", "event", "data", "socket_id", "user_id"];

/** Postgres jsonb does not keep key order, so outgoing objects are rebuilt in a stable order. */
function orderedPayload(payload: Record<string, unknown>): EventPayload {
  const ordered: Record<string, unknown> = {};
  for (const key of KNOWN_ORDER) if (payload[key] !== undefined) ordered[key] = payload[key];
  for (const key of Object.keys(payload).sort()) if (!(key in ordered)) ordered[key] = payload[key];
  return ordered as EventPayload;
}

export function deliveryBody(timeMs: number, payloads: Record<string, unknown>[]): string {
  return JSON.stringify({ time_ms: timeMs, events: payloads.map(orderedPayload) });
}

/** The body in the endpoint's format: Pusher's, or Slack's {text} (lib/delivery/slack-body.ts). */
export function endpointBody(
  endpoint: { appId: string; bodyFormat?: "pusher" | "slack" },
  deliveryId: string,
  timeMs: number,
  payloads: Record<string, unknown>[],
): string {
  if (endpoint.bodyFormat === "slack")
    return slackBody(endpoint.appId, deliveryId, payloads as EventPayload[]);
  return deliveryBody(timeMs, payloads);
}

/**
 * `AND <column> BETWEEN $from AND $to`, with the lowest and highest of `ids` as its values: the
 * log is partitioned by day of delivery id (docs/engine.md#partitions), and a statement joining
 * deliveries to a list of ids is then planned for the days those ids are in only, not for every
 * partition (about 4 ms of planning a statement at 50 partitions, against 0.2 ms).
 */
export function idRangeCondition(
  column: string,
  ids: readonly string[],
  firstParam: number,
): { sql: string; values: [string, string] } {
  let from = ids[0]!.toLowerCase();
  let to = from;
  for (const raw of ids) {
    // Canonical lowercase UUIDs: text order is uuid order.
    const id = raw.toLowerCase();
    if (id < from) from = id;
    if (id > to) to = id;
  }
  return {
    sql: `AND ${column} BETWEEN $${firstParam}::uuid AND $${firstParam + 1}::uuid`,
    values: [from, to],
  };
}

/** How far a worker's clock (which makes delivery ids) may be from Postgres's (created_at). */
const ID_CLOCK_MARGIN_MS = 3600_000;

/**
 * Bounds on the ids of deliveries made since `since` (by Postgres's clock) up to now: with them a
 * statement is planned only for those days' partitions. Ids are made by a worker's clock, hence
 * the margin on both sides.
 */
export function idsMadeSince(since: Date): { lowest: string; highest: string } {
  return {
    lowest: uuidAtTime(new Date(since.getTime() - ID_CLOCK_MARGIN_MS)),
    highest: uuidAtTime(new Date(Date.now() + ID_CLOCK_MARGIN_MS)),
  };
}
