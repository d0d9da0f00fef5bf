-- Step 3, one transaction: the tables are renamed *_legacy and become the first partition
-- (MINVALUE up to the checked bound) of new tables partitioned by range of the delivery id. Each
-- index and key made on a partitioned table attaches the legacy table's matching one instead of
-- building it, so this holds the tables for milliseconds. The worker makes the daily partitions
-- ahead (lib/services/partitions.ts); DEFAULT partitions take any row outside them. Retention
-- drops a whole day once it is past the cutoff and holds no unfinished delivery.
--
-- The foreign key from attempts to deliveries goes. Checked against a partitioned table it costs
-- about 28 µs per attempt written at 50 partitions (against 2-7 µs on one table), and Postgres 15
-- cannot add it NOT VALID, so adding it would hold writes while every attempt is checked (1.3 s
-- per 5.7M attempts). What it did is kept: attempts are only written joined to their delivery's
-- row (lib/engine/record.ts, reconcile.ts), and a statement-level trigger deletes the attempts of
-- deleted deliveries (an app's deletion cascades to them), as ON DELETE CASCADE did. A day's
-- attempts are dropped with its deliveries.
CREATE FUNCTION herald_delete_attempts_of_deliveries() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM attempts a USING old_deliveries o WHERE a.delivery_id = o.id;
  RETURN NULL;
END $fn$;

DO $$
DECLARE
  bound uuid := substring(
    (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'deliveries_legacy_range'),
    '''([0-9a-f-]{36})''')::uuid;
BEGIN
  ALTER TABLE attempts DROP CONSTRAINT attempts_delivery_id_fkey;
  DROP TRIGGER deliveries_note_event_names ON deliveries;
  DROP TRIGGER attempts_roll_up ON attempts;

  ALTER TABLE deliveries RENAME TO deliveries_legacy;
  ALTER TABLE attempts RENAME TO attempts_legacy;
  ALTER TABLE deliveries_legacy RENAME CONSTRAINT deliveries_pkey TO deliveries_legacy_pkey;
  ALTER TABLE deliveries_legacy RENAME CONSTRAINT deliveries_app_id_fkey TO deliveries_legacy_app_id_fkey;
  ALTER TABLE deliveries_legacy RENAME CONSTRAINT deliveries_endpoint_id_fkey TO deliveries_legacy_endpoint_id_fkey;
  ALTER TABLE attempts_legacy RENAME CONSTRAINT attempts_pkey TO attempts_legacy_pkey;
  ALTER INDEX deliveries_app_id_id_idx RENAME TO deliveries_legacy_app_id_id_idx;
  ALTER INDEX deliveries_app_id_status_id_unsucceeded_idx RENAME TO deliveries_legacy_app_id_status_id_unsucceeded_idx;
  ALTER INDEX deliveries_channels_idx RENAME TO deliveries_legacy_channels_idx;
  ALTER INDEX deliveries_delivering_idx RENAME TO deliveries_legacy_delivering_idx;
  ALTER INDEX deliveries_due_idx RENAME TO deliveries_legacy_due_idx;
  ALTER INDEX deliveries_endpoint_due_idx RENAME TO deliveries_legacy_endpoint_due_idx;
  ALTER INDEX deliveries_endpoint_id_id_idx RENAME TO deliveries_legacy_endpoint_id_id_idx;
  ALTER INDEX deliveries_event_ids_idx RENAME TO deliveries_legacy_event_ids_idx;
  ALTER INDEX deliveries_event_names_idx RENAME TO deliveries_legacy_event_names_idx;
  ALTER INDEX deliveries_recovery_job_idx RENAME TO deliveries_legacy_recovery_job_idx;
  ALTER INDEX attempts_started_at_idx RENAME TO attempts_legacy_started_at_idx;

  CREATE TABLE deliveries (LIKE deliveries_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (id);
  CREATE TABLE attempts (LIKE attempts_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (delivery_id);
  EXECUTE format('ALTER TABLE deliveries ATTACH PARTITION deliveries_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
  EXECUTE format('ALTER TABLE attempts ATTACH PARTITION attempts_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
  -- Implied by the partition bound from here on.
  ALTER TABLE deliveries_legacy DROP CONSTRAINT deliveries_legacy_range;
  ALTER TABLE attempts_legacy DROP CONSTRAINT attempts_legacy_range;

  ALTER TABLE deliveries ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);
  ALTER TABLE attempts ADD CONSTRAINT attempts_pkey PRIMARY KEY (delivery_id, number);
  CREATE INDEX deliveries_app_id_id_idx ON deliveries (app_id, id DESC);
  CREATE INDEX deliveries_app_id_status_id_unsucceeded_idx ON deliveries (app_id, status, id DESC) WHERE status <> 'succeeded';
  CREATE INDEX deliveries_channels_idx ON deliveries USING gin (channels);
  CREATE INDEX deliveries_delivering_idx ON deliveries (last_attempt_at) WHERE status = 'delivering';
  CREATE INDEX deliveries_due_idx ON deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
  CREATE INDEX deliveries_endpoint_due_idx ON deliveries (endpoint_id, next_attempt_at) WHERE status IN ('pending', 'retrying');
  CREATE INDEX deliveries_endpoint_id_id_idx ON deliveries (endpoint_id, id DESC);
  CREATE INDEX deliveries_event_ids_idx ON deliveries USING gin (event_ids);
  CREATE INDEX deliveries_event_names_idx ON deliveries USING gin (event_names);
  CREATE INDEX deliveries_recovery_job_idx ON deliveries (recovery_job_id) WHERE recovery_job_id IS NOT NULL;
  CREATE INDEX attempts_started_at_idx ON attempts (started_at);

  ALTER TABLE deliveries ADD CONSTRAINT deliveries_app_id_fkey FOREIGN KEY (app_id) REFERENCES apps (id) ON UPDATE CASCADE ON DELETE CASCADE;
  ALTER TABLE deliveries ADD CONSTRAINT deliveries_endpoint_id_fkey FOREIGN KEY (endpoint_id) REFERENCES endpoints (id) ON UPDATE CASCADE ON DELETE SET NULL;
  CREATE TRIGGER deliveries_delete_attempts AFTER DELETE ON deliveries REFERENCING OLD TABLE AS old_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION herald_delete_attempts_of_deliveries();

  CREATE TRIGGER deliveries_note_event_names AFTER INSERT ON deliveries REFERENCING NEW TABLE AS new_deliveries
    FOR EACH STATEMENT EXECUTE FUNCTION herald_note_delivery_event_names();
  CREATE TRIGGER attempts_roll_up AFTER INSERT ON attempts REFERENCING NEW TABLE AS new_attempts
    FOR EACH STATEMENT EXECUTE FUNCTION herald_roll_up_attempts();

  CREATE TABLE deliveries_default PARTITION OF deliveries DEFAULT;
  CREATE TABLE attempts_default PARTITION OF attempts DEFAULT;
END $$;
