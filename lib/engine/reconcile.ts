import { Prisma } from "../generated/prisma/client";
import { db } from "../db";
import { HEAD_RULE, RELEASE_CTES } from "./ordering";
import { env } from "../env";
import { deliverJobs, enqueue } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import {
  reconcileJobIdPrefix,
  recoverRestartJobId,
  reflushJobId,
  rereleaseJobId,
  rerouteJobId,
} from "../jobs/ids";
import { getRedis } from "../redis";
import { logger } from "../logger";

// Postgres is the source of truth and the queue can be rebuilt from it. Run every few seconds by
// one worker at a time (a BullMQ job scheduler); every step is idempotent (deterministic job ids,
// SKIP LOCKED claims), so it is also safe when two runs overlap. This is what makes a killed
// worker or a flushed Redis lose nothing.

const BATCH_LIMIT = 1000;

export type ReconcileReport = {
  appsWithUnroutedEvents: number;
  staleBatches: number;
  overdueHolds: number;
  overdueDeliveries: number;
  interruptedAttempts: number;
  orphansCancelled: number;
  releasedChannels: number;
  recoveries: number;
};

export async function reconcile(now = Date.now()): Promise<ReconcileReport> {
  const graceMs = env.HERALD_RECONCILE_GRACE_MS;
  const slot = Math.floor(now / env.HERALD_RECONCILE_INTERVAL_MS);
  const report: ReconcileReport = {
    appsWithUnroutedEvents: 0,
    staleBatches: 0,
    overdueHolds: 0,
    overdueDeliveries: 0,
    interruptedAttempts: 0,
    orphansCancelled: 0,
    releasedChannels: 0,
    recoveries: 0,
  };

  // 1. Apps whose oldest waiting event was stored long ago (its routing job was lost). A routing
  // pass takes all of an app's waiting events, so one job per app. The oldest waiting event of
  // each app is found by skipping through the queue's primary key (app_id, seq) one app at a time,
  // so a backlog of any size costs one index probe per app.
  const waiting = await db.$queryRaw<{ app_id: string; seq: bigint }[]>`
    WITH RECURSIVE oldest AS (
      (SELECT app_id, seq FROM unrouted_events ORDER BY app_id, seq LIMIT 1)
      UNION ALL
      SELECT next.app_id, next.seq FROM oldest
      CROSS JOIN LATERAL (SELECT app_id, seq FROM unrouted_events WHERE app_id > oldest.app_id ORDER BY app_id, seq LIMIT 1) AS next
    )
    SELECT o.app_id, o.seq FROM oldest o JOIN events e ON e.seq = o.seq
    WHERE e.received_at < now() - make_interval(secs => ${graceMs / 2000})
    LIMIT ${BATCH_LIMIT}`;
  await enqueue(
    QUEUES.route,
    waiting.map((row) => ({
      jobId: rerouteJobId(row.app_id, row.seq, slot),
      data: { appId: row.app_id },
    })),
  );
  report.appsWithUnroutedEvents = waiting.length;

  // 2. Batch windows that should have closed long ago (their flush job was lost).
  const stale = await db.$queryRaw<{ endpoint_id: string }[]>`
    SELECT DISTINCT endpoint_id::text FROM batch_items WHERE created_at < now() - make_interval(secs => ${graceMs / 1000}) LIMIT ${BATCH_LIMIT}`;
  await enqueue(
    QUEUES.flush,
    stale.map((row) => ({
      jobId: reflushJobId(row.endpoint_id, slot),
      data: { endpointId: row.endpoint_id },
    })),
  );
  report.staleBatches = stale.length;

  // 2b. Held events whose hold ended long ago (their release job was lost): one release per app.
  // The release deletes what it moves, so one racing its delayed job moves each event once.
  const overdueHolds = await db.$queryRaw<{ app_id: string }[]>`
    SELECT DISTINCT app_id FROM held_events
    WHERE release_at < (clock_timestamp() AT TIME ZONE 'UTC') - make_interval(secs => ${graceMs / 2000})
    LIMIT ${BATCH_LIMIT}`;
  await enqueue(
    QUEUES.route,
    overdueHolds.map((row) => ({
      jobId: rereleaseJobId(row.app_id, slot),
      data: { appId: row.app_id, release: true },
    })),
  );
  report.overdueHolds = overdueHolds.length;

  // 3. Attempts whose worker died mid-request: log them as interrupted and schedule the next try.
  const interrupted = await takeBackInterrupted(graceMs);
  report.interruptedAttempts = interrupted.length;

  // 3b. Deliveries whose endpoint was deleted after they were scheduled (a retry, or a redeliver
  // racing the delete): nothing to send them to. (One in flight is taken back by step 3 and
  // cancelled there, its attempt logged as interrupted.)
  report.orphansCancelled = await db.$executeRaw`
    UPDATE deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = now(),
      last_error = coalesce(last_error || '; ', '') || 'cancelled: its endpoint was deleted'
    WHERE id IN (SELECT id FROM deliveries WHERE status IN ('pending', 'retrying') AND endpoint_id IS NULL LIMIT ${BATCH_LIMIT})`;

  // 4. Deliveries due long ago that no job is carrying (lost with Redis, or never enqueued). Those
  // waiting behind an earlier delivery of their channel are not due yet: only heads are queued.
  const overdue = await db.$queryRaw<{ id: string; endpoint_id: string; attempt_count: number }[]>`
    SELECT d.id::text, d.endpoint_id::text, d.attempt_count FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
    WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at < now() - make_interval(secs => ${graceMs / 1000})
      AND ${Prisma.raw(HEAD_RULE)}
    ORDER BY d.next_attempt_at LIMIT ${BATCH_LIMIT}`;
  await enqueueNextAttempts([...interrupted, ...overdue], reconcileJobIdPrefix(slot));
  report.overdueDeliveries = overdue.length;

  // 4b. Channel rows whose delivery ended without releasing them (the endpoint switched ordering
  // meanwhile) or is gone: they would hold their channel for ever. One primary-key probe a row
  // (the table holds only unfinished deliveries), never a join over all deliveries.
  report.releasedChannels = await db.$executeRaw`
    DELETE FROM delivery_channels o WHERE o.delivery_id IN (
      SELECT c.delivery_id FROM delivery_channels c
      WHERE coalesce((SELECT d.status IN ('succeeded', 'failed', 'cancelled') FROM deliveries d WHERE d.id = c.delivery_id), true)
      LIMIT ${BATCH_LIMIT})`;

  // 5. Recover jobs that never started or whose worker died.
  const recoveries = await db.backgroundJob.findMany({
    where: {
      type: "recover",
      status: { in: ["queued", "running"] },
      updatedAt: { lt: new Date(now - graceMs * 3) },
    },
    select: { id: true },
    take: 100,
  });
  await enqueue(
    QUEUES.recover,
    recoveries.map((job) => ({
      jobId: recoverRestartJobId(job.id, slot),
      data: { backgroundJobId: job.id },
    })),
  );
  report.recoveries = recoveries.length;
  return report;
}

type Stuck = { id: string; attempt_count: number; claim_job_id: string | null };

/**
 * A delivery is stuck in `delivering` only when no live worker holds it: its BullMQ job no longer
 * holds its lock (the lock expires when the worker process dies, and is gone with a flushed Redis).
 * Deliveries claimed outside a job (endpoint test) fall back to the time limit alone.
 */
export async function takeBackInterrupted(
  graceMs: number,
  scope: { appId?: string } = {},
): Promise<{ id: string; endpoint_id: string; attempt_count: number }[]> {
  const candidates = await db.$queryRaw<Stuck[]>`
    SELECT d.id::text, d.attempt_count, d.claim_job_id FROM deliveries d LEFT JOIN endpoints e ON e.id = d.endpoint_id
    WHERE d.status = 'delivering' AND (${scope.appId ?? null}::text IS NULL OR d.app_id = ${scope.appId ?? null})
      AND d.last_attempt_at < now() - make_interval(secs => (coalesce(e.timeout_ms, ${env.HERALD_REQUEST_TIMEOUT_MS}) + ${graceMs}) / 1000.0)
    LIMIT ${BATCH_LIMIT}`;
  if (candidates.length === 0) return [];
  const held = await heldJobs([
    ...new Set(candidates.flatMap((row) => (row.claim_job_id ? [row.claim_job_id] : []))),
  ]);
  const orphaned = candidates.filter((row) => !row.claim_job_id || !held.has(row.claim_job_id));
  if (orphaned.length === 0) return [];
  return interruptAttempts(orphaned, INTERRUPTED);
}

/**
 * Ends attempts whose outcome is unknown (their worker died, or shut down and aborted them): each
 * is logged as an attempt with `reason` as its error, and its delivery retried now, unless that was
 * its last attempt (past the endpoint's schedule or maximum age, or a manual single try): then it
 * ends failed, so a delivery that kills or breaks its worker every time cannot go round for ever.
 * One whose endpoint was deleted meanwhile ends cancelled. Only deliveries still in that same
 * attempt (id + attempt_count) are touched. Returns the ones to send again.
 */
export async function interruptAttempts(
  attempts: { id: string; attempt_count: number }[],
  reason: string,
): Promise<{ id: string; endpoint_id: string; attempt_count: number }[]> {
  if (attempts.length === 0) return [];
  const rows = await db.$queryRaw<
    { id: string; endpoint_id: string; attempt_count: number; status: string }[]
  >`
    WITH stuck AS (
      SELECT d.id, d.endpoint_id, d.attempt_count, d.next_attempt_trigger, d.last_attempt_at, d.created_at FROM deliveries d
      JOIN unnest(${attempts.map((row) => row.id)}::uuid[], ${attempts.map((row) => row.attempt_count)}::int[]) AS o(id, attempt_count)
        ON o.id = d.id AND o.attempt_count = d.attempt_count
      WHERE d.status = 'delivering'
      FOR UPDATE OF d SKIP LOCKED
    ), logged AS (
      INSERT INTO attempts (id, delivery_id, number, trigger, request_headers, duration_ms, error, started_at)
      SELECT gen_random_uuid(), stuck.id, stuck.attempt_count, stuck.next_attempt_trigger, '{}'::jsonb, 0, ${reason}, coalesce(stuck.last_attempt_at, now())
      FROM stuck WHERE stuck.attempt_count > 0
      ON CONFLICT (delivery_id, number) DO NOTHING
    ), decided AS (
      SELECT stuck.id,
        CASE
          WHEN e.id IS NULL THEN 'cancelled'
          WHEN stuck.next_attempt_trigger = 'manual'
            OR stuck.attempt_count > coalesce(CASE WHEN jsonb_typeof(e.retry_schedule_seconds) = 'array' THEN jsonb_array_length(e.retry_schedule_seconds) END, ${env.HERALD_RETRY_SCHEDULE_SECONDS.length})
            OR stuck.created_at < now() - make_interval(secs => coalesce(e.retry_max_age_seconds, ${env.HERALD_MAX_DELIVERY_AGE_SECONDS})) THEN 'failed'
          ELSE 'retrying'
        END AS next_status
      FROM stuck LEFT JOIN endpoints e ON e.id = stuck.endpoint_id
    ), updated AS (
    UPDATE deliveries d SET
      status = decided.next_status::"DeliveryStatus",
      next_attempt_at = CASE WHEN decided.next_status = 'retrying' THEN now() END,
      next_attempt_trigger = CASE WHEN decided.next_status = 'retrying' THEN d.next_attempt_trigger ELSE 'auto'::"AttemptTrigger" END,
      last_error = CASE decided.next_status
        WHEN 'retrying' THEN ${reason}
        WHEN 'failed' THEN 'gave up after ' || d.attempt_count || ' attempts; last: ' || ${reason}
        ELSE ${reason} || '; cancelled: its endpoint was deleted' END,
      last_response_status = NULL, claim_job_id = NULL, updated_at = now()
    FROM decided WHERE d.id = decided.id
    RETURNING d.id, d.endpoint_id, d.attempt_count, d.status::text AS status
    ), ${Prisma.raw(RELEASE_CTES)}
    SELECT id::text, endpoint_id::text, attempt_count, status FROM updated
    UNION ALL SELECT id, endpoint_id, attempt_count, 'head' FROM heads`;
  const failed = rows.filter((row) => row.status === "failed");
  if (failed.length > 0)
    logger.warn(
      { deliveryIds: failed.map((row) => row.id) },
      "interrupted deliveries out of attempts: failed",
    );
  // Deliveries that ended here released their channels: the next in them go too.
  return rows.filter((row) => row.status === "retrying" || row.status === "head");
}

// A job claims up to 100 deliveries and sends at most the endpoint's concurrency at a time, so some
// of these were still waiting for a request slot: the message must not claim a request went out.
const INTERRUPTED =
  "interrupted: the worker stopped while this attempt was claimed; the request may or may not have been sent";

/**
 * Deliver jobs (by Redis key, as claims record them) whose lock is held: a live worker runs them.
 */
async function heldJobs(jobKeys: string[]): Promise<Set<string>> {
  if (jobKeys.length === 0) return new Set();
  // One command a key, not a pipeline: on Redis Cluster a pipeline must stay within one slot, and
  // keys claimed under another prefix (before a move to Cluster) would not. ioredis still writes
  // them all before the first reply comes back.
  const redis = getRedis();
  const held = await Promise.all(
    jobKeys.map((jobKey) =>
      redis.exists(`${jobKey}:lock`).then(
        (exists) => exists === 1,
        () => true, // unsure (a Redis error): assume alive, look again next run
      ),
    ),
  );
  return new Set(jobKeys.filter((_, index) => held[index]));
}

/** Deliver jobs for the next attempt of these deliveries, their ids behind `idPrefix`. */
export async function enqueueNextAttempts(
  deliveries: { id: string; endpoint_id: string; attempt_count: number }[],
  idPrefix: string,
): Promise<void> {
  await enqueue(
    QUEUES.deliver,
    deliverJobs(
      deliveries.map((row) => ({
        id: row.id,
        endpointId: row.endpoint_id,
        attemptNumber: row.attempt_count + 1,
      })),
      idPrefix,
    ),
  );
}
