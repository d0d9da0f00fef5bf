import pg from "pg";
import { prepareDatabase } from "../../lib/migrations";
import { TEST_WORKERS, workerDatabaseUrl } from "./test-env";

/**
 * Migrates `databaseUrl`, then gives each vitest worker a fresh copy of it (CREATE DATABASE …
 * TEMPLATE: a file copy, far faster than migrating each). Copies of an earlier run are dropped
 * first, with whatever a killed run left connected to them.
 */
export async function prepareWorkerDatabases(databaseUrl: string): Promise<void> {
  await prepareDatabase(databaseUrl);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  const quoted = (url: string) =>
    `"${decodeURIComponent(new URL(url).pathname.slice(1)).replaceAll('"', '""')}"`;
  try {
    for (let id = 1; id <= TEST_WORKERS; id++) {
      const copy = quoted(workerDatabaseUrl(databaseUrl, String(id)));
      await admin.query(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${quoted(databaseUrl)}`);
    }
  } finally {
    await admin.end();
  }
}
