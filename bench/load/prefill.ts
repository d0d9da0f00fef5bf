import pg from "pg";
import { encryptSecret } from "../../lib/crypto";
import { headerSetDigest, headerSetOf } from "../../lib/engine/header-sets";
import { prepareDatabase } from "../../lib/migrations";
import { dayPartition } from "../../lib/services/partitions";
import { MINUTE_ROLLUP_DAYS } from "../../lib/services/retention";
import { BENCH_ENCRYPTION_KEY, adminUrl, databaseName, quoteIdent } from "./herald";
import { round } from "./processes";

// BENCH_PREFILL_DELIVERIES: a delivery log with history, so the phases run against a log the size
// of a real install's instead of an empty one. Written by SQL (generate_series) into a template
// database once, then copied (file copy, no WAL) into the benchmark's database at every run.
//
// Shape: 30 days ending when the template was made, one statement per day in time order (so the
// tables and indexes grow as a live install's do). Four apps with their own event names and
// channels; per 0.8 stored events that reach endpoints, 1 delivery (every fourth event also goes
// to the app's second endpoint), plus 0.1 events no endpoint asked for. One event per delivery
// (bodies of about 160 bytes); ids are UUID v7 made from the row's own time, so ids and
// created_at agree. Outcomes: 97 % succeeded (2 % after a 503), 1.5 % failed at once (400),
// 1.4 % failed after 9 timed-out attempts, and in the last day 0.1 % still retrying (due 1-4 h
// after the template was made). Then VACUUM ANALYZE.
//
// The log is laid out as on an install partitioned for longer than its history: the migration's
// first (legacy) partition, empty here, is dropped and each day of the history has its own
// partition (docs/engine.md#partitions), so retention drops the oldest day whole. Minute rollups
// are kept for the last 2 days only, as retention keeps them (lib/services/retention.ts).

/** Bump when the generated data changes: an older template is refilled, not reused. */
const GENERATOR_VERSION = 5;
const DAYS = 30;
const DAY_MS = 86_400_000;
const MATCHED_EVENTS_PER_DELIVERY = 0.8;
const UNMATCHED_EVENTS_PER_DELIVERY = 0.1;

/** A user of the first app with events (user ids are user-0 to user-99999). */
export const PREFILL_LOG_USER = "user-42";

/** The apps; the first is the one the log-query phase reads. */
const APPS = ["prefill-chat", "prefill-presence", "prefill-orders", "prefill-games"] as const;

/**
 * Event shapes per app: `from`-`to` is the share (in % of the app's events) of this name; the
 * channel is `channel` + a number below `channels`; `data` is a JSON string template kind.
 */
type EventShape = {
  app: number;
  unmatched: boolean;
  from: number;
  to: number;
  name: string;
  event: string | null;
  channel: string;
  channels: number;
  user: boolean;
  data: "chat" | "order" | "move" | null;
};
const shape = (
  app: number,
  from: number,
  to: number,
  name: string,
  channel: string,
  channels: number,
  options: Partial<Pick<EventShape, "event" | "user" | "data" | "unmatched">> = {},
): EventShape => ({
  app,
  from,
  to,
  name,
  channel,
  channels,
  event: options.event ?? null,
  user: options.user ?? false,
  data: options.data ?? null,
  unmatched: options.unmatched ?? false,
});
const clientEvent = (event: string, data: EventShape["data"]) => ({ event, data, user: true });
const EVENT_SHAPES: EventShape[] = [
  shape(0, 0, 50, "client_event", "private-chat-", 20_000, clientEvent("client-message", "chat")),
  shape(0, 50, 70, "client_event", "private-chat-", 20_000, clientEvent("client-typing", null)),
  shape(0, 70, 80, "member_added", "presence-chat-", 5000, { user: true }),
  shape(0, 80, 90, "member_removed", "presence-chat-", 5000, { user: true }),
  shape(0, 90, 95, "channel_occupied", "presence-chat-", 5000),
  shape(0, 95, 100, "channel_vacated", "presence-chat-", 5000),
  // Stored, in the app's names, but never delivered: the log's "no match" filter.
  shape(0, 0, 100, "cache_miss", "cache-chat-", 1000, { unmatched: true }),
  shape(1, 0, 35, "member_added", "presence-lobby-", 2000, { user: true }),
  shape(1, 35, 70, "member_removed", "presence-lobby-", 2000, { user: true }),
  shape(1, 70, 85, "channel_occupied", "presence-lobby-", 2000),
  shape(1, 85, 100, "channel_vacated", "presence-lobby-", 2000),
  shape(1, 0, 100, "subscription_count", "presence-lobby-", 2000, { unmatched: true }),
  shape(2, 0, 40, "order.created", "private-orders-", 50_000, { data: "order" }),
  shape(2, 40, 70, "order.paid", "private-orders-", 50_000, { data: "order" }),
  shape(2, 70, 90, "order.shipped", "private-orders-", 50_000, { data: "order" }),
  shape(2, 90, 100, "order.refunded", "private-orders-", 50_000, { data: "order" }),
  shape(2, 0, 100, "order.viewed", "private-orders-", 50_000, { unmatched: true, data: "order" }),
  shape(3, 0, 50, "client_event", "private-game-", 10_000, clientEvent("client-move", "move")),
  shape(3, 50, 75, "channel_occupied", "private-game-", 10_000),
  shape(3, 75, 100, "channel_vacated", "private-game-", 10_000),
  shape(3, 0, 60, "subscription_count", "private-game-", 10_000, { unmatched: true }),
  shape(3, 60, 100, "cache_miss", "cache-game-", 10_000, { unmatched: true }),
];

const endpointId = (app: number, number: 1 | 2) =>
  `0193a000-0000-7000-8000-0000000${app}${number}000`;

export type PrefillInfo = {
  version: number;
  /** As asked for; `counts` has what was written. */
  deliveries: number;
  counts: { events: number; deliveries: number; attempts: number };
  startMs: number;
  endMs: number;
  madeAt: string;
  fillSeconds: number;
  /** The app, endpoints, names and channel the log-query phase uses. */
  log: {
    appId: string;
    endpointIds: [string, string];
    matchingEventName: string;
    missingEventName: string;
    channel: string;
  };
};

export type PrefillConfig = {
  deliveries: number;
  template: string;
  refresh: boolean;
  maxAgeHours: number;
};

/**
 * The pre-filled template: reused when it was made by this generator version for this many
 * deliveries less than maxAgeHours ago (time windows are relative to when it was made), refilled
 * otherwise or when `refresh`.
 */
export async function ensurePrefill(
  benchDatabaseUrl: string,
  config: PrefillConfig,
): Promise<{ info: PrefillInfo; reused: boolean }> {
  const templateUrl = new URL(benchDatabaseUrl);
  templateUrl.pathname = `/${encodeURIComponent(config.template)}`;
  const existing = await readMarker(benchDatabaseUrl, config.template);
  const ageHours = existing ? (Date.now() - existing.endMs) / 3_600_000 : null;
  const stale = !existing
    ? "none made yet"
    : existing.version !== GENERATOR_VERSION
      ? `made by generator version ${existing.version}, now ${GENERATOR_VERSION}`
      : existing.deliveries !== config.deliveries
        ? `holds ${existing.deliveries} deliveries, asked for ${config.deliveries}`
        : ageHours! > config.maxAgeHours
          ? `made ${round(ageHours!, 1)} h ago (BENCH_PREFILL_MAX_AGE_HOURS=${config.maxAgeHours})`
          : config.refresh
            ? "BENCH_PREFILL_REFRESH=1"
            : null;
  if (!stale) {
    console.log(
      `bench: reusing the pre-filled template ${config.template} (${existing!.counts.deliveries} deliveries, made ${round(ageHours!, 1)} h ago; BENCH_PREFILL_REFRESH=1 refills it)`,
    );
    return { info: existing!, reused: true };
  }
  console.log(`bench: filling ${config.template} with ${config.deliveries} deliveries (${stale})…`);
  await dropDatabase(benchDatabaseUrl, config.template);
  await prepareDatabase(templateUrl.toString());
  const info = await fill(templateUrl.toString(), config.deliveries);
  const admin = new pg.Client({ connectionString: adminUrl(benchDatabaseUrl) });
  await admin.connect();
  try {
    // Written last: a template without it (a fill that was interrupted) is never reused.
    await admin.query(
      `COMMENT ON DATABASE ${quoteIdent(config.template)} IS ${pg.escapeLiteral(JSON.stringify({ heraldBenchPrefill: info }))}`,
    );
  } finally {
    await admin.end();
  }
  return { info, reused: false };
}

async function readMarker(benchDatabaseUrl: string, template: string) {
  const admin = new pg.Client({ connectionString: adminUrl(benchDatabaseUrl) });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [template],
    );
    const comment = rows[0]?.comment;
    if (!comment) return null;
    try {
      return (
        (JSON.parse(comment) as { heraldBenchPrefill?: PrefillInfo }).heraldBenchPrefill ?? null
      );
    } catch {
      return null;
    }
  } finally {
    await admin.end();
  }
}

async function dropDatabase(anyUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl(anyUrl) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

async function fill(templateUrl: string, deliveries: number): Promise<PrefillInfo> {
  const started = Date.now();
  const endMs = Date.now();
  const startMs = endMs - DAYS * DAY_MS;
  const matched = Math.round(deliveries * MATCHED_EVENTS_PER_DELIVERY);
  const unmatched = Math.round(deliveries * UNMATCHED_EVENTS_PER_DELIVERY);
  const client = new pg.Client({ connectionString: templateUrl });
  await client.connect();
  const counts = { events: 0, deliveries: 0, attempts: 0 };
  try {
    await partitionByDay(client, startMs, endMs);
    await createAppsAndEndpoints(client, startMs);
    const digests = await createRequestHeaderSets(client);
    await client.query(UUID7_FUNCTION);
    for (let day = 0; day < DAYS; day++) {
      const dayStarted = Date.now();
      const range = (total: number) => [
        Math.floor((day * total) / DAYS),
        Math.floor(((day + 1) * total) / DAYS),
      ];
      const { rows } = await client.query<{ events: string; deliveries: string; attempts: string }>(
        FILL_DAY,
        [
          ...range(matched),
          ...range(unmatched),
          startMs,
          (DAYS * DAY_MS) / Math.max(1, matched),
          (DAYS * DAY_MS) / Math.max(1, unmatched),
          endMs,
          JSON.stringify(EVENT_SHAPES),
          APPS,
          APPS.map((_, app) => endpointId(app, 1)),
          APPS.map((_, app) => endpointId(app, 2)),
          digests,
        ],
      );
      counts.events += Number(rows[0]!.events);
      counts.deliveries += Number(rows[0]!.deliveries);
      counts.attempts += Number(rows[0]!.attempts);
      console.log(
        `bench: pre-fill day ${day + 1}/${DAYS}: ${counts.deliveries} deliveries so far (${round((Date.now() - dayStarted) / 1000, 1)} s)`,
      );
    }
    await client.query(
      "DELETE FROM endpoint_stats_minutes WHERE minute < to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC'",
      [endMs - MINUTE_ROLLUP_DAYS * DAY_MS],
    );
    // A live install's table holds about 2 days of rows and reuses the space of what retention
    // deletes; here 28 days went at once, so the table is rewritten to its live size.
    await client.query("VACUUM FULL endpoint_stats_minutes");
    console.log("bench: pre-fill VACUUM ANALYZE…");
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
  }
  return {
    version: GENERATOR_VERSION,
    deliveries,
    counts,
    startMs,
    endMs,
    madeAt: new Date(endMs).toISOString(),
    fillSeconds: Math.round((Date.now() - started) / 1000),
    log: {
      appId: APPS[0],
      endpointIds: [endpointId(0, 1), endpointId(0, 2)],
      matchingEventName: "member_added",
      missingEventName: "cache_miss",
      channel: "presence-chat-42",
    },
  };
}

/**
 * The empty legacy partitions dropped and one partition per day from the history's first to a week
 * after its end, as the worker makes them.
 */
async function partitionByDay(client: pg.Client, startMs: number, endMs: number): Promise<void> {
  await client.query(`DROP TABLE attempts_legacy;
    ALTER TABLE deliveries DETACH PARTITION deliveries_legacy;
    DROP TABLE deliveries_legacy`);
  for (let day = Math.floor(startMs / DAY_MS) * DAY_MS; day <= endMs + 7 * DAY_MS; day += DAY_MS)
    await client.query(dayPartition(day).statements.join(";\n"));
}

/**
 * Each app's request header set, as the worker records it (lib/engine/header-sets.ts): the headers
 * an attempt sends, masked, less the values its row holds. Returns the digests, in APPS order.
 */
async function createRequestHeaderSets(client: pg.Client): Promise<string[]> {
  const attempt = {
    deliveryId: "0190a000-0000-7000-8000-000000000000",
    number: 1,
    startedAt: new Date(),
  };
  const digests: string[] = [];
  for (const appId of APPS) {
    const set = headerSetOf(
      {
        "User-Agent": "Herald-Webhooks/1.0",
        "Content-Type": "application/json",
        "X-Pusher-Key": `${appId}-key`,
        "X-Pusher-Signature": "********",
        "webhook-id": attempt.deliveryId,
        "webhook-timestamp": String(Math.floor(attempt.startedAt.getTime() / 1000)),
        "webhook-signature": "********",
        "X-Herald-Delivery-Id": attempt.deliveryId,
        "X-Herald-Attempt": "1",
      },
      attempt,
    );
    const digest = headerSetDigest(set);
    await client.query(
      `INSERT INTO request_header_sets (digest, headers, derived) VALUES ($1, $2, $3)`,
      [digest, JSON.stringify(set.headers), set.derived],
    );
    digests.push(digest);
  }
  return digests;
}

async function createAppsAndEndpoints(client: pg.Client, startMs: number): Promise<void> {
  const created = new Date(startMs - DAY_MS).toISOString();
  for (const [app, appId] of APPS.entries()) {
    const names = [
      ...new Set(
        EVENT_SHAPES.filter((s) => s.app === app && !s.unmatched).map((shape) => shape.name),
      ),
    ];
    await client.query(
      `INSERT INTO apps (id, name, key, secret_encrypted, batching_enabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, false, $5, $5)`,
      [
        appId,
        `Pre-filled ${appId.slice("prefill-".length)}`,
        `${appId}-key`,
        encryptSecret(`${appId}-secret-0123456789`, BENCH_ENCRYPTION_KEY),
        created,
      ],
    );
    for (const number of [1, 2] as const) {
      // Port 9 (discard) on loopback: nothing listens, so a retry that comes due fails at once.
      await client.query(
        `INSERT INTO endpoints (id, app_id, description, kind, url, event_types, standard_webhooks_secret_encrypted, created_at, updated_at)
         VALUES ($1, $2, $3, 'http', $4, $5, $6, $7, $7)`,
        [
          endpointId(app, number),
          appId,
          number === 1 ? "every event" : "a quarter of the events",
          `http://127.0.0.1:9/${appId}/${number}`,
          names,
          encryptSecret(
            `whsec_${Buffer.from(`${appId}-${number}-standard-webhooks`).toString("base64")}`,
            BENCH_ENCRYPTION_KEY,
          ),
          created,
        ],
      );
    }
  }
}

/** A UUID v7 for a time in ms (random bits from md5 of random(): fast, and good enough here). */
const UUID7_FUNCTION = `CREATE OR REPLACE FUNCTION pg_temp.uuid7(ms bigint) RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (lpad(to_hex(ms), 12, '0') || '7' || substr(r, 1, 3) || '8' || substr(r, 4, 15))::uuid
  FROM (SELECT md5(random()::text) AS r) AS random_bits
$$`;

/** Clears a bigint hash's sign bit: a hash in 0 .. 2^63-1 (abs() overflows on the smallest). */
const POSITIVE = "9223372036854775807";

/**
 * One day: its events (matched $1..$2, unmatched $3..$4, spread evenly from $5 by $6 / $7 ms),
 * their deliveries and attempts, in one statement. $8 is the end of the history, $9 the event
 * shapes, $10 the app ids, $11/$12 each app's first and second endpoint, $13 each app's request
 * header set (what the worker records: the set once, its digest on every attempt).
 */
const FILL_DAY = `
WITH src AS (
  SELECT j, false AS unmatched, ($5::bigint + (j + 0.5) * $6::float8)::bigint AS ms FROM generate_series($1::bigint, $2::bigint - 1) AS j
  UNION ALL
  SELECT j, true, ($5::bigint + (j + 0.5) * $7::float8)::bigint FROM generate_series($3::bigint, $4::bigint - 1) AS j
), keyed AS (
  SELECT src.*, (hashint8extended(k, 0) & ${POSITIVE}) % 100 AS h_app, (hashint8extended(k, 1) & ${POSITIVE}) % 100 AS h_name,
    hashint8extended(k, 2) & ${POSITIVE} AS h
  FROM src CROSS JOIN LATERAL (SELECT CASE WHEN src.unmatched THEN -src.j - 1 ELSE src.j END AS k) AS key
), placed AS (
  SELECT keyed.*, CASE WHEN h_app < 45 THEN 0 WHEN h_app < 70 THEN 1 WHEN h_app < 90 THEN 2 ELSE 3 END AS app FROM keyed
), shaped AS (
  SELECT placed.j, placed.unmatched, placed.ms, placed.h, placed.app, s.name, s.event,
    s.channel || (placed.h % s.channels) AS channel,
    CASE WHEN s.user THEN 'user-' || (placed.h / 7 % 100000) END AS user_id,
    CASE s.data
      WHEN 'chat' THEN '{"text":"see you at ' || (placed.h % 12 + 1) || '","id":"m_' || (placed.h % 1000000) || '"}'
      WHEN 'order' THEN '{"order_id":"ord_' || (placed.h % 10000000) || '","total":"' || (placed.h % 500) || '.90","currency":"EUR"}'
      WHEN 'move' THEN '{"x":' || (placed.h % 64) || ',"y":' || (placed.h / 64 % 64) || '}'
    END AS data,
    CASE WHEN s.event IS NOT NULL THEN '123456.' || (placed.h % 10000000) END AS socket_id
  FROM placed JOIN jsonb_to_recordset($9::jsonb)
    AS s(app int, unmatched bool, "from" int, "to" int, name text, event text, channel text, channels int, "user" bool, data text)
    ON s.app = placed.app AND s.unmatched = placed.unmatched AND placed.h_name >= s."from" AND placed.h_name < s."to"
), ev AS MATERIALIZED (
  SELECT shaped.*, ($10::text[])[app + 1] AS app_id, gen_random_uuid()::text AS event_id,
    '{"name":' || to_json(name)::text || ',"channel":' || to_json(channel)::text
      || coalesce(',"event":' || to_json(event)::text, '') || coalesce(',"data":' || to_json(data)::text, '')
      || coalesce(',"socket_id":' || to_json(socket_id)::text, '') || coalesce(',"user_id":' || to_json(user_id)::text, '') || '}' AS payload
  FROM shaped
), new_events AS (
  INSERT INTO events (app_id, id, name, channel, user_id, payload, time_ms, received_at)
  SELECT app_id, event_id, name, channel, user_id, payload::jsonb, ms, to_timestamp(ms / 1000.0) AT TIME ZONE 'UTC'
  FROM ev ORDER BY ms
), dl AS MATERIALIZED (
  SELECT pg_temp.uuid7(ev.ms + r.k) AS id, ev.app_id,
    (CASE r.k WHEN 1 THEN $11::text[] ELSE $12::text[] END)[ev.app + 1]::uuid AS endpoint_id,
    ev.event_id, ev.name, ev.channel, ev.payload, ev.ms + r.k AS created_ms, ev.h,
    (hashint8extended(ev.j * 2 + r.k, 3) & ${POSITIVE}) % 1000 AS fate_hash
  FROM ev CROSS JOIN (VALUES (1), (2)) AS r(k)
  WHERE NOT ev.unmatched AND (r.k = 1 OR ev.j % 4 = 0)
), fated AS MATERIALIZED (
  SELECT dl.*, f.fate,
    CASE f.fate WHEN 'ok' THEN 1 WHEN 'ok-after-503' THEN 2 WHEN 'bad-request' THEN 1 WHEN 'timeouts' THEN 9 ELSE 5 END AS attempts
  FROM dl CROSS JOIN LATERAL (SELECT CASE
    WHEN dl.fate_hash < 950 THEN 'ok'
    WHEN dl.fate_hash < 970 THEN 'ok-after-503'
    WHEN dl.fate_hash < 985 THEN 'bad-request'
    WHEN dl.fate_hash < 999 THEN CASE WHEN dl.created_ms < $8::bigint - 8 * 3600000 THEN 'timeouts' ELSE 'bad-request' END
    ELSE CASE WHEN dl.created_ms > $8::bigint - 86400000 THEN 'retrying' WHEN dl.created_ms < $8::bigint - 8 * 3600000 THEN 'timeouts' ELSE 'bad-request' END
  END AS fate) AS f
), tried AS MATERIALIZED (
  SELECT fated.id, fated.app_id, fated.endpoint_id, fated.fate, n,
    fated.created_ms + (ARRAY[0, 5, 35, 155, 755, 2555, 6155, 13355, 27755])[n] * 1000 + 2 AS started_ms,
    CASE WHEN fated.fate = 'ok' OR (fated.fate = 'ok-after-503' AND n = 2) THEN 200
      WHEN fated.fate = 'bad-request' THEN 400 WHEN fated.fate = 'timeouts' THEN NULL ELSE 503 END AS status,
    CASE WHEN fated.fate = 'timeouts' THEN 10000 ELSE 8 + (fated.fate_hash * 7 + n) % 180 END AS duration_ms,
    n = fated.attempts AS last
  FROM fated CROSS JOIN LATERAL generate_series(1, fated.attempts) AS n
), new_deliveries AS (
  INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, attempt_count, next_attempt_at,
    last_attempt_at, last_response_status, last_error, created_at, updated_at)
  SELECT f.id, f.app_id, f.endpoint_id, ARRAY[f.event_id], ARRAY[f.name], ARRAY[f.channel],
    '{"time_ms":' || f.created_ms || ',"events":[' || f.payload || ']}',
    (CASE f.fate WHEN 'ok' THEN 'succeeded' WHEN 'ok-after-503' THEN 'succeeded' WHEN 'retrying' THEN 'retrying' ELSE 'failed' END)::"DeliveryStatus",
    f.attempts,
    CASE WHEN f.fate = 'retrying' THEN to_timestamp(($8::bigint + 3600000 + f.h % 10800000) / 1000.0) AT TIME ZONE 'UTC' END,
    to_timestamp(t.started_ms / 1000.0) AT TIME ZONE 'UTC', t.status,
    CASE f.fate WHEN 'bad-request' THEN 'HTTP 400' WHEN 'retrying' THEN 'HTTP 503'
      WHEN 'timeouts' THEN 'gave up after 9 attempts; last: timeout: no complete response within 10000 ms' END,
    to_timestamp(f.created_ms / 1000.0) AT TIME ZONE 'UTC', to_timestamp((t.started_ms + t.duration_ms) / 1000.0) AT TIME ZONE 'UTC'
  FROM fated f JOIN tried t ON t.id = f.id AND t.last
  ORDER BY f.id
), new_attempts AS (
  INSERT INTO attempts (id, delivery_id, number, trigger, request_header_set, target, response_status, response_headers, response_body, duration_ms, error, started_at)
  SELECT pg_temp.uuid7(t.started_ms), t.id, t.n, 'auto', ($13::uuid[])[array_position($10::text[], t.app_id)],
    'http://127.0.0.1:9/' || t.app_id || '/' || CASE WHEN t.endpoint_id = ANY ($11::uuid[]) THEN '1' ELSE '2' END,
    t.status,
    CASE WHEN t.status IS NOT NULL THEN jsonb_build_object('connection', 'keep-alive', 'content-length', CASE t.status WHEN 200 THEN '0' ELSE '23' END,
      'date', to_char(to_timestamp(t.started_ms / 1000.0) AT TIME ZONE 'UTC', 'Dy, DD Mon YYYY HH24:MI:SS') || ' GMT', 'keep-alive', 'timeout=5') END,
    CASE t.status WHEN 200 THEN '' WHEN 400 THEN '{"error":"bad request"}' WHEN 503 THEN '{"error":"unavailable"}' END,
    t.duration_ms,
    CASE WHEN t.status IS NULL THEN 'timeout: no complete response within 10000 ms' END,
    to_timestamp(t.started_ms / 1000.0) AT TIME ZONE 'UTC'
  FROM tried t ORDER BY t.started_ms
)
SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM dl) AS deliveries, (SELECT count(*) FROM tried) AS attempts`;

/** The template's database name for a bench database and a size, unless BENCH_PREFILL_DATABASE. */
export const defaultTemplateName = (benchDatabaseUrl: string, deliveries: number) =>
  `${databaseName(benchDatabaseUrl)}_prefill_${deliveries}`;
