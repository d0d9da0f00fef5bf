import { db } from "../db";
import { env } from "../env";
import { uuidAtTime } from "../util";
import { dropExpiredLogPartitions, ensureLogPartitions } from "./partitions";

// Pruning by HERALD_RETENTION_DAYS in small batches, each its own short statement, so delivery
// never waits on a long lock. Deliveries still in flight are never pruned. First, each day of the
// log wholly past the cutoff with nothing unfinished in it is dropped as a partition, whatever it
// holds (lib/services/partitions.ts); the rows left go in batches. A run goes on until
// nothing older than the cutoff is left or its time budget is spent; then it says so and the
// worker queues the next run at once, so it keeps up at any volume.

const BATCH = 1000;
/** Minute rollups serve windows drawn in buckets under an hour (at most 15 hours long). */
const MINUTE_ROLLUP_DAYS = 2;
/** A subscription_count window that ended is the same as none (docs/presence.md). */
const WINDOW_KEPT_MS = 3600_000;

export type RetentionReport = {
  /** Days of the delivery log dropped whole (their deliveries are counted in `deliveries`). */
  partitions: number;
  deliveries: number;
  events: number;
  rollups: number;
  countWindows: number;
  batches: number;
  /** Deliveries made before this are gone: the cutoff, or the start of its day (partitions). */
  logCutoff: string;
  /** False when the time budget ran out first: run again. */
  done: boolean;
};

export async function pruneOldRecords(
  now = new Date(),
  options: { budgetMs?: number } = {},
): Promise<RetentionReport> {
  const deadline = Date.now() + (options.budgetMs ?? 60_000);
  const cutoff = new Date(now.getTime() - env.HERALD_RETENTION_DAYS * 86_400_000);
  const minuteCutoff = new Date(now.getTime() - MINUTE_ROLLUP_DAYS * 86_400_000);
  const windowCutoff = new Date(now.getTime() - WINDOW_KEPT_MS);
  const report: RetentionReport = {
    partitions: 0,
    deliveries: 0,
    events: 0,
    rollups: 0,
    countWindows: 0,
    batches: 0,
    logCutoff: cutoff.toISOString(),
    done: false,
  };
  const dropped = await dropExpiredLogPartitions(cutoff);
  report.partitions = dropped.partitions;
  report.deliveries = dropped.deliveries;
  report.logCutoff = dropped.rowCutoff.toISOString();
  // The days ahead made with each run too: retention runs daily, and at every worker start.
  await ensureLogPartitions(now);
  const apps = await db.app.findMany({ select: { id: true } });
  const steps: [keyof RetentionReport, () => Promise<number>][] = [
    // Oldest first on the primary key: delivery ids are UUID v7, so ids under the cutoff's are the
    // deliveries made before it. Their attempts go with them (ON DELETE CASCADE, found by attempts'
    // (delivery_id, number) index).
    [
      "deliveries",
      () => db.$executeRaw`DELETE FROM deliveries WHERE id IN (
        SELECT id FROM deliveries WHERE id < ${uuidAtTime(dropped.rowCutoff)}::uuid AND status IN ('succeeded', 'failed', 'cancelled') LIMIT ${BATCH})`,
    ],
    // Per app, oldest first on events' (app_id, received_at) index: the batch reads its own rows,
    // wherever the heap keeps them.
    ...apps.map(
      ({ id: appId }) =>
        [
          "events",
          () => db.$executeRaw`DELETE FROM events WHERE seq IN (
            SELECT seq FROM events e WHERE e.app_id = ${appId} AND e.received_at < ${cutoff}
              AND NOT EXISTS (SELECT 1 FROM unrouted_events u WHERE u.app_id = e.app_id AND u.seq = e.seq)
              AND NOT EXISTS (SELECT 1 FROM batch_items b WHERE b.event_seq = e.seq)
              AND NOT EXISTS (SELECT 1 FROM held_events h WHERE h.app_id = e.app_id AND h.seq = e.seq)
            ORDER BY e.received_at LIMIT ${BATCH})`,
        ] as [keyof RetentionReport, () => Promise<number>],
    ),
    [
      "rollups",
      () => db.$executeRaw`DELETE FROM endpoint_stats_hours WHERE (endpoint_id, hour, latency_bucket) IN (
        SELECT endpoint_id, hour, latency_bucket FROM endpoint_stats_hours WHERE hour < ${cutoff} LIMIT ${BATCH})`,
    ],
    [
      "rollups",
      () => db.$executeRaw`DELETE FROM endpoint_stats_minutes WHERE (endpoint_id, minute, latency_bucket) IN (
        SELECT endpoint_id, minute, latency_bucket FROM endpoint_stats_minutes WHERE minute < ${minuteCutoff} LIMIT ${BATCH})`,
    ],
    [
      "countWindows",
      () => db.$executeRaw`DELETE FROM subscription_count_windows WHERE (app_id, channel) IN (
        SELECT app_id, channel FROM subscription_count_windows WHERE window_until < ${windowCutoff} LIMIT ${BATCH})`,
    ],
  ];
  for (const [key, step] of steps) {
    for (;;) {
      const deleted = await step();
      (report[key] as number) += deleted;
      report.batches += 1;
      if (deleted < BATCH) break;
      // Only after a full batch: every run makes progress, and one with old rows left says so.
      if (Date.now() >= deadline) return report;
    }
  }
  report.done = true;
  return report;
}
