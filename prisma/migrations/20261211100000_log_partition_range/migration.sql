-- Deliveries and attempts become tables partitioned by day (docs/engine.md#partitions), online,
-- in three steps. Step 1: the range of every row there now, and of those written until the swap,
-- declared NOT VALID (a moment's lock, no scan). The bound is the start of the day after tomorrow
-- (UTC) as a UUID v7: delivery ids are v7, and an attempt's delivery id puts it in its delivery's day.
DO $$
DECLARE
  bound uuid := (lpad(to_hex((extract(epoch FROM date_trunc('day', now(), 'UTC') + interval '2 days') * 1000)::bigint), 12, '0')
    || repeat('0', 20))::uuid;
BEGIN
  EXECUTE format('ALTER TABLE deliveries ADD CONSTRAINT deliveries_legacy_range CHECK (id < %L::uuid) NOT VALID', bound);
  EXECUTE format('ALTER TABLE attempts ADD CONSTRAINT attempts_legacy_range CHECK (delivery_id < %L::uuid) NOT VALID', bound);
END $$;
