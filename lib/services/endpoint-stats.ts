import { db, type Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { notFound } from "../errors";
import { idsMadeSince } from "../engine/deliveries";
import {
  DELIVERY_STATUSES,
  type DeliveryStatusName,
  type StatsWindow,
} from "../validation/deliveries";
import { isUuid } from "./deliveries";

// Endpoint stats for the dashboard charts and GET .../endpoints/{endpointId}/stats, read from the
// per-minute and hourly rollups and the table of failed attempts (all kept by a trigger on
// attempts), so they cost the same at any log size. An attempt succeeded when it got a 2xx and no error (a Lambda function error is
// a failure). Deliveries count as succeeded or failed in the window in which they ended; pending,
// delivering and retrying are those created in the window and waiting now. The window is aligned
// down to whole buckets, so `since` can be up to one bucket earlier than now - window and the last
// bucket is the current, partial one.

const BUCKET_LADDER_SECONDS = [60, 300, 900, 3600, 6 * 3600, 86_400];
const MAX_BUCKETS = 60;
const RECENT_FAILURES = 10;
/**
 * Failures read to find the newest RECENT_FAILURES still logged: a failure row outlives its
 * attempt when the attempt's delivery was made up to a day before the retention cutoff.
 */
const FAILURE_CANDIDATES = 5 * RECENT_FAILURES;

/**
 * The latency histogram's bounds, as in the SQL function herald_latency_bucket: bucket 0 is below
 * 1 ms, bucket i (1-45) is [bounds[i-1], bounds[i]), bucket 46 is 60 s and more.
 */
export const LATENCY_BOUNDS_MS = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400,
  500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10000, 12000, 15000,
  20000, 25000, 30000, 40000, 50000, 60000,
];

/** The smallest bucket that draws the window in at most MAX_BUCKETS points (24h -> 24 hourly). */
export function bucketSecondsFor(windowSeconds: number): number {
  return (
    BUCKET_LADDER_SECONDS.find((size) => windowSeconds / size <= MAX_BUCKETS) ??
    BUCKET_LADDER_SECONDS.at(-1)!
  );
}

/** Rollup rows summed per chart bucket (start) and latency bucket. */
export type RollupRow = {
  start: Date;
  latencyBucket: number;
  attempts: number;
  succeeded: number;
  deliveriesSucceeded: number;
  deliveriesFailed: number;
};

/**
 * The p-th quantile of a latency histogram (latency bucket -> attempts), interpolated linearly
 * inside its bucket as Prometheus's histogram_quantile does; null when it is empty.
 */
function histogramQuantile(histogram: Map<number, number>, p: number): number | null {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = p * total;
  let below = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    const count = histogram.get(bucket)!;
    if (count > 0 && below + count >= rank) {
      const low = bucket === 0 ? 0 : LATENCY_BOUNDS_MS[bucket - 1]!;
      const high = LATENCY_BOUNDS_MS[bucket];
      if (high === undefined) return low;
      return Math.round((low + ((high - low) * (rank - below)) / count) * 10) / 10;
    }
    below += count;
  }
  return null;
}

const quantiles = (histogram: Map<number, number>) => ({
  p50: histogramQuantile(histogram, 0.5),
  p95: histogramQuantile(histogram, 0.95),
  p99: histogramQuantile(histogram, 0.99),
});

type Counts = { attempts: number; succeeded: number; histogram: Map<number, number> };
const emptyCounts = (): Counts => ({ attempts: 0, succeeded: 0, histogram: new Map() });
function add(counts: Counts, row: RollupRow) {
  counts.attempts += row.attempts;
  counts.succeeded += row.succeeded;
  counts.histogram.set(
    row.latencyBucket,
    (counts.histogram.get(row.latencyBucket) ?? 0) + row.attempts,
  );
}

/** The figures of the stats answer from the window's rollup rows, one chart bucket per start. */
export function summariseRollups(rows: RollupRow[], starts: Date[]) {
  const total = emptyCounts();
  const perStart = new Map(starts.map((start) => [start.getTime(), emptyCounts()]));
  let deliveriesSucceeded = 0;
  let deliveriesFailed = 0;
  for (const row of rows) {
    add(total, row);
    const bucket = perStart.get(row.start.getTime());
    if (bucket) add(bucket, row);
    deliveriesSucceeded += row.deliveriesSucceeded;
    deliveriesFailed += row.deliveriesFailed;
  }
  return {
    deliveriesSucceeded,
    deliveriesFailed,
    attempts: {
      total: total.attempts,
      succeeded: total.succeeded,
      failed: total.attempts - total.succeeded,
    },
    latencyMs: quantiles(total.histogram),
    buckets: starts.map((start) => {
      const counts = perStart.get(start.getTime())!;
      return {
        start: start.toISOString(),
        attempts: counts.attempts,
        succeeded: counts.succeeded,
        failed: counts.attempts - counts.succeeded,
        ...quantiles(counts.histogram),
      };
    }),
  };
}

type RawRollupRow = {
  start: Date;
  latency_bucket: number;
  attempts: number;
  succeeded: number;
  deliveries_succeeded: number;
  deliveries_failed: number;
};
type StatusCountRow = { status: DeliveryStatusName; count: number };

export async function getEndpointStats(
  appId: string,
  endpointId: string,
  options: { window: StatsWindow },
) {
  if (!isUuid(endpointId)) throw notFound("Endpoint", endpointId);
  const endpoint = await db.endpoint.findFirst({
    where: { id: endpointId, appId },
    select: { id: true },
  });
  if (!endpoint) throw notFound("Endpoint", endpointId);

  const until = new Date();
  const bucketSeconds = bucketSecondsFor(options.window.seconds);
  const bucketCount = Math.ceil(options.window.seconds / bucketSeconds);
  const lastBucketMs = Math.floor(until.getTime() / (bucketSeconds * 1000)) * bucketSeconds * 1000;
  const since = new Date(lastBucketMs - (bucketCount - 1) * bucketSeconds * 1000);
  const starts = Array.from(
    { length: bucketCount },
    (_, index) => new Date(since.getTime() + index * bucketSeconds * 1000),
  );

  // Hourly rows when the chart's buckets are whole hours (the window then starts on an hour).
  const table = Prisma.raw(
    bucketSeconds >= 3600 ? "endpoint_stats_hours" : "endpoint_stats_minutes",
  );
  const time = Prisma.raw(bucketSeconds >= 3600 ? "hour" : "minute");
  const [rollups, waitingRows, failures] = await Promise.all([
    db.$queryRaw<RawRollupRow[]>`
      SELECT date_bin(${bucketSeconds}::int * interval '1 second', ${time}, TIMESTAMP 'epoch') AS start,
             latency_bucket::int, sum(attempts)::int AS attempts, sum(succeeded)::int AS succeeded,
             sum(deliveries_succeeded)::int AS deliveries_succeeded, sum(deliveries_failed)::int AS deliveries_failed
      FROM ${table}
      WHERE endpoint_id = ${endpointId}::uuid AND ${time} >= ${since}::timestamp AND ${time} <= ${until}::timestamp
      GROUP BY 1, 2`,
    // Waiting deliveries are few: the partial indexes of work to do find them. The id bound keeps
    // the plan to the window's days.
    db.$queryRaw<StatusCountRow[]>`
      SELECT status::text AS status, count(*)::int AS count
      FROM deliveries
      WHERE endpoint_id = ${endpointId}::uuid AND status IN ('pending', 'retrying', 'delivering')
        AND created_at >= ${since}::timestamp AND id >= ${idsMadeSince(since).lowest}::uuid
      GROUP BY status`,
    // The newest failures from their own narrow table (written with the rollups): attempts
    // have no endpoint and are partitioned by their delivery's day, so reading them by time would
    // read every endpoint's attempts of those hours in every partition.
    db.$queryRaw<{ delivery_id: string; number: number }[]>`
      SELECT delivery_id::text, number FROM endpoint_failed_attempts
      WHERE endpoint_id = ${endpointId}::uuid AND started_at >= ${since}::timestamp AND started_at <= ${until}::timestamp
      ORDER BY started_at DESC LIMIT ${FAILURE_CANDIDATES}`,
  ]);
  const summary = summariseRollups(
    rollups.map((row) => ({
      start: new Date(row.start),
      latencyBucket: Number(row.latency_bucket),
      attempts: Number(row.attempts),
      succeeded: Number(row.succeeded),
      deliveriesSucceeded: Number(row.deliveries_succeeded),
      deliveriesFailed: Number(row.deliveries_failed),
    })),
    starts,
  );
  // Each by its key, so Postgres reads only the partitions holding them. A failure whose attempt
  // is gone (a redelivered old delivery whose day retention dropped) is passed over.
  const recentFailures =
    failures.length === 0
      ? []
      : await db.attempt.findMany({
          where: {
            OR: failures.map((failure) => ({
              deliveryId: failure.delivery_id,
              number: failure.number,
            })),
          },
          orderBy: { startedAt: "desc" },
          take: RECENT_FAILURES,
        });

  const deliveries = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatusName,
    number
  >;
  for (const row of waitingRows) deliveries[row.status] = Number(row.count);
  deliveries.succeeded = summary.deliveriesSucceeded;
  deliveries.failed = summary.deliveriesFailed;
  const total = Object.values(deliveries).reduce((sum, count) => sum + count, 0);
  const finished = deliveries.succeeded + deliveries.failed;

  return {
    endpointId,
    window: options.window.label,
    since: since.toISOString(),
    until: until.toISOString(),
    bucketSeconds,
    deliveries: { total, ...deliveries },
    successRate: finished === 0 ? null : deliveries.succeeded / finished,
    attempts: summary.attempts,
    latencyMs: summary.latencyMs,
    buckets: summary.buckets,
    recentFailures: recentFailures.map((attempt) => ({
      attemptId: attempt.id,
      deliveryId: attempt.deliveryId,
      number: attempt.number,
      responseStatus: attempt.responseStatus,
      error: attempt.error,
      startedAt: attempt.startedAt.toISOString(),
    })),
  };
}

const BACKFILL_STEP_MS = 3_600_000;

/**
 * Adds the attempts that started in [from, to) to both rollups, through herald_roll_up as the
 * trigger on attempts does.
 */
const ROLL_UP_RANGE = (from: Date, to: Date) => Prisma.sql`
  SELECT herald_roll_up(ARRAY(
    SELECT ROW(a.delivery_id, a.number, a.started_at, a.duration_ms,
      a.error IS NULL AND a.response_status BETWEEN 200 AND 299)::herald_rolled_attempt
    FROM attempts a
    WHERE a.started_at >= ${from}::timestamp AND a.started_at < ${to}::timestamp
  ))`;

/** Adds the attempts that started in [from, to) to the rollups (the backfill's step). */
export async function rollUpAttemptsBetween(from: Date, to: Date, tx: Tx = db): Promise<void> {
  await tx.$executeRaw(ROLL_UP_RANGE(from, to));
}

/**
 * The rollups of the attempts logged before they existed, an hour of attempts per transaction,
 * newest first (the stats' short windows are right first), until `budgetMs` is spent. The worker
 * runs it with its reconciler; any number of workers may (the backfill row is locked per step).
 * Returns whether it has finished.
 */
export async function backfillEndpointStats(options: { budgetMs: number }): Promise<boolean> {
  const deadline = Date.now() + options.budgetMs;
  for (;;) {
    const finished = await db.$transaction(async (tx) => {
      const [state] = await tx.$queryRaw<
        { started_before: Date; done_from: Date | null; finished_at: Date | null }[]
      >`SELECT started_before, done_from, finished_at FROM endpoint_stats_backfill WHERE id = 1 FOR UPDATE`;
      if (!state || state.finished_at) return true;
      const to = new Date(state.done_from ?? state.started_before);
      const [older] = await tx.$queryRaw<{ started_at: Date }[]>`
        SELECT started_at FROM attempts WHERE started_at < ${to}::timestamp ORDER BY started_at DESC LIMIT 1`;
      if (!older) {
        await tx.$executeRaw`UPDATE endpoint_stats_backfill SET finished_at = now() AT TIME ZONE 'UTC' WHERE id = 1`;
        return true;
      }
      // Skips hours without attempts: the step ends at the newest attempt left.
      const end = new Date(Math.min(to.getTime(), new Date(older.started_at).getTime() + 1));
      const from = new Date(end.getTime() - BACKFILL_STEP_MS);
      await rollUpAttemptsBetween(from, to, tx);
      await tx.$executeRaw`UPDATE endpoint_stats_backfill SET done_from = ${from}::timestamp WHERE id = 1`;
      return false;
    });
    if (finished) return true;
    if (Date.now() >= deadline) return false;
  }
}
