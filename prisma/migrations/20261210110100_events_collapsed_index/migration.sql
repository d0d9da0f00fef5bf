-- herald:no-transaction
-- The events list's state=collapsed filter, as events_suppressed_idx does for suppressed: holds
-- only collapsed events (cache_miss repeats, replaced subscription_count events); built
-- concurrently.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "events_collapsed_idx" ON "events" ("app_id", "received_at") WHERE collapsed_into IS NOT NULL;
