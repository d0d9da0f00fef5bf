import { db } from "../db";
import { notFound } from "../errors";
import {
  DELIVERY_STATUSES,
  type DeliveryStatusName,
  type StatsWindow,
} from "../validation/deliveries";
import { isUuid } from "./deliveries";

// Endpoint stats for the dashboard charts and GET .../endpoints/{endpointId}/stats.
// An attempt succeeded when it got a 2xx and no error (a Lambda function error is a failure).
// The window is aligned down to whole buckets, so `since` can be up to one bucket earlier than
// now - window and the last bucket is the current, partial one.

const BUCKET_LADDER_SECONDS = [60, 300, 900, 3600, 6 * 3600, 86_400];
const MAX_BUCKETS = 60;
const RECENT_FAILURES = 10;

/** The smallest bucket that draws the window in at most MAX_BUCKETS points (24h -> 24 hourly). */
export function bucketSecondsFor(windowSeconds: number): number {
  return (
    BUCKET_LADDER_SECONDS.find((size) => windowSeconds / size <= MAX_BUCKETS) ??
    BUCKET_LADDER_SECONDS.at(-1)!
  );
}

type StatusCountRow = { status: DeliveryStatusName; count: number };
type AttemptSummaryRow = {
  total: number;
  succeeded: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};
type BucketRow = AttemptSummaryRow & { start: Date };

const round = (value: number | null) =>
  value === null ? null : Math.round(Number(value) * 10) / 10;

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
  const lastBucket = new Date(lastBucketMs);
  const since = new Date(lastBucketMs - (bucketCount - 1) * bucketSeconds * 1000);

  const [statusRows, [summary], bucketRows, recentFailures] = await Promise.all([
    db.$queryRaw<StatusCountRow[]>`
      SELECT status::text AS status, count(*)::int AS count
      FROM deliveries
      WHERE endpoint_id = ${endpointId}::uuid AND created_at >= ${since}::timestamptz AND created_at <= ${until}::timestamptz
      GROUP BY status`,
    db.$queryRaw<AttemptSummaryRow[]>`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE a.error IS NULL AND a.response_status BETWEEN 200 AND 299)::int AS succeeded,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS p95,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY a.duration_ms) AS p99
      FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE d.endpoint_id = ${endpointId}::uuid AND a.started_at >= ${since}::timestamptz AND a.started_at <= ${until}::timestamptz`,
    db.$queryRaw<BucketRow[]>`
      WITH series AS (
        SELECT generate_series(${since}::timestamptz, ${lastBucket}::timestamptz, ${bucketSeconds}::int * interval '1 second') AS start
      ), binned AS (
        SELECT date_bin(${bucketSeconds}::int * interval '1 second', a.started_at, TIMESTAMPTZ 'epoch') AS start,
               a.duration_ms,
               (a.error IS NULL AND a.response_status BETWEEN 200 AND 299) AS ok
        FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE d.endpoint_id = ${endpointId}::uuid AND a.started_at >= ${since}::timestamptz AND a.started_at <= ${until}::timestamptz
      )
      SELECT s.start,
             count(b.start)::int AS total,
             count(b.start) FILTER (WHERE b.ok)::int AS succeeded,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY b.duration_ms) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY b.duration_ms) AS p95,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY b.duration_ms) AS p99
      FROM series s LEFT JOIN binned b ON b.start = s.start
      GROUP BY s.start
      ORDER BY s.start`,
    db.attempt.findMany({
      where: {
        delivery: { endpointId },
        startedAt: { gte: since, lte: until },
        OR: [
          { error: { not: null } },
          { responseStatus: null },
          { responseStatus: { lt: 200 } },
          { responseStatus: { gt: 299 } },
        ],
      },
      orderBy: { startedAt: "desc" },
      take: RECENT_FAILURES,
    }),
  ]);

  const deliveries = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatusName,
    number
  >;
  for (const row of statusRows) deliveries[row.status] = Number(row.count);
  const total = Object.values(deliveries).reduce((sum, count) => sum + count, 0);
  const finished = deliveries.succeeded + deliveries.failed;
  const attemptsTotal = Number(summary?.total ?? 0);
  const attemptsSucceeded = Number(summary?.succeeded ?? 0);

  return {
    endpointId,
    window: options.window.label,
    since: since.toISOString(),
    until: until.toISOString(),
    bucketSeconds,
    deliveries: { total, ...deliveries },
    successRate: finished === 0 ? null : deliveries.succeeded / finished,
    attempts: {
      total: attemptsTotal,
      succeeded: attemptsSucceeded,
      failed: attemptsTotal - attemptsSucceeded,
    },
    latencyMs: {
      p50: round(summary?.p50 ?? null),
      p95: round(summary?.p95 ?? null),
      p99: round(summary?.p99 ?? null),
    },
    buckets: bucketRows.map((bucket) => ({
      start: new Date(bucket.start).toISOString(),
      attempts: Number(bucket.total),
      succeeded: Number(bucket.succeeded),
      failed: Number(bucket.total) - Number(bucket.succeeded),
      p50: round(bucket.p50),
      p95: round(bucket.p95),
      p99: round(bucket.p99),
    })),
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
