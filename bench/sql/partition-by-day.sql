-- Retention by partition, tried on a copy of the pre-filled log (docs/engine.md#partitions): turns
-- deliveries and attempts into tables partitioned by day of their (UUID v7) delivery id, online,
-- with the existing tables as the first partition; then copies one day of history into
-- tomorrow's partition and times its retention by DETACH + DROP. Run on a throwaway copy of the
-- template (BENCH_PREFILL_DELIVERIES), never on a real install:
--   createdb -h 127.0.0.1 -U postgres -T herald_bench_prefill_5000000 herald_part
--   psql -h 127.0.0.1 -U postgres -d herald_part -f bench/sql/partition-by-day.sql
\timing on
\set ON_ERROR_STOP 1
CREATE FUNCTION pg_temp.uuid_at(t timestamptz) RETURNS uuid LANGUAGE sql IMMUTABLE AS
$$ SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid $$;
SELECT pg_temp.uuid_at(date_trunc('day', now()) + interval '1 day') AS bound,
  pg_temp.uuid_at(date_trunc('day', now()) + interval '2 day') AS bound2 \gset

\echo 1. The range of the rows there now, checked while writes go on (SHARE UPDATE EXCLUSIVE)
ALTER TABLE deliveries ADD CONSTRAINT deliveries_legacy_range CHECK (id < :'bound') NOT VALID;
ALTER TABLE deliveries VALIDATE CONSTRAINT deliveries_legacy_range;
ALTER TABLE attempts ADD CONSTRAINT attempts_legacy_range CHECK (delivery_id < :'bound') NOT VALID;
ALTER TABLE attempts VALIDATE CONSTRAINT attempts_legacy_range;

\echo 2. The swap: the old tables become the first partitions; their indexes are attached, not built
BEGIN;
SET LOCAL lock_timeout = '5s';
ALTER TABLE attempts DROP CONSTRAINT attempts_delivery_id_fkey;
DROP TRIGGER deliveries_note_event_names ON deliveries;
DROP TRIGGER attempts_roll_up ON attempts;
ALTER TABLE deliveries RENAME TO deliveries_legacy;
ALTER TABLE attempts RENAME TO attempts_legacy;
CREATE TABLE deliveries (LIKE deliveries_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (id);
CREATE TABLE attempts (LIKE attempts_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (delivery_id);
ALTER TABLE deliveries ATTACH PARTITION deliveries_legacy FOR VALUES FROM (MINVALUE) TO (:'bound');
ALTER TABLE attempts ATTACH PARTITION attempts_legacy FOR VALUES FROM (MINVALUE) TO (:'bound');
ALTER TABLE deliveries ADD PRIMARY KEY (id);
ALTER TABLE attempts ADD PRIMARY KEY (delivery_id, number);
CREATE INDEX ON deliveries (app_id, id DESC);
CREATE INDEX ON deliveries (app_id, status, id DESC) WHERE status <> 'succeeded';
CREATE INDEX ON deliveries (endpoint_id, id DESC);
CREATE INDEX ON deliveries (endpoint_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
CREATE INDEX ON deliveries (last_attempt_at) WHERE status = 'delivering';
CREATE INDEX ON deliveries (recovery_job_id) WHERE recovery_job_id IS NOT NULL;
CREATE INDEX ON deliveries USING gin (event_names);
CREATE INDEX ON deliveries USING gin (channels);
CREATE INDEX ON deliveries USING gin (event_ids);
CREATE INDEX ON attempts (started_at);
CREATE TRIGGER deliveries_note_event_names AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_deliveries
  FOR EACH STATEMENT EXECUTE FUNCTION herald_note_delivery_event_names();
CREATE TRIGGER attempts_roll_up AFTER INSERT ON attempts REFERENCING NEW TABLE AS new_attempts
  FOR EACH STATEMENT EXECUTE FUNCTION herald_roll_up_attempts();
ALTER TABLE deliveries ADD FOREIGN KEY (app_id) REFERENCES apps (id) ON UPDATE CASCADE ON DELETE CASCADE;
ALTER TABLE deliveries ADD FOREIGN KEY (endpoint_id) REFERENCES endpoints (id) ON UPDATE CASCADE ON DELETE SET NULL;
\echo    The key from attempts to deliveries: Postgres 15 refuses NOT VALID on a partitioned table, so this checks every attempt
ALTER TABLE attempts ADD CONSTRAINT attempts_delivery_id_fkey FOREIGN KEY (delivery_id) REFERENCES deliveries (id)
  ON UPDATE CASCADE ON DELETE CASCADE;
COMMIT;

\echo 3. Partitions for tomorrow and a default one
CREATE TABLE deliveries_d1 PARTITION OF deliveries FOR VALUES FROM (:'bound') TO (:'bound2');
CREATE TABLE attempts_d1 PARTITION OF attempts FOR VALUES FROM (:'bound') TO (:'bound2');
CREATE TABLE deliveries_default PARTITION OF deliveries DEFAULT;
CREATE TABLE attempts_default PARTITION OF attempts DEFAULT;
EXPLAIN (ANALYZE, COSTS OFF) SELECT id FROM deliveries WHERE app_id = 'prefill-chat' ORDER BY id DESC LIMIT 51;

\echo 4. One day of history (12 days ago) copied into the partition of tomorrow, ids moved to tomorrow
SELECT (extract(epoch FROM date_trunc('day', now()) + interval '1 day') * 1000)::bigint AS ms,
  pg_temp.uuid_at(now() - interval '12 day') AS lo, pg_temp.uuid_at(now() - interval '11 day') AS hi \gset
CREATE TEMP TABLE shift AS
  SELECT id AS old_id, (lpad(to_hex(:ms + row_number() OVER (ORDER BY id) / 10), 12, '0')
    || substr(replace(id::text, '-', ''), 13))::uuid AS new_id
  FROM deliveries WHERE id >= :'lo' AND id < :'hi';
INSERT INTO deliveries SELECT s.new_id, d.app_id, d.endpoint_id, d.event_ids, d.event_names, d.channels, d.body,
    d.status, d.attempt_count, d.next_attempt_at, d.last_attempt_at, d.last_response_status, d.last_error,
    d.created_at, d.updated_at, d.next_attempt_trigger, d.claim_job_id, d.test, d.recovery_job_id, d.received_at
  FROM deliveries d JOIN shift s ON s.old_id = d.id;
INSERT INTO attempts SELECT a.id, s.new_id, a.number, a.trigger, a.request_headers, a.response_status,
    a.response_headers, a.response_body, a.duration_ms, a.error, a.started_at, a.target, a.request_header_set
  FROM attempts a JOIN shift s ON s.old_id = a.delivery_id;
SELECT (SELECT count(*) FROM deliveries_d1) AS deliveries, (SELECT count(*) FROM attempts_d1) AS attempts,
  pg_size_pretty(pg_total_relation_size('deliveries_d1') + pg_total_relation_size('attempts_d1')) AS size;
CHECKPOINT;

\echo 5. Retention of that day: its attempts, then its deliveries, detached and dropped
BEGIN;
ALTER TABLE attempts DETACH PARTITION attempts_d1;
DROP TABLE attempts_d1;
ALTER TABLE deliveries DETACH PARTITION deliveries_d1;
DROP TABLE deliveries_d1;
COMMIT;
