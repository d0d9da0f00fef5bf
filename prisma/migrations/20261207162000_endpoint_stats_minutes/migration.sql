-- Endpoint stats and the overview from rollups: per endpoint, per minute and per hour (of the
-- attempt's start) and per latency bucket, the attempts, those that succeeded, and the deliveries that ended with
-- that attempt (succeeded or failed). Written by a statement-level trigger on attempts, in the
-- statement that records the attempts, so every path that logs attempts (recording, interrupted
-- attempts, tests' fixtures) keeps it, and reads cost the same at any log size.

-- The latency bucket of a duration: 0 below 1 ms, i for [bounds[i], bounds[i+1]), 46 from 60 s.
-- lib/services/endpoint-stats.ts holds the same bounds.
CREATE FUNCTION herald_latency_bucket(duration_ms integer) RETURNS smallint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT width_bucket(duration_ms, ARRAY[1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100,
    120, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000, 6000,
    8000, 10000, 12000, 15000, 20000, 25000, 30000, 40000, 50000, 60000])::smallint
$$;

CREATE TABLE "endpoint_stats_minutes" (
    "endpoint_id" UUID NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "latency_bucket" SMALLINT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "deliveries_succeeded" INTEGER NOT NULL,
    "deliveries_failed" INTEGER NOT NULL,
    CONSTRAINT "endpoint_stats_minutes_pkey" PRIMARY KEY ("endpoint_id", "minute", "latency_bucket")
);

CREATE INDEX "endpoint_stats_minutes_minute_idx" ON "endpoint_stats_minutes" ("minute");

-- The same per hour: windows drawn in hourly or longer buckets (24 h and more) and the overview
-- read at most 24 rows per latency bucket and day.
CREATE TABLE "endpoint_stats_hours" (
    "endpoint_id" UUID NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "latency_bucket" SMALLINT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "deliveries_succeeded" INTEGER NOT NULL,
    "deliveries_failed" INTEGER NOT NULL,
    CONSTRAINT "endpoint_stats_hours_pkey" PRIMARY KEY ("endpoint_id", "hour", "latency_bucket")
);

CREATE INDEX "endpoint_stats_hours_hour_idx" ON "endpoint_stats_hours" ("hour");

ALTER TABLE "endpoint_stats_hours" ADD CONSTRAINT "endpoint_stats_hours_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "endpoint_stats_minutes" ADD CONSTRAINT "endpoint_stats_minutes_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Attempts that started before this migration are counted by the backfill (lib/services/
-- endpoint-stats.ts, run by the worker in small batches), later ones by the trigger: the split is
-- on started_at, so an attempt in flight during the migration is counted once. Once the backfill
-- has finished, the trigger counts every attempt.
CREATE TABLE "endpoint_stats_backfill" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "started_before" TIMESTAMP(3) NOT NULL,
    "done_from" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    CONSTRAINT "endpoint_stats_backfill_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "endpoint_stats_backfill_one_row" CHECK ("id" = 1)
);

-- A database with no attempts yet has nothing to backfill.
INSERT INTO "endpoint_stats_backfill" ("started_before", "finished_at")
SELECT date_trunc('minute', now() AT TIME ZONE 'UTC') + interval '1 minute',
  CASE WHEN NOT EXISTS (SELECT 1 FROM attempts) THEN now() AT TIME ZONE 'UTC' END;

-- Adds the statement's new attempts to both rollups (lib/services/endpoint-stats.ts's backfill
-- does the same for a range of older attempts). Rows are ordered so concurrent statements lock
-- rollup rows in the same order.
CREATE FUNCTION herald_roll_up_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH rolled AS (
    SELECT d.endpoint_id, date_trunc('minute', a.started_at) AS minute, herald_latency_bucket(a.duration_ms) AS latency_bucket,
      count(*)::int AS attempts,
      count(*) FILTER (WHERE a.error IS NULL AND a.response_status BETWEEN 200 AND 299)::int AS succeeded,
      count(*) FILTER (WHERE d.status = 'succeeded' AND d.attempt_count = a.number)::int AS deliveries_succeeded,
      count(*) FILTER (WHERE d.status = 'failed' AND d.attempt_count = a.number)::int AS deliveries_failed
    FROM new_attempts a JOIN deliveries d ON d.id = a.delivery_id
    WHERE d.endpoint_id IS NOT NULL
      AND (SELECT b.finished_at IS NOT NULL OR a.started_at >= b.started_before FROM endpoint_stats_backfill b WHERE b.id = 1)
    GROUP BY 1, 2, 3
  ), minutes AS (
    INSERT INTO endpoint_stats_minutes AS s
      (endpoint_id, minute, latency_bucket, attempts, succeeded, deliveries_succeeded, deliveries_failed)
    SELECT * FROM rolled ORDER BY 1, 2, 3
    ON CONFLICT (endpoint_id, minute, latency_bucket) DO UPDATE SET
      attempts = s.attempts + excluded.attempts,
      succeeded = s.succeeded + excluded.succeeded,
      deliveries_succeeded = s.deliveries_succeeded + excluded.deliveries_succeeded,
      deliveries_failed = s.deliveries_failed + excluded.deliveries_failed
  )
  INSERT INTO endpoint_stats_hours AS s
    (endpoint_id, hour, latency_bucket, attempts, succeeded, deliveries_succeeded, deliveries_failed)
  SELECT endpoint_id, date_trunc('hour', minute), latency_bucket, sum(attempts), sum(succeeded),
    sum(deliveries_succeeded), sum(deliveries_failed)
  FROM rolled GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
  ON CONFLICT (endpoint_id, hour, latency_bucket) DO UPDATE SET
    attempts = s.attempts + excluded.attempts,
    succeeded = s.succeeded + excluded.succeeded,
    deliveries_succeeded = s.deliveries_succeeded + excluded.deliveries_succeeded,
    deliveries_failed = s.deliveries_failed + excluded.deliveries_failed;
  RETURN NULL;
END $$;

CREATE TRIGGER attempts_roll_up AFTER INSERT ON attempts
  REFERENCING NEW TABLE AS new_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION herald_roll_up_attempts();
