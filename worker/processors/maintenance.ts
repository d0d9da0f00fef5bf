import type { Job } from "bullmq";
import { jobSchemas, QUEUES } from "../../lib/jobs/queues";
import { logger } from "../../lib/logger";
import { reconcile } from "../../lib/services/reconcile";
import { checkBacklogAlerts } from "../../lib/services/backlog";
import { pruneOldRecords } from "../../lib/services/retention";

export async function processMaintenance(job: Job): Promise<void> {
  const { task } = jobSchemas[QUEUES.maintenance].parse(job.data);
  if (task === "reconcile") {
    const report = await reconcile();
    await checkBacklogAlerts();
    if (Object.values(report).some((count) => count > 0))
      logger.info({ report }, "reconciler re-enqueued work from Postgres");
    return;
  }
  const report = await pruneOldRecords();
  logger.info({ report }, "retention pruned old records");
}
