import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { closeHotPool, hotQuery } from "@/lib/pg";
import { QUEUES } from "@/lib/jobs/definitions";
import { closeQueues, getQueue } from "@/lib/jobs/queues";
import { prepareDatabase } from "@/lib/migrations";
import { reconcile } from "@/lib/engine/reconcile";
import { makeApp } from "../factories";
import { makeEvent } from "../helpers/delivery-log-fixtures";
import { testEnv } from "../helpers/test-env";
import { uniquePrefix } from "../helpers/worker-process";

// Herald's Postgres connections against a database of their own whose default time zone is not
// UTC (Debian sets it from the system's), and whose connections get terminated. The environment
// is read lazily, so pointing DATABASE_URL here before first use moves every pool of this file.

const url = new URL(testEnv.DATABASE_URL!);
url.pathname = "/herald_test_sessions";
// Options of its own in the URL must not displace Herald's time zone.
url.searchParams.set("options", "-c application_name=herald-sessions-test");
const databaseUrl = url.toString();
process.env.DATABASE_URL = databaseUrl;
process.env.HERALD_QUEUE_PREFIX = uniquePrefix("sessions");

async function admin<T>(
  work: (client: pg.Client) => Promise<T>,
  database = databaseUrl,
): Promise<T> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await prepareDatabase(databaseUrl);
  await admin((client) =>
    client.query(`ALTER DATABASE herald_test_sessions SET timezone = 'America/New_York'`),
  );
});

afterAll(async () => {
  await closeHotPool();
  await disconnectDb();
  await closeQueues();
  await admin(
    (client) => client.query("DROP DATABASE IF EXISTS herald_test_sessions WITH (FORCE)"),
    testEnv.DATABASE_URL,
  );
});

describe("Postgres sessions", () => {
  it("run in UTC whatever the database's default zone, so now() agrees with the UTC timestamps", async () => {
    expect(
      await admin(async (client) => (await client.query("SHOW TimeZone")).rows[0].TimeZone),
    ).toBe("America/New_York");
    expect((await db.$queryRaw<{ TimeZone: string }[]>`SHOW TimeZone`)[0]!.TimeZone).toBe("UTC");
    expect((await hotQuery<{ TimeZone: string }>("SHOW TimeZone", []))[0]!.TimeZone).toBe("UTC");
    expect(
      (await hotQuery<{ application_name: string }>("SHOW application_name", []))[0]!
        .application_name,
    ).toBe("herald-sessions-test");

    // What it is for: the reconciler finds events stuck past the grace (it compares with now()).
    const app = await makeApp();
    await makeEvent(app.id, { receivedAt: new Date(Date.now() - 60_000), waiting: true });
    await reconcile();
    const jobs = await getQueue(QUEUES.route).getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.filter((job) => job.data.appId === app.id)).toHaveLength(1);
  });

  it("survive Postgres dropping idle connections: the process lives on and the next query reconnects", async () => {
    await hotQuery("SELECT 1", []);
    await db.$queryRaw`SELECT 1`;
    const terminated = await admin(
      async (client) =>
        (
          await client.query(
            "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'herald_test_sessions' AND pid <> pg_backend_pid()) AS t",
          )
        ).rows[0].n,
    );
    expect(terminated).toBeGreaterThanOrEqual(2);
    // The pools hear of it on their idle connections (an 'error' event that nobody handled took the
    // process down).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await hotQuery<{ ok: number }>("SELECT 1 AS ok", [])).toEqual([{ ok: 1 }]);
    expect(await db.$queryRaw`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });
});
