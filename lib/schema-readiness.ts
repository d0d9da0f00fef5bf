import pg from "pg";
import { logger } from "./logger";
import { knownMigrations } from "./migrations";

// A worker (or web process) started alongside the one that migrates, say by docker compose on a
// fresh database, must not run against a schema that is not there yet: it waits, saying once what
// for, and starts when the migrations it knows are applied. A schema newer than the code (a
// migration it does not know) stops it: it would read and write tables it does not understand.

const POLL_MS = 1000;

export class SchemaTooNewError extends Error {}

type SchemaState = { ready: true } | { ready: false; waitingFor: string };

/** What the database at `databaseUrl` lacks of the migrations this code knows, if anything. */
async function schemaState(databaseUrl: string, known: string[]): Promise<SchemaState> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ready: false,
      waitingFor:
        code === "3D000"
          ? "the database to be created (npm start, npm run web or npm run db:migrate create it)"
          : `Postgres to answer (${(error as Error).message})`,
    };
  }
  try {
    const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL`,
    );
    const unknown = rows.map((row) => row.migration_name).filter((name) => !known.includes(name));
    if (unknown.length)
      throw new SchemaTooNewError(
        `The database schema is newer than this version of Herald: migration ${unknown.join(", ")} is applied but unknown to it. Run the Herald version that applied it (upgrade this one); this process stops rather than use tables it does not know.`,
      );
    const applied = new Set(rows.filter((row) => row.finished).map((row) => row.migration_name));
    const missing = known.filter((name) => !applied.has(name));
    if (missing.length === 0) return { ready: true };
    return {
      ready: false,
      waitingFor: `migration ${missing.join(", ")} (npm start, npm run web or npm run db:migrate apply them)`,
    };
  } catch (error) {
    if ((error as { code?: string }).code !== "42P01") throw error;
    return {
      ready: false,
      waitingFor:
        "the database schema: no migration has been applied yet (npm start, npm run web or npm run db:migrate apply them)",
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves once every migration this code knows is applied; logs what it waits for when that
 * changes (once, not at every look). Throws SchemaTooNewError for a schema newer than the code.
 */
export async function waitForSchema(
  databaseUrl: string,
  options: { pollMs?: number; log?: (message: string) => void } = {},
): Promise<void> {
  const { pollMs = POLL_MS, log = (message: string) => logger.info(message) } = options;
  const known = await knownMigrations();
  let reported: string | null = null;
  for (;;) {
    const state = await schemaState(databaseUrl, known);
    if (state.ready) {
      if (reported) log("database schema is ready");
      return;
    }
    if (state.waitingFor !== reported) log(`waiting for ${state.waitingFor}`);
    reported = state.waitingFor;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** For a process's start: waits for the schema, or exits 1 with one line when it is too new. */
export async function waitForSchemaOrExit(databaseUrl: string): Promise<void> {
  try {
    await waitForSchema(databaseUrl);
  } catch (error) {
    if (!(error instanceof SchemaTooNewError)) throw error;
    logger.fatal(error.message);
    process.exit(1);
  }
}
