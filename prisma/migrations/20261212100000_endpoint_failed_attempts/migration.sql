-- The endpoint stats' recent failures from a narrow table of failed attempts, per endpoint and
-- start, instead of from the attempts. Attempts are partitioned by their delivery's day and have
-- no endpoint, so finding an endpoint's newest failures meant reading whole hours of every
-- endpoint's attempts in every partition, and once the minute rollups that narrowed them were
-- pruned (2 days), a 30-day window took over a second on the 5M-delivery benchmark log. Rows are
-- written by the trigger on attempts that keeps the rollups, so every path that logs attempts
-- keeps them; the next migration copies the failures logged before. Retention prunes them with the
-- hourly rollups.
--
-- No key to endpoints: a key would cost a check per failure written, and adding or validating it
-- would hold the endpoints, which the recorder updates with every outcome. A statement-level
-- trigger deletes a deleted endpoint's rows instead, including when an app's deletion cascades.
CREATE TABLE "endpoint_failed_attempts" (
    "endpoint_id" UUID NOT NULL,
    "started_at" TIMESTAMP(3) NOT NULL,
    "delivery_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    CONSTRAINT "endpoint_failed_attempts_pkey" PRIMARY KEY ("endpoint_id", "started_at", "delivery_id", "number")
);

CREATE INDEX "endpoint_failed_attempts_started_at_idx" ON "endpoint_failed_attempts" ("started_at");

-- As in 20261208110000, and the statement's failed attempts of deliveries with an endpoint. Apart
-- from the rollups' function, so its plan is cached with the trigger's and a statement with no
-- failure only filters its own rows; each failure finds its delivery by key.
CREATE OR REPLACE FUNCTION herald_roll_up_attempts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM herald_roll_up(ARRAY(
    SELECT ROW(a.delivery_id, a.number, a.started_at, a.duration_ms,
      a.error IS NULL AND a.response_status BETWEEN 200 AND 299)::herald_rolled_attempt
    FROM new_attempts a
    WHERE (SELECT b.finished_at IS NOT NULL OR a.started_at >= b.started_before FROM endpoint_stats_backfill b WHERE b.id = 1)
  ));
  INSERT INTO endpoint_failed_attempts (endpoint_id, started_at, delivery_id, number)
  SELECT d.endpoint_id, a.started_at, a.delivery_id, a.number
  FROM new_attempts a CROSS JOIN LATERAL (SELECT endpoint_id FROM deliveries WHERE id = a.delivery_id) d
  WHERE (a.error IS NULL AND a.response_status BETWEEN 200 AND 299) IS NOT TRUE AND d.endpoint_id IS NOT NULL
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION herald_delete_failures_of_endpoints() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM endpoint_failed_attempts f USING old_endpoints o WHERE f.endpoint_id = o.id;
  RETURN NULL;
END $fn$;

CREATE TRIGGER endpoints_delete_failures AFTER DELETE ON endpoints REFERENCING OLD TABLE AS old_endpoints
  FOR EACH STATEMENT EXECUTE FUNCTION herald_delete_failures_of_endpoints();
