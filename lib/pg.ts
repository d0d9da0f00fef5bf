import pg from "pg";
import { env } from "./env";
import { logger } from "./logger";
import { utcSessions } from "./db";

// A small node-postgres pool for the hot paths (ingest, routing and flushing, API-token look-ups,
// the deliver job's claim and record statements): plain parameterised SQL without Prisma's
// per-query compile and result mapping. Everything else goes through Prisma.

const globalForPg = globalThis as unknown as { heraldHotPool?: pg.Pool };

const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);

function pool(): pg.Pool {
  globalForPg.heraldHotPool ??= createPool();
  return globalForPg.heraldHotPool;
}

function createPool(): pg.Pool {
  const created = new pg.Pool({
    connectionString: env.DATABASE_URL,
    ...utcSessions,
    max: Math.max(2, Math.ceil(env.DATABASE_POOL_SIZE / 2)),
    // Columns are `timestamp` holding UTC (Prisma's convention): read and write them as UTC
    // whatever the server's or this process's time zone.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === TIMESTAMP_OID
          ? parseUtcTimestamp
          : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that Postgres drops (restart, failover, pg_terminate_backend, a proxy's
  // timeout) emits 'error' on the pool; unhandled, that event killed the process. The pool
  // replaces the connection on next use; queries in flight fail and are retried by their callers.
  created.on("error", (error) =>
    logger.warn({ err: error }, "an idle Postgres connection was lost; the pool reconnects"),
  );
  return created;
}

export async function hotQuery<Row extends pg.QueryResultRow>(
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const result = await pool().query<Row>(text, values);
  return result.rows;
}

export type HotClient = pg.PoolClient;

/**
 * For transactions that take the head of a queue table in index order (`ORDER BY seq LIMIT n FOR
 * UPDATE SKIP LOCKED`: routing, flushing). During a burst the planner's statistics still say the
 * queue is nearly empty, and it read the whole backlog with a bitmap scan and sorted it on every
 * page (40 ms a page at a 100k backlog, growing with it); with these off it walks the index and
 * stops at the limit. Sent with BEGIN in one round trip; they last until COMMIT. JIT goes off too:
 * a sort that cannot be avoided (the channel rows of ordered deliveries, written in order) gets
 * the disabled node's cost, which would make Postgres JIT-compile the statement (0.2 s a page).
 */
export const QUEUE_HEAD_PLAN =
  "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off; SET LOCAL jit = off";

/**
 * For reads whose estimated cost is high though they stop early or touch few rows (the events
 * list's rare-name page, estimated from a name's share across all apps): above jit_above_cost
 * Postgres JIT-compiles the statement, which took 110 ms of a 130 ms page.
 */
export const NO_JIT = "SET LOCAL jit = off";

/** BEGIN ... COMMIT on one pooled connection; ROLLBACK (or a dropped connection) on any error. */
export async function hotTransaction<T>(
  work: (client: HotClient) => Promise<T>,
  settings?: typeof QUEUE_HEAD_PLAN | typeof NO_JIT,
): Promise<T> {
  const client = await pool().connect();
  let broken: Error | undefined;
  // A checked-out client has no pool listener: a connection lost between two statements would
  // be an unhandled 'error'. The next statement fails and the transaction is abandoned.
  const lost = (error: Error) => (broken = error);
  client.on("error", lost);
  try {
    await client.query(settings ? `BEGIN; ${settings}` : "BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.removeListener("error", lost);
    client.release(broken);
  }
}

export async function closeHotPool(): Promise<void> {
  const current = globalForPg.heraldHotPool;
  globalForPg.heraldHotPool = undefined;
  await current?.end().catch(() => undefined);
}
