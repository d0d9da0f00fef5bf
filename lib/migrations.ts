import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// Applies prisma/migrations/*/migration.sql in order and records them in Prisma's own
// _prisma_migrations table, so `prisma migrate deploy` remains a drop-in where its engine exists.

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
const LOCK_ID = 7_341_512; // pg_advisory_xact_lock key: one migrator at a time

/** The database `databaseUrl` names, and a connection to the server's `postgres` database. */
async function connectToServer(databaseUrl: string): Promise<{ name: string; admin: pg.Client }> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error("DATABASE_URL names no database");
  url.pathname = "/postgres";
  return { name, admin: await connect(url.toString()) };
}

async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { name, admin } = await connectToServer(databaseUrl);
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return false;
    await admin
      .query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`)
      .catch((error: { code?: string }) => {
        // Created concurrently: "already exists", or the catalog's unique index when both
        // CREATE DATABASE statements ran at once.
        if (error.code !== "42P04" && error.code !== "23505") throw error;
      });
    return true;
  } finally {
    await admin.end();
  }
}

const APPLIED = `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

const LOCK_RETRY_MS = 50;
const MIGRATOR_LOCK = { sql: "SELECT pg_try_advisory_xact_lock($1) AS locked", values: [LOCK_ID] };

/**
 * BEGIN, the migrator's lock, `work`, COMMIT. The lock is transaction-scoped (a session lock
 * through PgBouncer in transaction mode would stay on whichever server connection took it). A
 * migrator that finds it taken ends its transaction and tries again shortly, rather than waiting
 * inside one: CREATE INDEX CONCURRENTLY, run by the lock's holder, waits for every transaction
 * holding an older snapshot, which a blocked lock request does.
 */
async function lockedTransaction<T>(
  client: pg.Client,
  work: () => Promise<T>,
  lock: { sql: string; values: unknown[] } = MIGRATOR_LOCK,
): Promise<T> {
  for (;;) {
    await client.query("BEGIN");
    const { rows } = await client
      .query<{ locked: boolean }>(lock.sql, lock.values)
      .catch(async (error: Error) => {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      });
    if (rows[0]?.locked) break;
    await client.query("ROLLBACK");
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/**
 * `work` while this database's no-transaction migrator lock is held. The lock's transaction is on
 * the server's `postgres` database (where the database is created from, too): an idle transaction
 * on the migrated database would keep a snapshot that CREATE INDEX CONCURRENTLY waits for, so the
 * build would wait for its own lock. Advisory locks are per database; the key names the database.
 */
async function lockedElsewhere<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const { name, admin } = await connectToServer(databaseUrl);
  try {
    return await lockedTransaction(admin, work, {
      sql: "SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS locked",
      values: [LOCK_ID, name],
    });
  } finally {
    await admin.end();
  }
}

/**
 * A migration whose first line is this runs outside a transaction: one `CREATE INDEX CONCURRENTLY
 * IF NOT EXISTS` or `DROP INDEX CONCURRENTLY IF EXISTS` statement, so an index is built or dropped
 * on a live table without blocking its writes (a plain CREATE INDEX holds off every insert for the
 * whole build). One statement per file.
 */
const NO_TRANSACTION = "-- herald:no-transaction";

/** The index a CREATE INDEX CONCURRENTLY IF NOT EXISTS builds, or null. */
function indexBuiltConcurrently(sql: string): string | null {
  return (
    /CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+"?([A-Za-z0-9_]+)"?/i.exec(
      sql,
    )?.[1] ?? null
  );
}

/**
 * Runs a no-transaction migration on `client`, outside any transaction. A build that failed or was
 * killed leaves its index behind marked invalid (still written to, never read), which IF NOT
 * EXISTS would then take for done: such a leftover is dropped first. Callers hold the migrator's
 * lock on another connection, so no other migrator is building it meanwhile.
 */
export async function applyWithoutTransaction(client: pg.Client, sql: string): Promise<void> {
  const index = indexBuiltConcurrently(sql);
  if (index) {
    const { rowCount } = await client.query(
      "SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND NOT indisvalid",
      [`"${index}"`],
    );
    if (rowCount) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS "${index}"`);
  }
  await client.query(sql);
}

/** The migrations this code knows (and needs), in the order they apply. */
export async function knownMigrations(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  return client;
}

async function applyMigrations(databaseUrl: string, before?: string): Promise<string[]> {
  const client = await connect(databaseUrl);
  try {
    const applied = await lockedTransaction(client, async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const { rows } = await client.query<{ migration_name: string; checksum: string }>(APPLIED);
      return new Map(rows.map((row) => [row.migration_name, row.checksum]));
    });
    const names = (await knownMigrations()).filter((name) => !before || name < before);
    const newlyApplied: string[] = [];
    for (const name of names) {
      const sql = await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = applied.get(name);
      if (previous) {
        if (previous !== checksum)
          throw new Error(`Migration ${name} was changed after it was applied`);
        continue;
      }
      const outside = sql.startsWith(NO_TRANSACTION);
      const apply = async () => {
        // Another migrator may have applied it while this one waited for the lock.
        const { rowCount } = await client.query(
          `SELECT 1 FROM (${APPLIED}) AS applied WHERE migration_name = $1`,
          [name],
        );
        if (rowCount) return false;
        await (outside ? applyWithoutTransaction(client, sql) : client.query(sql)).catch(
          (error: Error) => {
            throw new Error(`Migration ${name} failed: ${error.message}`);
          },
        );
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        return true;
      };
      const appliedNow = outside
        ? await lockedElsewhere(databaseUrl, apply)
        : await lockedTransaction(client, apply);
      if (appliedNow) newlyApplied.push(name);
    }
    return newlyApplied;
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if needed and applies the migrations it lacks; with `before`, only those
 * named before it (a test upgrading an install that holds data).
 */
export async function prepareDatabase(
  databaseUrl: string,
  options: { before?: string } = {},
): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(databaseUrl);
  const applied = await applyMigrations(databaseUrl, options.before);
  return { created, applied };
}
