-- herald:no-transaction
-- Replaced by events_user_idx (events with a user only). Dropped concurrently: no lock that would
-- hold off ingest while a long query on events finishes.
DROP INDEX CONCURRENTLY IF EXISTS "events_app_id_user_id_received_at_idx";
