import type { JobPayload, QUEUES } from "../../lib/jobs/definitions";
import { logger } from "../../lib/logger";
import { reconcile } from "../../lib/engine/reconcile";
import { checkBacklogAlerts } from "../../lib/services/backlog";
import { pruneOldRecords } from "../../lib/services/retention";

export async function processMaintenance({
  task,
}: JobPayload<typeof QUEUES.maintenance>): Promise<void> {
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
