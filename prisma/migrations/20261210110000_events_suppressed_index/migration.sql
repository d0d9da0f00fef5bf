-- herald:no-transaction
-- The events list's state=suppressed filter: without an index it walked the app's whole log
-- newest first looking for the few suppressed events (0.8 s warm, 2 s cold on the 4.5M-event
-- benchmark log, which has none). Holds only suppressed events; built concurrently.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_suppressed_idx" ON "events" ("app_id", "received_at") WHERE suppressed_by IS NOT NULL;
