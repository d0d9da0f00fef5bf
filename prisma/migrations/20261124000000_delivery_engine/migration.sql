-- AlterTable
ALTER TABLE "endpoints" ADD COLUMN     "retry_max_age_seconds" INTEGER;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "next_attempt_trigger" "AttemptTrigger" NOT NULL DEFAULT 'auto';
