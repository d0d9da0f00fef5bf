import { QUEUES, type JobPayload } from "../../lib/jobs/definitions";
import { retentionMoreJobId } from "../../lib/jobs/ids";
import { enqueue } from "../../lib/jobs/queues";
import { logger } from "../../lib/logger";
import { reconcile } from "../../lib/engine/reconcile";
import { checkBacklogAlerts } from "../../lib/services/backlog";
import { backfillEndpointStats } from "../../lib/services/endpoint-stats";
import { pruneOldRecords } from "../../lib/services/retention";

// The rollups' backfill after an upgrade: a second of it per reconciler run until it is done.
let statsBackfilled = false;
/** A retention run's time budget: a job, not a long transaction, so any value is safe. */
const RETENTION_BUDGET_MS = 60_000;

export async function processMaintenance({
  task,
}: JobPayload<typeof QUEUES.maintenance>): Promise<void> {
  if (task === "reconcile") {
    const report = await reconcile();
    await checkBacklogAlerts();
    if (!statsBackfilled) statsBackfilled = await backfillEndpointStats({ budgetMs: 1000 });
    if (Object.values(report).some((count) => count > 0))
      logger.info({ report }, "reconciler re-enqueued work from Postgres");
    return;
  }
  const report = await pruneOldRecords(new Date(), { budgetMs: RETENTION_BUDGET_MS });
  logger.info({ report }, "retention pruned old records");
  // Out of time with old rows left: the next run right after, so no backlog builds up.
  if (!report.done)
    await enqueue(QUEUES.maintenance, [
      { jobId: retentionMoreJobId(Date.now()), data: { task: "retention" }, delayMs: 1000 },
    ]);
}
