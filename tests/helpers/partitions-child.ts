import {
  dropExpiredLogPartitions,
  ensureLogPartitions,
  logPartitions,
} from "@/lib/services/partitions";
import { pruneOldRecords } from "@/lib/services/retention";

// Run by tests/integration/log-partitions.test.ts in a child process whose DATABASE_URL names a
// database of the test's own (the partition DDL and far-dated retention runs there would reach
// every row of a shared one): runs each step of argv[2] (JSON) in order and prints the results.

type Step =
  | { op: "ensure"; now: string; from?: string; daysAhead?: number }
  | { op: "drop"; cutoff: string }
  | { op: "prune"; now: string }
  | { op: "list" };

const results: unknown[] = [];
for (const step of JSON.parse(process.argv[2] ?? "[]") as Step[]) {
  if (step.op === "ensure")
    results.push(
      await ensureLogPartitions(new Date(step.now), {
        from: step.from ? new Date(step.from) : undefined,
        daysAhead: step.daysAhead,
      }),
    );
  else if (step.op === "drop") results.push(await dropExpiredLogPartitions(new Date(step.cutoff)));
  else if (step.op === "prune") results.push(await pruneOldRecords(new Date(step.now)));
  else results.push((await logPartitions()).map((partition) => partition.name));
}
process.stdout.write(`\nRESULT ${JSON.stringify(results)}\n`);
process.exit(0);
