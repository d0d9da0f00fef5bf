-- Deliveries of an endpoint's Test button are marked, so Recover never replays them to production
-- receivers and the log can tell them apart. No backfill: telling an earlier sample from a real
-- delivery by its event id alone could hide a real one from Recover, and a scan of the whole
-- delivery log would hold this ALTER's lock on it for that long.
ALTER TABLE "deliveries" ADD COLUMN "test" BOOLEAN NOT NULL DEFAULT false;
