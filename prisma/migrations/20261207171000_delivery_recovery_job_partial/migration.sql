-- A Recover job's deliveries are found by the job's id alone (their statuses are counted from the
-- rows). Partial and without `status`, this index holds only recovered deliveries and is not
-- written when any other delivery changes state.
DROP INDEX "deliveries_recovery_job_id_status_idx";
CREATE INDEX "deliveries_recovery_job_idx" ON "deliveries" ("recovery_job_id") WHERE recovery_job_id IS NOT NULL;
