import { randomUUID } from "node:crypto";
import type pg from "pg";
import { v7 as uuidv7 } from "uuid";
import { afterAll, describe, expect, it } from "vitest";
import { prepareDatabase } from "@/lib/migrations";
import { uniqueId } from "../factories";
import { testEnv } from "../helpers/test-env";
import { runInChild } from "../helpers/unavailable-services";
import { onServer, withClient } from "../helpers/worker-databases";

// The delivery log partitioned by day (docs/engine.md#partitions): an install with history
// upgrades in place, the worker makes the days ahead, and retention drops a whole day once it is
// past the cutoff with nothing unfinished in it. Each test has a database of its own: partition DDL
// and retention runs dated years ahead would reach every row of a shared one. The product's code
// runs in a child process pointed at that database (tests/helpers/partitions-child.ts).

const DAY = 86_400_000;
const FIRST_PARTITION_MIGRATION = "20261211100000_log_partition_range";
const databases: string[] = [];

function databaseUrl(): string {
  const url = new URL(testEnv.DATABASE_URL!);
  const name = uniqueId("herald_test_partitions").replaceAll("-", "_");
  url.pathname = `/${name}`;
  databases.push(name);
  return url.toString();
}

afterAll(() =>
  onServer(process.env.DIRECT_DATABASE_URL || testEnv.DATABASE_URL!, async (admin) => {
    for (const name of databases)
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }),
);

type Step =
  | { op: "ensure"; now: string; from?: string; daysAhead?: number }
  | { op: "drop"; cutoff: string }
  | { op: "prune"; now: string }
  | { op: "list" };

const run = <T extends unknown[]>(url: string, steps: Step[]) =>
  runInChild<T>("tests/helpers/partitions-child.ts", steps, {
    DATABASE_URL: url,
    DIRECT_DATABASE_URL: "",
  });

const dayName = (ms: number) => `p${new Date(ms).toISOString().slice(0, 10).replaceAll("-", "")}`;
const startOfDay = (ms: number) => Math.floor(ms / DAY) * DAY;

async function makeApp(client: pg.Client): Promise<string> {
  const appId = `app-${randomUUID()}`;
  await client.query(
    `INSERT INTO apps (id, name, key, secret_encrypted, updated_at) VALUES ($1, 'Partitions', $2, 'x', now())`,
    [appId, randomUUID()],
  );
  return appId;
}

/** A delivery made at `at` (its id a UUID v7 of that time, as the engine makes them), with attempts. */
async function makeDelivery(
  client: pg.Client,
  appId: string,
  at: number,
  status: string,
  attempts = 1,
  eventName = "client_event",
): Promise<string> {
  const id = uuidv7({ msecs: at });
  await client.query(
    `INSERT INTO deliveries (id, app_id, event_ids, event_names, channels, body, status, attempt_count, next_attempt_at, updated_at)
     VALUES ($1, $2, ARRAY[$3], ARRAY[$4], ARRAY['private-partitions'], '{}', $5, $6, $7, now())`,
    [
      id,
      appId,
      randomUUID(),
      eventName,
      status,
      attempts,
      status === "retrying" ? new Date(at + DAY) : null,
    ],
  );
  for (let number = 1; number <= attempts; number++)
    await client.query(
      `INSERT INTO attempts (id, delivery_id, number, duration_ms, started_at, response_status) VALUES ($1, $2, $3, 12, $4, 503)`,
      [uuidv7({ msecs: at }), id, number, new Date(at)],
    );
  return id;
}

const rowsByPartition = (client: pg.Client, table: "deliveries" | "attempts") =>
  client
    .query<{ partition: string; count: string }>(
      `SELECT tableoid::regclass::text AS partition, count(*) FROM ${table} GROUP BY 1 ORDER BY 1`,
    )
    .then(({ rows }) => Object.fromEntries(rows.map((row) => [row.partition, Number(row.count)])));

describe("the delivery log's daily partitions", () => {
  it("an install with history upgrades in place: its rows become the first partition, whole", async () => {
    const url = databaseUrl();
    await prepareDatabase(url, { before: FIRST_PARTITION_MIGRATION });
    const now = Date.now();
    const before = await withClient(url, async (client) => {
      const appId = await makeApp(client);
      await makeDelivery(client, appId, now - 2 * DAY, "succeeded", 2);
      await makeDelivery(client, appId, now - DAY, "failed", 3);
      await makeDelivery(client, appId, now, "retrying", 1);
      const { rows: deliveries } = await client.query(
        "SELECT id, status, attempt_count FROM deliveries ORDER BY id",
      );
      const { rows: indexes } = await client.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename IN ('deliveries', 'attempts') ORDER BY 1",
      );
      return { appId, deliveries, indexes: indexes.map((row) => row.indexname) };
    });

    const { applied } = await prepareDatabase(url);
    // Then any later migrations.
    expect(applied.slice(0, 3)).toEqual([
      FIRST_PARTITION_MIGRATION,
      "20261211100100_log_partition_range_validate",
      "20261211100200_log_partitioned",
    ]);

    await withClient(url, async (client) => {
      const { rows: kinds } = await client.query<{ relname: string; relkind: string }>(
        "SELECT relname, relkind FROM pg_class WHERE relname IN ('deliveries', 'attempts') ORDER BY 1",
      );
      expect(kinds).toEqual([
        { relname: "attempts", relkind: "p" },
        { relname: "deliveries", relkind: "p" },
      ]);
      const { rows: deliveries } = await client.query(
        "SELECT id, status, attempt_count FROM deliveries ORDER BY id",
      );
      expect(deliveries).toEqual(before.deliveries);
      expect(await rowsByPartition(client, "deliveries")).toEqual({ deliveries_legacy: 3 });
      expect(await rowsByPartition(client, "attempts")).toEqual({ attempts_legacy: 6 });
      // The partitioned tables' indexes carry the names the schema knows them by.
      const { rows: indexes } = await client.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE tablename IN ('deliveries', 'attempts') ORDER BY 1",
      );
      expect(indexes.map((row) => row.indexname)).toEqual(before.indexes);

      // A deleted delivery's attempts go with it (a trigger: attempts have no foreign key).
      const { rows: first } = await client.query<{ id: string }>(
        "SELECT id FROM deliveries ORDER BY id LIMIT 1",
      );
      await client.query("DELETE FROM deliveries WHERE id = $1", [first[0]!.id]);
      expect(await rowsByPartition(client, "attempts")).toEqual({ attempts_legacy: 4 });
      // The event-name trigger still notes a new name.
      await makeDelivery(client, before.appId, now, "succeeded", 1, "member_added");
      const { rows: names } = await client.query(
        "SELECT name FROM delivery_event_names WHERE app_id = $1 ORDER BY 1",
        [before.appId],
      );
      expect(names.map((row) => row.name)).toContain("member_added");
      // A row past every partition goes to the default one rather than being refused.
      await makeDelivery(client, before.appId, Date.UTC(2100, 0, 1), "succeeded");
      expect(await rowsByPartition(client, "deliveries")).toEqual({
        deliveries_default: 1,
        deliveries_legacy: 3,
      });
      // Deleting the app still takes its deliveries and their attempts.
      await client.query("DELETE FROM apps WHERE id = $1", [before.appId]);
      expect(await rowsByPartition(client, "deliveries")).toEqual({});
      expect(await rowsByPartition(client, "attempts")).toEqual({});
    });
  });

  it("the worker makes each day ahead once, around the first partition and the default's rows", async () => {
    const url = databaseUrl();
    await prepareDatabase(url);
    const now = Date.now();
    const today = startOfDay(now);
    // The migration's first partition covers up to the day after tomorrow.
    const ahead = [2, 3, 4, 5, 6, 7].map((days) => dayName(today + days * DAY));
    const [made, again, fromThePast, list] = await run<[string[], string[], string[], string[]]>(
      url,
      [
        { op: "ensure", now: new Date(now).toISOString() },
        { op: "ensure", now: new Date(now).toISOString() },
        {
          op: "ensure",
          now: new Date(now).toISOString(),
          from: new Date(now - 10 * DAY).toISOString(),
        },
        { op: "list" },
      ],
    );
    expect(made).toEqual(ahead);
    expect(again).toEqual([]);
    expect(fromThePast).toEqual([]);
    expect(list).toEqual(["deliveries_legacy", ...ahead.map((day) => `deliveries_${day}`)]);

    // A day whose rows already went to the default partition cannot get its own: it is skipped,
    // its rows stay readable, and the next day is made.
    const far = Date.UTC(2100, 0, 1);
    const id = await withClient(url, async (client) =>
      makeDelivery(client, await makeApp(client), far + 3_600_000, "succeeded"),
    );
    const [farDays] = await run<[string[]]>(url, [
      { op: "ensure", now: new Date(far).toISOString(), daysAhead: 1 },
    ]);
    expect(farDays).toEqual([dayName(far + DAY)]);
    await withClient(url, async (client) => {
      const { rows } = await client.query(
        "SELECT tableoid::regclass::text AS partition FROM deliveries WHERE id = $1",
        [id],
      );
      expect(rows).toEqual([{ partition: "deliveries_default" }]);
    });
  });

  it("retention drops a day past the cutoff with its attempts, and keeps a day until its last delivery ends", async () => {
    const url = databaseUrl();
    await prepareDatabase(url);
    const first = Date.UTC(2099, 0, 1);
    const second = first + DAY;
    const [made] = await run<[string[]]>(url, [
      { op: "ensure", now: new Date(first).toISOString(), daysAhead: 1 },
    ]);
    expect(made).toEqual(["p20990101", "p20990102"]);
    const retrying = await withClient(url, async (client) => {
      const appId = await makeApp(client);
      for (const hour of [1, 5, 23])
        await makeDelivery(client, appId, first + hour * 3_600_000, "succeeded", 2);
      await makeDelivery(client, appId, second + 3_600_000, "failed", 3);
      return makeDelivery(client, appId, second + 7_200_000, "retrying", 1);
    });

    // Both days are past this cutoff, but the second still has a delivery to send.
    const [dropped, list] = await run<
      [{ partitions: number; deliveries: number; attempts: number; rowCutoff: string }, string[]]
    >(url, [{ op: "drop", cutoff: new Date(second + 5 * DAY).toISOString() }, { op: "list" }]);
    // The first partition (the migration's, empty here) and 2099-01-01.
    expect(dropped).toMatchObject({ partitions: 2, deliveries: 3, attempts: 6 });
    // The cutoff is in no partition now (the default's range): rows go by the cutoff itself.
    expect(dropped.rowCutoff).toBe(new Date(second + 5 * DAY).toISOString());
    expect(list).toEqual(["deliveries_p20990102"]);
    await withClient(url, async (client) => {
      expect(await rowsByPartition(client, "deliveries")).toEqual({ deliveries_p20990102: 2 });
      expect(await rowsByPartition(client, "attempts")).toEqual({ attempts_p20990102: 4 });
    });

    // A retention run a month on: the kept day's finished delivery goes row by row.
    const [pruned] = await run<[{ partitions: number; deliveries: number }]>(url, [
      { op: "prune", now: new Date(second + 40 * DAY).toISOString() },
    ]);
    expect(pruned).toMatchObject({ partitions: 0, deliveries: 1, done: true });
    await withClient(url, async (client) => {
      expect(await rowsByPartition(client, "deliveries")).toEqual({ deliveries_p20990102: 1 });
      // Its last delivery ends: the next run drops the day.
      await client.query("UPDATE deliveries SET status = 'failed' WHERE id = $1", [retrying]);
    });
    const [last, after] = await run<[{ partitions: number; deliveries: number }, string[]]>(url, [
      { op: "prune", now: new Date(second + 41 * DAY).toISOString() },
      { op: "list" },
    ]);
    expect(last).toMatchObject({ partitions: 1, deliveries: 1, done: true });
    expect(after).not.toContain("deliveries_p20990102");
    await withClient(url, async (client) => {
      expect(await rowsByPartition(client, "deliveries")).toEqual({});
      expect(await rowsByPartition(client, "attempts")).toEqual({});
    });
  });

  it("a day holding the cutoff is kept whole, and goes whole once all of it is past", async () => {
    const url = databaseUrl();
    await prepareDatabase(url);
    const day = Date.UTC(2099, 5, 1);
    await run(url, [{ op: "ensure", now: new Date(day).toISOString(), daysAhead: 1 }]);
    const id = await withClient(url, async (client) =>
      makeDelivery(client, await makeApp(client), day + 3_600_000, "succeeded"),
    );
    // The cutoff (30 days before "now") falls at noon of that day, after the delivery was made.
    const [kept] = await run<[{ partitions: number; deliveries: number; logCutoff: string }]>(url, [
      { op: "prune", now: new Date(day + 30 * DAY + DAY / 2).toISOString() },
    ]);
    expect(kept).toMatchObject({ deliveries: 0, logCutoff: new Date(day).toISOString() });
    await withClient(url, async (client) => {
      const { rows } = await client.query("SELECT 1 FROM deliveries WHERE id = $1", [id]);
      expect(rows).toHaveLength(1);
    });
    const [gone] = await run<[{ partitions: number; deliveries: number }]>(url, [
      { op: "prune", now: new Date(day + 31 * DAY + 3_600_000).toISOString() },
    ]);
    expect(gone).toMatchObject({ deliveries: 1 });
    expect(gone.partitions).toBeGreaterThanOrEqual(1);
    await withClient(url, async (client) => {
      expect(await rowsByPartition(client, "deliveries")).toEqual({});
    });
  });
});
