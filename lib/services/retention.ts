import { db } from "../db";
import { env } from "../env";

// Pruning by HERALD_RETENTION_DAYS in small batches, each its own short statement, so delivery
// never waits on a long lock. Deliveries still in flight are never pruned.

const BATCH = 1000;
const MAX_BATCHES_PER_RUN = 500;

export type RetentionReport = {
  attempts: number;
  deliveries: number;
  events: number;
  batches: number;
};

export async function pruneOldRecords(now = new Date()): Promise<RetentionReport> {
  const cutoff = new Date(now.getTime() - env.HERALD_RETENTION_DAYS * 86_400_000);
  const report: RetentionReport = { attempts: 0, deliveries: 0, events: 0, batches: 0 };
  const steps: [keyof RetentionReport, () => Promise<number>][] = [
    // Attempts of a delivery still being retried stay: its history is what an operator reads.
    [
      "attempts",
      () => db.$executeRaw`DELETE FROM attempts WHERE id IN (
        SELECT a.id FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
        WHERE a.started_at < ${cutoff} AND d.status IN ('succeeded', 'failed', 'cancelled') LIMIT ${BATCH})`,
    ],
    [
      "deliveries",
      () => db.$executeRaw`DELETE FROM deliveries WHERE id IN (
        SELECT id FROM deliveries WHERE created_at < ${cutoff} AND status IN ('succeeded', 'failed', 'cancelled') LIMIT ${BATCH})`,
    ],
    [
      "events",
      () => db.$executeRaw`DELETE FROM events WHERE seq IN (
        SELECT seq FROM events e WHERE received_at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM unrouted_events u WHERE u.app_id = e.app_id AND u.seq = e.seq)
          AND NOT EXISTS (SELECT 1 FROM batch_items b WHERE b.event_seq = e.seq) LIMIT ${BATCH})`,
    ],
  ];
  for (const [key, step] of steps) {
    for (;;) {
      if (report.batches >= MAX_BATCHES_PER_RUN) return report;
      const deleted = await step();
      report[key] += deleted;
      report.batches += 1;
      if (deleted < BATCH) break;
    }
  }
  return report;
}
