import { db } from "../db";
import { logger } from "../logger";
import { uuidAtTime } from "../util";

// The delivery log's daily partitions (docs/engine.md#partitions). Deliveries are partitioned by
// range of id, attempts by range of delivery_id, on the same bounds (the UUID v7 of each UTC
// midnight), so a day's attempts live beside its deliveries and retention drops both at once.
// The worker makes them ahead; a DEFAULT partition of each takes any row outside them.

const DAY_MS = 86_400_000;
/** Days made ahead of today: a worker down for less than this finds tomorrow's there. */
const PARTITION_DAYS_AHEAD = 7;
/** How long partition DDL waits for its lock: every read and write of the log queues behind it. */
const LOCK_TIMEOUT = "1s";
/** pg_advisory_xact_lock key: one worker at a time changes the partitions. */
const LOCK_KEY = 7_341_513;
const UNFINISHED = "status NOT IN ('succeeded', 'failed', 'cancelled')";

export type LogPartition = {
  /** The deliveries partition; its attempts partition has the same name after `attempts_`. */
  name: string;
  suffix: string;
  /** Null for the legacy partition, which starts at MINVALUE. */
  fromMs: number | null;
  toMs: number;
};

const startOfUtcDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const uuidMs = (uuid: string) => parseInt(uuid.replaceAll("-", "").slice(0, 12), 16);

/**
 * The day starting at `dayMs` (a UTC midnight): its partitions' name suffix and the statements
 * that make them. Names and bounds come from the date, never from input.
 */
export function dayPartition(dayMs: number): { suffix: string; statements: string[] } {
  const suffix = `p${new Date(dayMs).toISOString().slice(0, 10).replaceAll("-", "")}`;
  const bounds = `FOR VALUES FROM ('${uuidAtTime(new Date(dayMs))}') TO ('${uuidAtTime(new Date(dayMs + DAY_MS))}')`;
  return {
    suffix,
    statements: [
      `CREATE TABLE "deliveries_${suffix}" PARTITION OF deliveries ${bounds}`,
      `CREATE TABLE "attempts_${suffix}" PARTITION OF attempts ${bounds}`,
    ],
  };
}

/** The range partitions of deliveries (not the default one), oldest first. */
export async function logPartitions(): Promise<LogPartition[]> {
  const rows = await db.$queryRaw<{ name: string; bound: string }[]>`
    SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'deliveries'::regclass`;
  const partitions: LogPartition[] = [];
  for (const { name, bound } of rows) {
    const range = /FROM \((?:'([0-9a-f-]{36})'|MINVALUE)\) TO \('([0-9a-f-]{36})'\)/.exec(bound);
    if (!range) continue; // DEFAULT
    partitions.push({
      name,
      suffix: name.slice("deliveries_".length),
      fromMs: range[1] ? uuidMs(range[1]) : null,
      toMs: uuidMs(range[2]!),
    });
  }
  return partitions.sort((a, b) => a.toMs - b.toMs);
}

/**
 * Makes the partitions of each day from today (or `from`) to `daysAhead` days after `now` that no
 * partition covers yet. A day whose rows already went to the DEFAULT partition cannot get its own
 * (Postgres refuses) and is left there: retention prunes it row by row. Returns the days made.
 */
export async function ensureLogPartitions(
  now = new Date(),
  options: { from?: Date; daysAhead?: number } = {},
): Promise<string[]> {
  const existing = await logPartitions();
  const last = startOfUtcDay(now.getTime()) + (options.daysAhead ?? PARTITION_DAYS_AHEAD) * DAY_MS;
  const made: string[] = [];
  for (let day = startOfUtcDay((options.from ?? now).getTime()); day <= last; day += DAY_MS) {
    const covered = existing.some(
      (partition) => (partition.fromMs ?? -Infinity) < day + DAY_MS && partition.toMs > day,
    );
    if (covered) continue;
    const { suffix, statements } = dayPartition(day);
    try {
      const created = await db.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
          const [found] = await tx.$queryRaw<{ exists: boolean }[]>`
            SELECT to_regclass(${`deliveries_${suffix}`}) IS NOT NULL AS exists`;
          if (found?.exists) return false;
          for (const statement of statements) await tx.$executeRawUnsafe(statement);
          return true;
        },
        { timeout: 30_000 },
      );
      if (created) made.push(suffix);
    } catch (error) {
      // 23514: the DEFAULT partition holds rows of that day; 55P03: the lock was not granted in
      // time (the next run tries again, days ahead of need).
      logger.warn({ err: error, day: suffix }, "could not make the delivery log's partition");
    }
  }
  return made;
}

export type PartitionDropReport = {
  partitions: number;
  deliveries: number;
  attempts: number;
  /**
   * Where row-by-row retention of deliveries stops: `cutoff`, or the start of its day when a day
   * partition holds it. That day goes whole once all of it is past the cutoff, so a delivery is
   * kept for the retention period and at most a day more, and no run deletes a day row by row.
   */
  rowCutoff: Date;
};

/**
 * Drops each day (deliveries and attempts partitions) whose whole range is older than `cutoff`
 * and which holds no unfinished delivery: one statement per table, whatever the day holds. A day
 * with an unfinished delivery stays; row-by-row retention prunes what has finished in it.
 */
export async function dropExpiredLogPartitions(cutoff: Date): Promise<PartitionDropReport> {
  const partitions = await logPartitions();
  const holdingCutoff = partitions.find(
    (partition) =>
      (partition.fromMs ?? -Infinity) <= cutoff.getTime() && partition.toMs > cutoff.getTime(),
  );
  const report: PartitionDropReport = {
    partitions: 0,
    deliveries: 0,
    attempts: 0,
    rowCutoff: new Date(holdingCutoff?.fromMs ?? cutoff.getTime()),
  };
  for (const partition of partitions) {
    if (partition.toMs > cutoff.getTime()) continue;
    const deliveries = `"deliveries_${partition.suffix}"`;
    const attempts = `"attempts_${partition.suffix}"`;
    try {
      const dropped = await db.$transaction(
        async (tx) => {
          await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEY})`;
          // Writes to the day wait from here, so nothing re-queues one of its deliveries after
          // the check.
          await tx.$executeRawUnsafe(`LOCK TABLE ${deliveries} IN EXCLUSIVE MODE`);
          const [counts] = await tx.$queryRawUnsafe<
            { unfinished: boolean; deliveries: bigint; attempts: bigint }[]
          >(
            `SELECT EXISTS (SELECT 1 FROM ${deliveries} WHERE ${UNFINISHED}) AS unfinished,
               (SELECT count(*) FROM ${deliveries}) AS deliveries, (SELECT count(*) FROM ${attempts}) AS attempts`,
          );
          if (counts!.unfinished) throw new KeepPartition();
          // No key points into the day (attempts have none: see the migration), so each
          // partition is dropped as it is, in one statement.
          await tx.$executeRawUnsafe(`DROP TABLE ${attempts}, ${deliveries}`);
          return counts!;
        },
        { timeout: 30_000 },
      );
      report.partitions += 1;
      report.deliveries += Number(dropped.deliveries);
      report.attempts += Number(dropped.attempts);
    } catch (error) {
      if (error instanceof KeepPartition) continue;
      logger.warn(
        { err: error, partition: partition.name },
        "could not drop the delivery log's expired partition",
      );
    }
  }
  return report;
}

/** Rolls the drop back: the day still holds an unfinished delivery. */
class KeepPartition extends Error {}
