-- Checks the failed attempts' key to endpoints in a transaction of its own: VALIDATE holds only a
-- SHARE UPDATE EXCLUSIVE lock on endpoint_failed_attempts and ROW SHARE on endpoints, so the
-- recorder's writes go on while it reads.
ALTER TABLE "endpoint_failed_attempts" VALIDATE CONSTRAINT "endpoint_failed_attempts_endpoint_id_fkey";
