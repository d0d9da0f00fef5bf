-- The Recover job that last re-queued a delivery, so the job can report how its deliveries ended.
ALTER TABLE "deliveries" ADD COLUMN "recovery_job_id" UUID;
CREATE INDEX "deliveries_recovery_job_id_status_idx" ON "deliveries"("recovery_job_id", "status");
