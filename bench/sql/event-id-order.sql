-- Inserting 200,000 events into the pre-filled app holding 2.0M (prefill-chat) with random (v4)
-- and then time-ordered (v7) ids: time (psql's \timing) and WAL of each. Run on a copy of the
-- pre-filled template (BENCH_PREFILL_DELIVERIES), e.g. the herald_bench database a run left:
--   psql -d herald_bench -f bench/sql/event-id-order.sql
-- It deletes its rows at the end.
\timing on
CHECKPOINT;
SELECT pg_current_wal_lsn() AS l0 \gset
DO $$ BEGIN FOR i IN 1..200 LOOP
 INSERT INTO events (app_id,id,name,channel,payload,time_ms) SELECT 'prefill-chat', gen_random_uuid()::text, 'client_event', 'private-x', '{}'::jsonb, 0 FROM generate_series(1,1000);
 COMMIT; END LOOP; END $$;
SELECT 'v4 WAL MB', round((pg_current_wal_lsn() - :'l0'::pg_lsn)/1e6,1);
CHECKPOINT;
SELECT pg_current_wal_lsn() AS l1 \gset
DO $$ DECLARE base bigint := (extract(epoch from now())*1000)::bigint; BEGIN FOR i IN 1..200 LOOP
 INSERT INTO events (app_id,id,name,channel,payload,time_ms) SELECT 'prefill-chat', (lpad(to_hex(base + i*1000 + g), 12, '0') || '7' || substr(r, 1, 3) || '8' || substr(r, 4, 15))::uuid::text, 'client_event', 'private-x', '{}'::jsonb, 0 FROM generate_series(1,1000) g, LATERAL (SELECT md5(random()::text || g) AS r) x;
 COMMIT; END LOOP; END $$;
SELECT 'v7 WAL MB', round((pg_current_wal_lsn() - :'l1'::pg_lsn)/1e6,1);
DELETE FROM events WHERE app_id='prefill-chat' AND channel='private-x' AND time_ms=0;
