-- The failures logged before the previous migration, copied once (15 s for 5.7M attempts on the
-- benchmark log; the log's reads and writes go on meanwhile). In a transaction of its own, after the
-- trigger that writes new failures has committed, so no failure falls between the two: one both
-- wrote is skipped (ON CONFLICT).
INSERT INTO endpoint_failed_attempts (endpoint_id, started_at, delivery_id, number)
SELECT d.endpoint_id, a.started_at, a.delivery_id, a.number
FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
WHERE d.endpoint_id IS NOT NULL AND (a.error IS NULL AND a.response_status BETWEEN 200 AND 299) IS NOT TRUE
ON CONFLICT DO NOTHING;
