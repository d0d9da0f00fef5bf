-- Indexes of work still to do hold only the deliveries in that state (a few in a log of
-- millions), so a delivery that succeeds or fails leaves them without writing to them. A status
-- change cannot be a HOT update while any index names `status` (in its columns or its WHERE),
-- but a success now writes 7 index entries instead of 10, and a claim 9.

-- Due work: the reconciler's overdue and orphan scans, the backlog figures.
DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_due_idx" ON "deliveries" ("next_attempt_at") WHERE status IN ('pending', 'retrying');

-- An endpoint's next new deliveries (claimNextDue).
DROP INDEX "deliveries_endpoint_id_status_created_at_idx";
CREATE INDEX "deliveries_endpoint_due_idx" ON "deliveries" ("endpoint_id", "next_attempt_at") WHERE status IN ('pending', 'retrying');

-- Attempts in flight, for the reconciler's look for ones whose worker died.
CREATE INDEX "deliveries_delivering_idx" ON "deliveries" ("last_attempt_at") WHERE status = 'delivering';

-- The log's status filter, for every status but succeeded (most of a healthy log: found at once by
-- walking (app_id, id)).
DROP INDEX "deliveries_app_id_status_id_idx";
CREATE INDEX "deliveries_app_id_status_id_unsucceeded_idx" ON "deliveries" ("app_id", "status", "id" DESC) WHERE status <> 'succeeded';
