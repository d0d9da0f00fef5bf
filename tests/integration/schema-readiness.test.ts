import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { knownMigrations, prepareDatabase } from "@/lib/migrations";
import { SchemaTooNewError, waitForSchema } from "@/lib/schema-readiness";
import { eventually } from "../helpers/receiver";
import { testEnv } from "../helpers/test-env";
import { startWorkerProcess, uniquePrefix } from "../helpers/worker-process";

// A worker (or web process) started with the one that migrates, on a fresh database, waits for
// the schema instead of crashing on a missing table, and refuses a schema newer than it knows.

const created: string[] = [];

/** A URL for a database of our own on the test server; it does not exist yet. */
function freshDatabaseUrl(): string {
  const url = new URL(testEnv.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_schema_${randomBytes(4).toString("hex")}`;
  created.push(name);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(sql: string): Promise<void> {
  const url = new URL(testEnv.DATABASE_URL!);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function onDatabase(databaseUrl: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql, values);
  } finally {
    await client.end();
  }
}

const addUnknownMigration = (databaseUrl: string) =>
  onDatabase(
    databaseUrl,
    `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
     VALUES ($1, 'x', now(), '29991231000000_from_the_future', 1)`,
    [randomBytes(16).toString("hex").slice(0, 36)],
  );

afterAll(async () => {
  for (const name of created) await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe("waiting for the database schema", () => {
  it("waits through a missing database and a missing schema, saying each once, then resolves", async () => {
    const databaseUrl = freshDatabaseUrl();
    const said: string[] = [];
    let done = false;
    const waiting = waitForSchema(databaseUrl, { pollMs: 50, log: (line) => said.push(line) }).then(
      () => (done = true),
    );
    await eventually(() => said.length === 1, { what: "the first log line" });
    expect(said[0]).toMatch(/^waiting for the database to be created/);

    await onServer(`CREATE DATABASE "${created.at(-1)}"`);
    await eventually(() => said.length === 2, { what: "the second log line" });
    expect(said[1]).toMatch(/^waiting for the database schema: no migration has been applied yet/);
    // Many looks later, still one line per state.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(said).toHaveLength(2);
    expect(done).toBe(false);

    await prepareDatabase(databaseUrl);
    await waiting;
    expect(said.at(-1)).toBe("database schema is ready");
  });

  it("names the migrations it still waits for", async () => {
    const databaseUrl = freshDatabaseUrl();
    await prepareDatabase(databaseUrl);
    const [first, ...rest] = await knownMigrations();
    await onDatabase(databaseUrl, `DELETE FROM "_prisma_migrations" WHERE migration_name <> $1`, [
      first,
    ]);
    const said: string[] = [];
    const waiting = waitForSchema(databaseUrl, { pollMs: 50, log: (line) => said.push(line) });
    await eventually(() => said.length === 1, { what: "a log line" });
    expect(said[0]).toBe(
      `waiting for migration ${rest.join(", ")} (npm start, npm run web or npm run db:migrate apply them)`,
    );
    await onDatabase(databaseUrl, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
    await prepareDatabase(databaseUrl);
    await waiting;
  });

  it("refuses a schema newer than the code, naming the migration it does not know", async () => {
    const databaseUrl = freshDatabaseUrl();
    await prepareDatabase(databaseUrl);
    await addUnknownMigration(databaseUrl);
    const refused = waitForSchema(databaseUrl, { pollMs: 50, log: () => undefined });
    await expect(refused).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(refused).rejects.toThrow(
      /newer than this version of Herald: migration 29991231000000_from_the_future is applied but unknown/,
    );
  });

  it("starts a worker on a database not migrated yet once it is, and stops one on a newer schema", async () => {
    const databaseUrl = freshDatabaseUrl();
    await onServer(`CREATE DATABASE "${created.at(-1)}"`);
    const worker = await startWorkerProcess(
      uniquePrefix("schema-wait"),
      { DATABASE_URL: databaseUrl },
      { readyWhen: "waiting for the database schema" },
    );
    try {
      await prepareDatabase(databaseUrl);
      await eventually(() => worker.output().includes("worker ready"), {
        timeoutMs: 30_000,
        what: "the worker to start",
      });
      expect(worker.output().match(/waiting for the database schema/g)).toHaveLength(1);
      expect(worker.output()).not.toMatch(/does not exist/);
    } finally {
      expect(await worker.terminate()).toBe(0);
    }

    await addUnknownMigration(databaseUrl);
    await expect(
      startWorkerProcess(uniquePrefix("schema-new"), { DATABASE_URL: databaseUrl }),
    ).rejects.toThrow(/exited with 1[\s\S]*migration 29991231000000_from_the_future is applied/);
  });
});
