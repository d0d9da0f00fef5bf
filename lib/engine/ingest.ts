import { v7 as uuidv7 } from "uuid";
import { hotQuery, hotTransaction, type HotClient } from "../pg";
import { env } from "../env";
import { AppError, notFound } from "../errors";
import { enqueue, ensureQueueReachable } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import { logger } from "../logger";
import { releaseJobId, routeCollapseKey, routeJobId } from "../jobs/ids";
import type { IngestEvent } from "../validation/ingest";
import { eventSchemaIssues } from "../services/event-validation";
import { compareSeq } from "../util";
import type { PresenceGrace, SubscriptionCountThrottle } from "../validation/common";
import {
  applyPresenceGrace,
  applySubscriptionThrottle,
  writeThrottle,
  isPresenceGraceEvent,
  lockChannels,
  suppressStored,
  type HoldableEvent,
} from "./holds";

// Intake shared by the native API and the Pusher-compatible route: validate, store durably in one
// statement, queue the routing job, answer with accepted and duplicate ids.

export type IngestResult = { accepted: string[]; duplicates: string[] };

type PreparedEvent = HoldableEvent & {
  payload: Record<string, unknown>;
  timeMs: number;
  collapsedInto: string | null;
};

const INTERNAL_FIELDS = new Set(["id", "time_ms"]);

/** The event object as it goes into outgoing bodies: internal fields dropped, data as a string. */
function toPayload(event: IngestEvent): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (INTERNAL_FIELDS.has(key) || value === undefined) continue;
    if (key === "data") {
      if (value === null) continue;
      payload.data = typeof value === "string" ? value : JSON.stringify(value);
      continue;
    }
    payload[key] = value;
  }
  return payload;
}

/**
 * `defaultTimeMs`: when an event has no time_ms of its own (a Pusher webhook's body time); else
 * now.
 */
export async function ingestEvents(
  appId: string,
  events: IngestEvent[],
  options: { defaultTimeMs?: number } = {},
): Promise<IngestResult> {
  await validateCustomTypes(events);

  const now = Date.now();
  const seen = new Set<string>();
  const inRequestDuplicates: string[] = [];
  const prepared: PreparedEvent[] = [];
  for (const event of events) {
    // Time-ordered (UUID v7), not random: new ids land at the end of the events' (app_id, id)
    // index and of the deliveries' event_ids index instead of on random pages of a large log.
    const id = event.id ?? uuidv7();
    if (seen.has(id)) {
      inRequestDuplicates.push(id);
      continue;
    }
    seen.add(id);
    prepared.push({
      id,
      name: event.name,
      channel: event.channel,
      userId: event.user_id ?? null,
      payload: toPayload(event),
      timeMs: event.time_ms ?? options.defaultTimeMs ?? now,
      collapsedInto: null,
      holdMs: null,
      holdKind: null,
      suppressedBy: null,
    });
  }

  // Redis down: 503 before anything is stored (the routing job is queued after the commit).
  await ensureQueueReachable();
  // Plain node-postgres here (the hot path of every producer request): one statement, which is
  // its own transaction, unless cache_miss or presence events need their channels' locks.
  const locked = prepared.filter(
    (event) =>
      event.name === "cache_miss" ||
      event.name === "subscription_count" ||
      isPresenceGraceEvent(event.name),
  );
  const stored =
    locked.length > 0
      ? await hotTransaction(async (client) => {
          await lockChannels(
            client,
            appId,
            locked.map((event) => event.channel),
          );
          await collapseCacheMisses(client, appId, prepared);
          const settings = await presenceSettingsOf(client, appId);
          const suppressions = await applyPresenceGrace(client, appId, settings.grace, prepared);
          const throttled = await applySubscriptionThrottle(
            client,
            appId,
            settings.throttle,
            prepared,
          );
          const result = await insertEvents(client, appId, prepared);
          // A held event is suppressed or replaced only by an event that was really stored.
          await suppressStored(
            client,
            appId,
            result.rows.flatMap((row) => suppressions.get(row.id) ?? []),
          );
          await writeThrottle(
            client,
            appId,
            settings.throttle.windowMs,
            throttled,
            new Set(result.rows.map((row) => row.id)),
          );
          return result;
        })
      : await insertEvents(null, appId, prepared);
  if (stored.appEnabled === null) throw notFound("App", appId);
  if (!stored.appEnabled)
    throw new AppError("app_disabled", `App '${appId}' is disabled; enable it to ingest events`);

  const firstRoutable = stored.rows.find((row) => row.routable);
  if (firstRoutable) await enqueueRouting(appId, firstRoutable.seq);
  const firstHeld = stored.rows.find((row) => row.held);
  if (firstHeld) {
    const holdMs = Math.max(...prepared.map((event) => event.holdMs ?? 0));
    await enqueueRelease(appId, firstHeld.seq, holdMs);
  }
  const insertedIds = new Set(stored.rows.map((row) => row.id));
  return {
    accepted: prepared.filter((event) => insertedIds.has(event.id)).map((event) => event.id),
    duplicates: [
      ...prepared.filter((event) => !insertedIds.has(event.id)).map((event) => event.id),
      ...inRequestDuplicates,
    ],
  };
}

/**
 * After the commit, so the routing pass that runs next sees these events. One routing job per app
 * waits at a time (later requests collapse into it). If Redis fails right here the events are
 * still durable and acknowledged: the reconciler routes events left unrouted.
 */
async function enqueueRouting(appId: string, firstSeq: string): Promise<void> {
  await enqueue(QUEUES.route, [
    { jobId: routeJobId(appId, firstSeq), data: { appId }, collapseKey: routeCollapseKey(appId) },
  ]).catch((error: Error) =>
    logger.warn(
      { err: error, appId },
      "routing job not queued; the reconciler will route these events",
    ),
  );
}

/**
 * The routing job that releases held events when their hold ends. Should Redis lose it, the
 * reconciler releases them (docs/presence.md#durability).
 */
async function enqueueRelease(appId: string, firstSeq: string, delayMs: number): Promise<void> {
  await enqueue(QUEUES.route, [
    { jobId: releaseJobId(appId, firstSeq), data: { appId, release: true }, delayMs },
  ]).catch((error: Error) =>
    logger.warn({ err: error, appId }, "release job not queued; the reconciler will release"),
  );
}

async function presenceSettingsOf(
  client: HotClient,
  appId: string,
): Promise<{ grace: PresenceGrace; throttle: SubscriptionCountThrottle }> {
  const { rows } = await client.query<{
    grace: boolean;
    grace_ms: number;
    throttle: boolean;
    window_ms: number;
  }>(
    `SELECT presence_grace_enabled AS grace, presence_grace_duration_ms AS grace_ms,
       subscription_count_throttle_enabled AS throttle, subscription_count_window_ms AS window_ms
     FROM apps WHERE id = $1`,
    [appId],
  );
  const row = rows[0];
  return {
    grace: { enabled: row?.grace ?? false, durationMs: row?.grace_ms ?? 0 },
    throttle: { enabled: row?.throttle ?? false, windowMs: row?.window_ms ?? 0 },
  };
}

async function validateCustomTypes(events: IngestEvent[]): Promise<void> {
  const details = await eventSchemaIssues(
    events.map((event) => ({ name: event.name, payload: toPayload(event) })),
  );
  if (details.length === 0) return;
  const summary = details
    .slice(0, 5)
    .map((detail) => `${detail.field}: ${detail.issue}`)
    .join("; ");
  throw new AppError(
    "validation_failed",
    `Events do not match their event type's schema: ${summary}`,
    details,
  );
}

/**
 * Identical cache_miss events for one channel within the window stand for one: the first is
 * routed, later ones are stored with collapsed_into and never routed. The caller's advisory lock
 * per app+channel makes this hold across any number of web processes.
 */
async function collapseCacheMisses(
  client: HotClient,
  appId: string,
  events: PreparedEvent[],
): Promise<void> {
  const windowMs = env.HERALD_CACHE_MISS_WINDOW_MS;
  const misses = events.filter((event) => event.name === "cache_miss");
  if (windowMs === 0 || misses.length === 0) return;
  const channels = [...new Set(misses.map((event) => event.channel))].sort();
  const { rows: recent } = await client.query<{ channel: string; id: string }>(
    `SELECT DISTINCT ON (channel) channel, id FROM events
     WHERE app_id = $1 AND name = 'cache_miss' AND channel = ANY($2::text[])
       AND collapsed_into IS NULL AND received_at > (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => $3)
     ORDER BY channel, received_at DESC`,
    [appId, channels, windowMs / 1000],
  );
  const primaryByChannel = new Map(recent.map((row) => [row.channel, row.id]));
  for (const event of misses) {
    const primary = primaryByChannel.get(event.channel);
    if (primary) event.collapsedInto = primary;
    else primaryByChannel.set(event.channel, event.id);
  }
}

/** routable: queued for routing now (not collapsed, held or suppressed). */
type InsertedEvent = { id: string; seq: string; routable: boolean; held: boolean };
type StoredEvents = { appEnabled: boolean | null; rows: InsertedEvent[] };

/**
 * One multi-row insert of the events and their routing-queue rows, guarded by the app's state in
 * the same statement (appEnabled is null for an unknown app, and nothing is inserted unless it is
 * enabled); existing ids are skipped (duplicates) and not returned.
 */
async function insertEvents(
  client: HotClient | null,
  appId: string,
  events: PreparedEvent[],
): Promise<StoredEvents> {
  // received_at is a UTC `timestamp` (Prisma's convention), hence AT TIME ZONE 'UTC'.
  const text = `WITH app AS (SELECT enabled FROM apps WHERE id = $1),
     inserted AS (
       INSERT INTO events (app_id, id, name, channel, user_id, payload, time_ms, received_at, collapsed_into, held_until, suppressed_by)
       SELECT $1, t.id, t.name, t.channel, t.user_id, t.payload::jsonb, t.time_ms, clock_timestamp() AT TIME ZONE 'UTC', t.collapsed_into,
         (clock_timestamp() AT TIME ZONE 'UTC') + make_interval(secs => t.hold_ms / 1000.0), t.suppressed_by
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::int[], $10::text[])
         WITH ORDINALITY AS t(id, name, channel, user_id, payload, time_ms, collapsed_into, hold_ms, suppressed_by, ord)
       WHERE (SELECT enabled FROM app)
       ORDER BY t.ord
       ON CONFLICT (app_id, id) DO NOTHING
       RETURNING id, seq, name, channel, held_until,
         collapsed_into IS NULL AND held_until IS NULL AND suppressed_by IS NULL AS routable
     ),
     -- Routing's queue; a collapsed cache_miss is never routed (its primary is), a held event
     -- waits in the held queue, a suppressed one goes nowhere.
     queued AS (INSERT INTO unrouted_events (app_id, seq) SELECT $1, seq FROM inserted WHERE routable),
     held AS (
       INSERT INTO held_events (app_id, seq, channel, kind, release_at)
       SELECT $1, seq, channel, CASE WHEN name = 'subscription_count' THEN 'throttle' ELSE 'grace' END, held_until
       FROM inserted WHERE held_until IS NOT NULL
     )
     SELECT (SELECT enabled FROM app) AS app_enabled, i.id, i.seq::text AS seq, i.routable,
       i.held_until IS NOT NULL AS held
     FROM (SELECT 1) AS one LEFT JOIN inserted i ON true`;
  const values = [
    appId,
    events.map((event) => event.id),
    events.map((event) => event.name),
    events.map((event) => event.channel),
    events.map((event) => event.userId),
    events.map((event) => JSON.stringify(event.payload)),
    events.map((event) => String(event.timeMs)),
    events.map((event) => event.collapsedInto),
    events.map((event) => event.holdMs),
    events.map((event) => event.suppressedBy),
  ];
  const rows = client
    ? (await client.query<InsertedEvent & { app_enabled: boolean | null }>(text, values)).rows
    : await hotQuery<InsertedEvent & { app_enabled: boolean | null }>(text, values);
  return {
    appEnabled: rows[0]?.app_enabled ?? null,
    rows: rows
      .filter((row) => row.id !== null)
      .map((row) => ({ id: row.id, seq: row.seq, routable: row.routable, held: row.held }))
      .sort((a, b) => compareSeq(a.seq, b.seq)),
  };
}
