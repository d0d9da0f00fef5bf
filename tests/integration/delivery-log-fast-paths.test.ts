import { describe, expect, it } from "vitest";
import * as deliveriesRoute from "@/app/api/v1/apps/[appId]/deliveries/route";
import { db } from "@/lib/db";
import { uuidAtTime } from "@/lib/util";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import { makeDelivery, makeEndpoint, makeEvent } from "../helpers/delivery-log-fixtures";

const list = (appId: string, query: Record<string, string> = {}) =>
  call(deliveriesRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries`, {
    params: { appId },
    query,
  });
const ids = (page: { data: { id: string }[] }) => page.data.map((delivery) => delivery.id);

describe("the delivery log's fast paths", () => {
  it("knows the event names each app's deliveries carried, kept by the database on insert", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const names = async (appId: string) =>
      (await db.deliveryEventName.findMany({ where: { appId }, orderBy: { name: "asc" } })).map(
        (row) => row.name,
      );
    expect(await names(app.id)).toEqual([]);

    // A name no delivery carries answers with an empty page.
    expect(ids((await list(app.id, { eventName: "order.created" })).body)).toEqual([]);

    const created = await makeEvent(app.id, { name: "order.created" });
    const paid = await makeEvent(app.id, { name: "order.paid" });
    const delivery = await makeDelivery(endpoint, [created, paid]);
    // Written in one statement with several rows, as routing does.
    await db.$executeRaw`
      INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, created_at, updated_at)
      SELECT gen_random_uuid(), ${app.id}, ${endpoint.id}::uuid, ARRAY['e-' || n], ARRAY['bulk.' || (n % 2)], ARRAY['c'], '{}', 'succeeded', now(), now()
      FROM generate_series(1, 4) AS n`;

    expect(await names(app.id)).toEqual(["bulk.0", "bulk.1", "order.created", "order.paid"]);
    expect(await names(other.id)).toEqual([]);
    expect(ids((await list(app.id, { eventName: "order.created" })).body)).toEqual([delivery.id]);
    expect(ids((await list(other.id, { eventName: "order.created" })).body)).toEqual([]);
  });

  it("reads a time range as a range of UUID v7 ids, with the cursor inside it", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);
    const rows = [];
    for (const minutesAgo of [50, 40, 30, 20, 10])
      rows.push(
        await makeDelivery(endpoint, [await makeEvent(app.id)], { createdAt: at(minutesAgo) }),
      );
    const since = at(45).toISOString();
    const until = at(15).toISOString();

    const first = await list(app.id, { since, until, limit: "2" });
    expect(ids(first.body)).toEqual([rows[3]!.id, rows[2]!.id]);
    const second = await list(app.id, { since, until, limit: "2", cursor: first.body.nextCursor });
    expect(ids(second.body)).toEqual([rows[1]!.id]);
    expect(second.body.nextCursor).toBeNull();

    // The bound is the smallest id of its millisecond: a delivery made exactly at `since` is in.
    const exact = rows[0]!.createdAt;
    expect(uuidAtTime(exact) <= rows[0]!.id).toBe(true);
    expect(ids((await list(app.id, { since: exact.toISOString(), until })).body)).toContain(
      rows[0]!.id,
    );
  });
});

describe("the deliveries' indexes", () => {
  it("keeps the indexes of work to do partial, so finished deliveries are not in them", async () => {
    const rows = await db.$queryRaw<{ indexname: string; indexdef: string }[]>`
      SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deliveries' ORDER BY indexname`;
    const where = Object.fromEntries(
      rows.map((row) => [row.indexname, row.indexdef.split(" WHERE ")[1] ?? null]),
    );
    expect(where).toMatchObject({
      deliveries_due_idx: expect.stringContaining("'pending'"),
      deliveries_endpoint_due_idx: expect.stringContaining("'retrying'"),
      deliveries_delivering_idx: expect.stringContaining("'delivering'"),
      deliveries_app_id_status_id_unsucceeded_idx: expect.stringContaining("'succeeded'"),
    });
    // No full index on status is left: it would be written at every status change.
    expect(
      rows.filter((row) => row.indexdef.includes("status") && !row.indexdef.includes(" WHERE ")),
    ).toEqual([]);
  });
});
