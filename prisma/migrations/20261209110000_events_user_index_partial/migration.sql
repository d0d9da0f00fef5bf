-- herald:no-transaction
-- The events list's user filter needs an index only over events that have a user: on the 5M-event
-- benchmark log 56 % do (presence and client events), and the full index took 324 MiB, 68 bytes
-- per event. Built concurrently: ingest goes on writing events while it builds. The full index is
-- dropped by the next migration, once this one is there.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_user_idx" ON "events" ("app_id", "user_id", "received_at") WHERE user_id IS NOT NULL;
