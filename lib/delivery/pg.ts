import pg from "pg";
import { env } from "../env";

// A small node-postgres pool for the hot paths (ingest's insert transaction; the deliver job's claim
// and record statements): plain parameterised SQL without Prisma's per-query compile and result
// mapping. Everything else goes through Prisma.

const globalForPg = globalThis as unknown as { heraldDeliveryPool?: pg.Pool };

const TIMESTAMP_OID = 1114;
const parseUtcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);

function pool(): pg.Pool {
  globalForPg.heraldDeliveryPool ??= new pg.Pool({
    connectionString: env.DATABASE_URL,
    max: Math.max(2, Math.ceil(env.DATABASE_POOL_SIZE / 2)),
    // Columns are `timestamp` holding UTC (Prisma's convention): read and write them as UTC
    // whatever the server's or this process's time zone.
    options: "-c TimeZone=UTC",
    types: { getTypeParser: ((oid: number, format?: string) => (oid === TIMESTAMP_OID ? parseUtcTimestamp : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser },
  });
  return globalForPg.heraldDeliveryPool;
}

export async function hotQuery<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
  const result = await pool().query<Row>(text, values);
  return result.rows;
}

export type HotClient = pg.PoolClient;

/** BEGIN ... COMMIT on one pooled connection; ROLLBACK (or a dropped connection) on any error. */
export async function hotTransaction<T>(work: (client: HotClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

export async function closeHotPool(): Promise<void> {
  const current = globalForPg.heraldDeliveryPool;
  globalForPg.heraldDeliveryPool = undefined;
  await current?.end().catch(() => undefined);
}
