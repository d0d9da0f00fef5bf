import { db } from "../../lib/db";
import { env } from "../../lib/env";
import { pruneOldRecords } from "../../lib/services/retention";

// One retention run (the worker's daily job) in its own process with Herald's environment, at a
// chosen "now": a day after the pre-filled history ends, so it prunes that history's oldest day.

export type RetentionOptions = { nowMs: number };
export type RetentionResult = {
  cutoff: string;
  seconds: number;
  report: Awaited<ReturnType<typeof pruneOldRecords>>;
};

async function run(options: RetentionOptions): Promise<RetentionResult> {
  const cutoff = new Date(options.nowMs - env.HERALD_RETENTION_DAYS * 86_400_000);
  // The worker's connection is open and warm when its daily job runs: time the job, not the start.
  await db.$queryRaw`SELECT 1`;
  const started = performance.now();
  const report = await pruneOldRecords(new Date(options.nowMs));
  return { cutoff: cutoff.toISOString(), seconds: (performance.now() - started) / 1000, report };
}

process.once("message", (options: RetentionOptions) => {
  run(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.message }, () => process.exit(1)),
  );
});
