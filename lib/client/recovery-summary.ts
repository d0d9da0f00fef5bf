import type { BackgroundJob } from "./types";

export type RecoveryPhase = "requeueing" | "delivering" | "settled" | "failed";

/**
 * What a Recover job has done, in words: the job itself only re-queues, so "succeeded" would say
 * nothing of whether the deliveries did. The outcome counts come from the deliveries themselves.
 */
export function recoverySummary(
  job: Pick<BackgroundJob, "status" | "processed" | "total" | "outcome">,
) {
  const plural = (count: number) => `${count} ${count === 1 ? "delivery" : "deliveries"}`;
  if (job.status === "failed") return { phase: "failed" as RecoveryPhase, lines: [] };
  if (job.status !== "succeeded")
    return {
      phase: "requeueing" as RecoveryPhase,
      lines: [`Re-queueing: ${job.processed} of ${plural(job.total)}`],
    };
  const outcome = job.outcome ?? { succeeded: 0, failed: 0, pending: 0 };
  const lines = [`Re-queued ${plural(job.processed)}`];
  if (job.processed > 0)
    lines.push(
      `${outcome.succeeded} succeeded · ${outcome.failed} failed · ${outcome.pending} still pending`,
    );
  return {
    phase: (outcome.pending > 0 ? "delivering" : "settled") as RecoveryPhase,
    lines,
  };
}

/** Polls while the job runs, then while its deliveries are still pending. */
export const recoveryStillMoving = (job: BackgroundJob | undefined) =>
  !job ||
  job.status === "queued" ||
  job.status === "running" ||
  (job.status === "succeeded" && (job.outcome?.pending ?? 0) > 0);
