import { db } from "../db";
import { notFound } from "../errors";
import type { Principal } from "../auth/types";
import type { BackgroundJob } from "../generated/prisma/client";
import { isUuid } from "./deliveries";

// Background jobs (recover, import) as the API shows them, with progress for the dashboard.

/**
 * How the deliveries a Recover job re-queued ended: its own "succeeded" only means they were
 * re-queued. Null for other jobs. A delivery re-queued again by a later job counts there.
 */
async function recoveryOutcome(job: BackgroundJob) {
  if (job.type !== "recover") return null;
  const groups = await db.delivery.groupBy({
    by: ["status"],
    where: { recoveryJobId: job.id },
    _count: { _all: true },
  });
  const outcome = { succeeded: 0, failed: 0, pending: 0 };
  for (const group of groups) {
    const count = group._count._all;
    if (group.status === "succeeded") outcome.succeeded += count;
    else if (group.status === "failed" || group.status === "cancelled") outcome.failed += count;
    else outcome.pending += count;
  }
  return outcome;
}

function presentBackgroundJob(
  job: BackgroundJob,
  outcome: Awaited<ReturnType<typeof recoveryOutcome>>,
) {
  const progress =
    job.status === "succeeded" ? 1 : job.total > 0 ? Math.min(1, job.processed / job.total) : 0;
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    appId: job.appId,
    params: job.params,
    total: job.total,
    processed: job.processed,
    progress,
    result: job.result ?? null,
    outcome,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/**
 * A token limited to one app sees only that app's jobs; others' jobs are 404 so ids leak nothing.
 */
export async function getBackgroundJob(principal: Principal, jobId: string) {
  if (!isUuid(jobId)) throw notFound("Job", jobId);
  const job = await db.backgroundJob.findUnique({ where: { id: jobId } });
  if (!job || (principal.appId && job.appId !== principal.appId)) throw notFound("Job", jobId);
  return presentBackgroundJob(job, await recoveryOutcome(job));
}
