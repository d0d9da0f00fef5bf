import type pg from "pg";
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
import { withClient } from "../helpers/worker-databases";

// Herald's Postgres connections against a database of their own whose default time zone is not
// UTC (Debian sets it from the system's), and whose connections get terminated. The environment
// is read lazily, so pointing DATABASE_URL here before first use moves every pool of this file.
// In the PgBouncer pass Herald goes through PgBouncer, and the checks below go to Postgres.

const throughPgBouncer = process.env.HERALD_TEST_PGBOUNCER === "1";
const sessionsDatabase = (base: string) => {
  const url = new URL(base);
  url.pathname = `${url.pathname}_sessions`;
  return url;
};
const url = sessionsDatabase(testEnv.DATABASE_URL!);
// Options of its own in the URL must not displace Herald's time zone (PgBouncer refuses them).
if (!throughPgBouncer) url.searchParams.set("options", "-c application_name=herald-sessions-test");
const databaseUrl = url.toString();
const directUrl = throughPgBouncer
  ? sessionsDatabase(process.env.DIRECT_DATABASE_URL!).toString()
  : databaseUrl;
const maintenanceUrl = throughPgBouncer ? process.env.DIRECT_DATABASE_URL! : testEnv.DATABASE_URL!;
const databaseName = decodeURIComponent(url.pathname.slice(1));
process.env.DATABASE_URL = databaseUrl;
process.env.HERALD_QUEUE_PREFIX = uniquePrefix("sessions");

const admin = <T>(work: (client: pg.Client) => Promise<T>, database = directUrl): Promise<T> =>
  withClient(database, work);

beforeAll(async () => {
  await prepareDatabase(databaseUrl);
  await admin((client) =>
    client.query(`ALTER DATABASE "${databaseName}" SET timezone = 'America/New_York'`),
  );
});

afterAll(async () => {
  await closeHotPool();
  await disconnectDb();
  await closeQueues();
  await admin(
    (client) => client.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`),
    maintenanceUrl,
  );
});

describe("Postgres sessions", () => {
  it("run in UTC whatever the database's default zone, so now() agrees with the UTC timestamps", async () => {
    expect(
      await admin(async (client) => (await client.query("SHOW TimeZone")).rows[0].TimeZone),
    ).toBe("America/New_York");
    expect((await db.$queryRaw<{ TimeZone: string }[]>`SHOW TimeZone`)[0]!.TimeZone).toBe("UTC");
    expect((await hotQuery<{ TimeZone: string }>("SHOW TimeZone", []))[0]!.TimeZone).toBe("UTC");
    if (!throughPgBouncer)
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
            "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()) AS t",
            [databaseName],
          )
        ).rows[0].n,
    );
    // PgBouncer may serve both pools from one server connection.
    expect(terminated).toBeGreaterThanOrEqual(throughPgBouncer ? 1 : 2);
    // The pools hear of it on their idle connections (an 'error' event that nobody handled took the
    // process down).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await hotQuery<{ ok: number }>("SELECT 1 AS ok", [])).toEqual([{ ok: 1 }]);
    expect(await db.$queryRaw`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
  });
});
