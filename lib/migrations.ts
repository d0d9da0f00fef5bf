import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// Applies prisma/migrations/*/migration.sql in order and records them in Prisma's own
// _prisma_migrations table, so `prisma migrate deploy` remains a drop-in where its engine exists.

const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
const LOCK_ID = 7_341_512; // pg_advisory_xact_lock key: one migrator at a time

async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error("DATABASE_URL names no database");
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
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

/**
 * BEGIN, the migrator's lock, `work`, COMMIT. The lock is transaction-scoped (a session lock
 * through PgBouncer in transaction mode would stay on whichever server connection took it).
 */
async function lockedTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_ID]);
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** The migrations this code knows (and needs), in the order they apply. */
export async function knownMigrations(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function applyMigrations(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
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
    const names = await knownMigrations();
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
      const appliedNow = await lockedTransaction(client, async () => {
        // Another migrator may have applied it while this one waited for the lock.
        const { rowCount } = await client.query(
          `SELECT 1 FROM (${APPLIED}) AS applied WHERE migration_name = $1`,
          [name],
        );
        if (rowCount) return false;
        await client.query(sql).catch((error: Error) => {
          throw new Error(`Migration ${name} failed: ${error.message}`);
        });
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        return true;
      });
      if (appliedNow) newlyApplied.push(name);
    }
    return newlyApplied;
  } finally {
    await client.end();
  }
}

export async function prepareDatabase(
  databaseUrl: string,
): Promise<{ created: boolean; applied: string[] }> {
  const created = await ensureDatabase(databaseUrl);
  const applied = await applyMigrations(databaseUrl);
  return { created, applied };
}
