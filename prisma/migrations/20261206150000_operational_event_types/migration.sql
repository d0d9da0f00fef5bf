-- Herald's own operational events (docs/observability.md): endpoints subscribe to them like any
-- other type. Names starting with "herald." are reserved: producers cannot send them.
INSERT INTO "event_types" ("name", "description", "built_in", "updated_at") VALUES
  ('herald.endpoint.disabled', 'Herald: an endpoint was disabled (by Herald after repeated failures or 410 Gone, or by an operator).', true, CURRENT_TIMESTAMP),
  ('herald.endpoint.enabled', 'Herald: an endpoint was enabled again.', true, CURRENT_TIMESTAMP),
  ('herald.delivery.failed', 'Herald: a delivery gave up after its last attempt (at most one notice a minute per endpoint, with a count).', true, CURRENT_TIMESTAMP),
  ('herald.backlog.stalled', 'Herald: the app''s oldest waiting work passed HERALD_STALL_ALERT_SECONDS.', true, CURRENT_TIMESTAMP),
  ('herald.backlog.recovered', 'Herald: the app''s backlog is moving again after a stall.', true, CURRENT_TIMESTAMP)
ON CONFLICT ("name") DO UPDATE SET "built_in" = true, "description" = EXCLUDED."description", "updated_at" = CURRENT_TIMESTAMP;
