import { db } from "../db";
import { Prisma } from "../generated/prisma/client";
import { env } from "../env";
import { uuidAtTime } from "../util";
import { dropExpiredLogPartitions, ensureLogPartitions } from "./partitions";

// Pruning by HERALD_RETENTION_DAYS. First, each day of the delivery log wholly past the cutoff
// with nothing unfinished in it is dropped as a partition, whatever it holds
// (lib/services/partitions.ts). The rows left go oldest first in batches, each its own short
// statement, so delivery never waits on a long lock; deliveries still in flight are never pruned.
// A run goes on until nothing older than the cutoff is left or its time budget is spent; then it
// says so and the worker queues the next run at once, so it keeps up at any volume.

/** Rows per batch: 10,000 events are deleted in about 30 ms (bench/RESULTS.md, 2026-12-08). */
const BATCH = 10_000;
/** Minute rollups serve windows drawn in buckets under an hour (at most 15 hours long). */
export const MINUTE_ROLLUP_DAYS = 2;
/** A subscription_count window that ended is the same as none (docs/presence.md). */
const WINDOW_KEPT_MS = 3600_000;
/** Below every key a batch starts after: no row is made in 1970, no UUID v7 is all zeros. */
const OLDEST_TIME = new Date(0);
const LOWEST_UUID = "00000000-0000-0000-0000-000000000000";

export type RetentionReport = {
  /** Days of the delivery log dropped whole (their deliveries are counted in `deliveries`). */
  partitions: number;
  deliveries: number;
  events: number;
  /** Rows of the endpoint stats: minute and hourly rollups, failed attempts. */
  rollups: number;
  countWindows: number;
  batches: number;
  /** Deliveries made before this are gone: the cutoff, or the start of its day (partitions). */
  logCutoff: string;
  /** False when the time budget ran out first: run again. */
  done: boolean;
};

type Counted = "deliveries" | "events" | "rollups" | "countWindows";
type Batch = { deleted: number; more: boolean };

/**
 * Batches walking an index in key order. Each batch's end is the key of the batch-th row after
 * the previous end (read from the index alone), and one plain DELETE takes the rows between the
 * two, skipping those that must stay. Every row with the end's key goes in that batch (for the
 * hourly rollups, a whole hour). Within a run, rows that stay are read once, and no batch joins
 * the table to a list of its own keys, which made each row cost three times as much.
 */
function inKeyOrder<K>(
  first: K,
  nextEnd: (after: K) => Promise<K | undefined>,
  remove: (after: K, end: K | undefined) => Promise<number>,
): () => Promise<Batch> {
  let after = first;
  return async () => {
    const end = await nextEnd(after);
    const deleted = await remove(after, end);
    if (end !== undefined) after = end;
    return { deleted, more: end !== undefined };
  };
}

const firstValue = <K>(rows: { key: K }[]) => rows[0]?.key;

export async function pruneOldRecords(
  now = new Date(),
  options: { budgetMs?: number; batchSize?: number } = {},
): Promise<RetentionReport> {
  const deadline = Date.now() + (options.budgetMs ?? 60_000);
  const skip = (options.batchSize ?? BATCH) - 1;
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
  const deliveryCutoff = uuidAtTime(dropped.rowCutoff);
  const apps = await db.app.findMany({ select: { id: true } });

  /** Every row of `table` whose `column` (a time, indexed) is before `before`: none must stay. */
  const olderThan = (table: string, column: string, before: Date) => {
    const [from, key] = [Prisma.raw(table), Prisma.raw(column)];
    return inKeyOrder(
      OLDEST_TIME,
      async (after) =>
        firstValue(
          await db.$queryRaw<{ key: Date }[]>`
            SELECT ${key} AS key FROM ${from} WHERE ${key} > ${after} AND ${key} < ${before}
            ORDER BY ${key} OFFSET ${skip} LIMIT 1`,
        ),
      (after, end) => db.$executeRaw`
        DELETE FROM ${from} WHERE ${key} > ${after} AND ${key} <= ${end ?? before} AND ${key} < ${before}`,
    );
  };

  const steps: [Counted, () => Promise<Batch>][] = [
    // On the primary key: delivery ids are UUID v7, so ids under the cutoff's are the deliveries
    // made before it. The trigger on deliveries deletes their attempts.
    [
      "deliveries",
      inKeyOrder(
        LOWEST_UUID,
        async (after) =>
          firstValue(
            await db.$queryRaw<{ key: string }[]>`
              SELECT id::text AS key FROM deliveries WHERE id > ${after}::uuid AND id < ${deliveryCutoff}::uuid
              ORDER BY id OFFSET ${skip} LIMIT 1`,
          ),
        (after, end) => db.$executeRaw`
          DELETE FROM deliveries WHERE id > ${after}::uuid AND id <= ${end ?? deliveryCutoff}::uuid
            AND id < ${deliveryCutoff}::uuid AND status IN ('succeeded', 'failed', 'cancelled')`,
      ),
    ],
    // Per app on events' (app_id, received_at) index, keeping events still to be routed, waiting
    // in a batch window or held back.
    ...apps.map(({ id: appId }): [Counted, () => Promise<Batch>] => [
      "events",
      inKeyOrder(
        OLDEST_TIME,
        async (after) =>
          firstValue(
            await db.$queryRaw<{ key: Date }[]>`
                SELECT received_at AS key FROM events WHERE app_id = ${appId} AND received_at > ${after} AND received_at < ${cutoff}
                ORDER BY received_at OFFSET ${skip} LIMIT 1`,
          ),
        (after, end) => db.$executeRaw`
            DELETE FROM events e WHERE e.app_id = ${appId} AND e.received_at > ${after}
              AND e.received_at <= ${end ?? cutoff} AND e.received_at < ${cutoff}
              AND NOT EXISTS (SELECT 1 FROM unrouted_events u WHERE u.app_id = e.app_id AND u.seq = e.seq)
              AND NOT EXISTS (SELECT 1 FROM batch_items b WHERE b.event_seq = e.seq)
              AND NOT EXISTS (SELECT 1 FROM held_events h WHERE h.app_id = e.app_id AND h.seq = e.seq)`,
      ),
    ]),
    // Rollup rows are never written once their hour or minute has passed: nothing waits on them.
    // The stats' failed attempts go with the hourly rollups.
    ["rollups", olderThan("endpoint_stats_hours", "hour", cutoff)],
    ["rollups", olderThan("endpoint_failed_attempts", "started_at", cutoff)],
    ["rollups", olderThan("endpoint_stats_minutes", "minute", minuteCutoff)],
    [
      "countWindows",
      async () => {
        const deleted = await db.$executeRaw`
          DELETE FROM subscription_count_windows WHERE (app_id, channel) IN (
            SELECT app_id, channel FROM subscription_count_windows WHERE window_until < ${windowCutoff} LIMIT ${skip + 1})`;
        return { deleted, more: deleted > skip };
      },
    ],
  ];
  for (const [key, step] of steps) {
    for (;;) {
      const { deleted, more } = await step();
      report[key] += deleted;
      report.batches += 1;
      if (!more) break;
      // Only after a batch that deleted rows: a run starts its walks from the oldest key again,
      // so one that stopped among rows that stay would never get past them.
      if (deleted > 0 && Date.now() >= deadline) return report;
    }
  }
  report.done = true;
  return report;
}
