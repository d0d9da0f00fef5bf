-- Deliveries of an endpoint's Test button are marked, so Recover never replays them to production
-- receivers and the log can tell them apart. Existing ones are found by their synthetic event id.
ALTER TABLE "deliveries" ADD COLUMN "test" BOOLEAN NOT NULL DEFAULT false;
UPDATE "deliveries" SET "test" = true WHERE "event_ids"[1] LIKE 'test-%';
