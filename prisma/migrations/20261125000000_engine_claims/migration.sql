-- The BullMQ job that holds a delivery while it is `delivering`: the reconciler takes a delivery
-- back only when that job no longer holds its lock (its worker is gone).
ALTER TABLE "deliveries" ADD COLUMN "claim_job_id" TEXT;

-- Routing takes an app's unrouted events in arrival order.
CREATE INDEX "events_unrouted_app_seq_idx" ON "events" ("app_id", "seq") WHERE "routed_at" IS NULL;
