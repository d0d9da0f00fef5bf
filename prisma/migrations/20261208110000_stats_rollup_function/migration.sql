-- One place for the rollup of a batch of attempts into endpoint_stats_minutes and
-- endpoint_stats_hours: the trigger on attempts passes the statement's new attempts, the backfill
-- (lib/services/endpoint-stats.ts) a range of older ones. Only the columns the rollup reads are
-- passed, so a backfill step does not copy response bodies.
CREATE TYPE herald_rolled_attempt AS (
    "delivery_id" UUID,
    "number" INTEGER,
    "started_at" TIMESTAMP(3),
    "duration_ms" INTEGER,
    "succeeded" BOOLEAN
);

-- Rows are ordered so concurrent statements lock rollup rows in the same order.
CREATE FUNCTION herald_roll_up(batch herald_rolled_attempt[]) RETURNS void LANGUAGE sql AS $$
  WITH rolled AS (
    SELECT d.endpoint_id, date_trunc('minute', a.started_at) AS minute, herald_latency_bucket(a.duration_ms) AS latency_bucket,
      count(*)::int AS attempts,
      count(*) FILTER (WHERE a.succeeded)::int AS succeeded,
      count(*) FILTER (WHERE d.status = 'succeeded' AND d.attempt_count = a.number)::int AS deliveries_succeeded,
      count(*) FILTER (WHERE d.status = 'failed' AND d.attempt_count = a.number)::int AS deliveries_failed
    FROM unnest(batch) a JOIN deliveries d ON d.id = a.delivery_id
    WHERE d.endpoint_id IS NOT NULL
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
    deliveries_failed = s.deliveries_failed + excluded.deliveries_failed
$$;

-- The trigger's attempts: those the backfill does not count (see 20261207162000).
CREATE OR REPLACE FUNCTION herald_roll_up_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM herald_roll_up(ARRAY(
    SELECT ROW(a.delivery_id, a.number, a.started_at, a.duration_ms,
      a.error IS NULL AND a.response_status BETWEEN 200 AND 299)::herald_rolled_attempt
    FROM new_attempts a
    WHERE (SELECT b.finished_at IS NOT NULL OR a.started_at >= b.started_before FROM endpoint_stats_backfill b WHERE b.id = 1)
  ));
  RETURN NULL;
END $$;
