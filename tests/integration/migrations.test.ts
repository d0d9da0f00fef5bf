import { readdirSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyWithoutTransaction, prepareDatabase } from "@/lib/migrations";
import { uniqueId } from "../factories";
import { testEnv } from "../helpers/test-env";

// Creating and migrating a database, with several processes starting at once (say, web and worker
// containers). In the PgBouncer pass this goes through PgBouncer in transaction mode, where only a
// transaction-scoped lock keeps two migrators apart.

const throughPgBouncer = process.env.HERALD_TEST_PGBOUNCER === "1";
const name = uniqueId("herald_test_migrations").replaceAll("-", "_");
const url = new URL(testEnv.DATABASE_URL!);
url.pathname = `/${name}`;
const maintenance = new URL(
  throughPgBouncer ? process.env.DIRECT_DATABASE_URL! : testEnv.DATABASE_URL!,
);
maintenance.pathname = "/postgres";

const migrationNames = readdirSync(path.join(process.cwd(), "prisma", "migrations"), {
  withFileTypes: true,
})
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

afterAll(async () => {
  const client = new pg.Client({ connectionString: maintenance.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
});

describe("migrations", () => {
  it("apply each migration once when three migrators start together", async () => {
    // Settled, not raced: a failing migrator must not leave the others running past the test.
    const runs = await Promise.allSettled([1, 2, 3].map(() => prepareDatabase(url.toString())));

    expect(runs.map((run) => run.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const applied = runs.flatMap((run) => (run.status === "fulfilled" ? run.value.applied : []));
    expect(applied.sort()).toEqual(migrationNames);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    } finally {
      await client.end();
    }
    // Up to date now: nothing more to apply.
    expect(await prepareDatabase(url.toString())).toEqual({ created: false, applied: [] });
  });

  it("rebuilds an index that an earlier concurrent build left invalid, instead of skipping it", async () => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await prepareDatabase(url.toString());
      await client.query(
        "CREATE TABLE leftover_check (x int); INSERT INTO leftover_check VALUES (1), (1)",
      );
      const build =
        "-- herald:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS leftover_check_x_idx ON leftover_check (x)";
      // The duplicate makes the build fail after it has put the index in the catalog.
      await expect(client.query(build)).rejects.toThrow(/could not create unique index/);
      const valid = async () =>
        (
          await client.query<{ indisvalid: boolean }>(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'leftover_check_x_idx'::regclass",
          )
        ).rows[0]?.indisvalid;
      expect(await valid()).toBe(false);

      await client.query(
        "DELETE FROM leftover_check WHERE ctid = (SELECT min(ctid) FROM leftover_check)",
      );
      await applyWithoutTransaction(client, build);
      expect(await valid()).toBe(true);
    } finally {
      await client.end();
    }
  });
});
