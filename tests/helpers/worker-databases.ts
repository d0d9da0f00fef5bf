import pg from "pg";
import { prepareDatabase } from "../../lib/migrations";
import { TEST_WORKERS, workerDatabaseUrl } from "./test-env";

const quoted = (url: string) =>
  `"${decodeURIComponent(new URL(url).pathname.slice(1)).replaceAll('"', '""')}"`;

/** Runs `work` on a client of `databaseUrl`, closed afterwards whatever happens. */
export async function withClient<T>(
  databaseUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs `work` on a client of the same server's `postgres` database (for CREATE/DROP DATABASE). */
export function onServer<T>(
  databaseUrl: string,
  work: (admin: pg.Client) => Promise<T>,
): Promise<T> {
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = "/postgres";
  return withClient(maintenance.toString(), work);
}

/**
 * Migrates `databaseUrl`, then gives each vitest worker a fresh copy of it (CREATE DATABASE …
 * TEMPLATE: a file copy, far faster than migrating each). Copies of an earlier run are dropped
 * first, with whatever a killed run left connected to them.
 */
export async function prepareWorkerDatabases(databaseUrl: string): Promise<void> {
  await prepareDatabase(databaseUrl);
  await onServer(databaseUrl, async (admin) => {
    for (let id = 1; id <= TEST_WORKERS; id++) {
      const copy = quoted(workerDatabaseUrl(databaseUrl, String(id)));
      await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${quoted(databaseUrl)}`);
    }
  });
}

/** Drops `databaseUrl`'s database (whatever is still connected to it) and migrates a new one. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  await onServer(databaseUrl, (admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${quoted(databaseUrl)} WITH (FORCE)`),
  );
  await prepareDatabase(databaseUrl);
}
