-- What the attempts' foreign key to deliveries costs an insert: 100,000 attempts of the last day's
-- deliveries, 50 per statement and a commit after each (as the recorder writes them), with the key
-- and without it, three times each, alternated. Run on a throwaway copy of the pre-filled template:
--   createdb -h 127.0.0.1 -U postgres -T herald_bench_prefill_5000000 herald_fk
--   psql -h 127.0.0.1 -U postgres -d herald_fk -f bench/sql/attempts-foreign-key.sql
\timing on
CREATE TEMP TABLE targets AS SELECT id FROM deliveries
  WHERE id > (lpad(to_hex((extract(epoch FROM now() - interval '1 day') * 1000)::bigint), 12, '0') || repeat('0', 20))::uuid
  ORDER BY id LIMIT 100000;
SELECT count(*) FROM targets;
CREATE TEMP TABLE t AS SELECT row_number() OVER () AS n, id FROM targets;
CREATE INDEX ON t (n);
CREATE OR REPLACE PROCEDURE pg_temp.load(base int) LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 0..1999 LOOP
    INSERT INTO attempts (id, delivery_id, number, trigger, duration_ms, started_at, response_status, target)
    SELECT gen_random_uuid(), t.id, base, 'auto', 12, now(), 200, 'http://127.0.0.1/x' FROM t WHERE t.n > i * 50 AND t.n <= (i + 1) * 50;
    COMMIT;
  END LOOP;
END $$;
-- Three rounds, each with the key and then without it; the notices give each load's time.
DO $$
DECLARE started timestamptz;
BEGIN
  FOR n IN 1..3 LOOP
    started := clock_timestamp();
    CALL pg_temp.load(100 + n * 2 - 1);
    RAISE NOTICE 'round %, with the key: % ms', n, round(extract(epoch FROM clock_timestamp() - started) * 1000);
    ALTER TABLE attempts DROP CONSTRAINT attempts_delivery_id_fkey;
    started := clock_timestamp();
    CALL pg_temp.load(100 + n * 2);
    RAISE NOTICE 'round %, without: % ms', n, round(extract(epoch FROM clock_timestamp() - started) * 1000);
    ALTER TABLE attempts ADD CONSTRAINT attempts_delivery_id_fkey FOREIGN KEY (delivery_id)
      REFERENCES deliveries (id) ON UPDATE CASCADE ON DELETE CASCADE NOT VALID;
  END LOOP;
END $$;
