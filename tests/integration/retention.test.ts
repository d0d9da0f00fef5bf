import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { Prisma, type DeliveryStatus } from "@/lib/generated/prisma/client";
import { pruneOldRecords } from "@/lib/services/retention";
import { uuidAtTime } from "@/lib/util";
import { v7 as uuidv7 } from "uuid";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { makeEvent } from "../helpers/delivery-log-fixtures";

// Retention (lib/services/retention.ts pruneOldRecords, run daily by the worker): finished
// deliveries (with their attempts), routed events and rollups older than HERALD_RETENTION_DAYS go,
// oldest first in batches (10,000 rows, smaller here), until none is left or the run's time budget
// is spent;
// newer rows, unfinished deliveries, unrouted events and events waiting in a batch window stay.
// Ages are relative to the real clock, so any worker's own retention run (other suites start
// workers) deletes exactly what this test expects to be deleted, and nothing it expects to stay.

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

async function setup() {
  const app = await makeApp();
  // Disabled and unreachable: nothing here is ever sent, whatever a reconciler enqueues.
  const endpoint = await makeEndpoint(app.id, {
    url: "http://127.0.0.1:9/retention",
    eventTypes: ["client_event"],
    enabled: false,
  });
  return { app, endpoint };
}

async function makeDelivery(
  appId: string,
  endpointId: string,
  status: DeliveryStatus,
  createdAt: Date,
  attemptsStartedAt: Date[] = [],
) {
  const delivery = await db.delivery.create({
    data: {
      // As the engine makes them: a UUID v7 of the delivery's creation (retention reads ids).
      id: uuidv7({ msecs: createdAt.getTime() }),
      appId,
      endpointId,
      eventIds: [uniqueId("evt")],
      eventNames: ["client_event"],
      channels: ["private-retention"],
      body: "{}",
      status,
      attemptCount: attemptsStartedAt.length,
      createdAt,
      updatedAt: createdAt,
      // Unfinished rows are not due and not stuck, so no reconciler touches them during the test.
      nextAttemptAt:
        status === "pending" || status === "retrying" ? new Date(Date.now() + DAY) : null,
      lastAttemptAt: status === "delivering" ? new Date() : null,
    },
  });
  for (const [index, startedAt] of attemptsStartedAt.entries()) {
    await db.attempt.create({
      data: {
        deliveryId: delivery.id,
        number: index + 1,
        requestHeaders: {},
        durationMs: 5,
        responseStatus: 200,
        startedAt,
      },
    });
  }
  return delivery;
}

/** SQL for a random UUID v7 of the millisecond `at`, one per row. */
const v7Sql = (at: Date) =>
  Prisma.sql`overlay(overlay(gen_random_uuid()::text placing ${uuidAtTime(at).slice(0, 13)} from 1 for 13) placing '7' from 15 for 1)::uuid`;

const exists = {
  delivery: async (id: string) => (await db.delivery.count({ where: { id } })) === 1,
  event: async (seq: bigint) => (await db.event.count({ where: { seq } })) === 1,
};

describe("retention", () => {
  it("uses the documented default of 30 days", () => {
    expect(env.HERALD_RETENTION_DAYS).toBe(30);
  });

  it("deletes finished deliveries and their attempts older than the retention period and keeps newer ones", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 1);
    const recent = daysAgo(env.HERALD_RETENTION_DAYS - 1);
    const oldFinished = await Promise.all(
      (["succeeded", "failed", "cancelled"] as const).map((status) =>
        makeDelivery(app.id, endpoint.id, status, old, [old]),
      ),
    );
    const recentFinished = await Promise.all(
      (["succeeded", "failed", "cancelled"] as const).map((status) =>
        makeDelivery(app.id, endpoint.id, status, recent, [recent]),
      ),
    );

    const report = await pruneOldRecords();
    const cutoff = Date.now() - env.HERALD_RETENTION_DAYS * DAY;

    for (const delivery of oldFinished)
      expect(await exists.delivery(delivery.id), delivery.status).toBe(false);
    for (const delivery of recentFinished)
      expect(await exists.delivery(delivery.id), delivery.status).toBe(true);
    expect(
      await db.attempt.count({
        where: { deliveryId: { in: oldFinished.map((delivery) => delivery.id) } },
      }),
    ).toBe(0);
    expect(
      await db.attempt.count({
        where: { deliveryId: { in: recentFinished.map((delivery) => delivery.id) } },
      }),
    ).toBe(3);
    expect(report).toEqual({
      // Nothing here is in a day partition past the cutoff: these rows are in the first (legacy)
      // partition, pruned row by row up to the cutoff itself (tests/integration/log-partitions).
      partitions: 0,
      logCutoff: expect.any(String),
      deliveries: expect.any(Number),
      events: expect.any(Number),
      rollups: expect.any(Number),
      countWindows: expect.any(Number),
      batches: expect.any(Number),
      done: true,
    });
    expect(report.batches).toBeGreaterThanOrEqual(3);
    expect(Math.abs(new Date(report.logCutoff).getTime() - cutoff)).toBeLessThan(60_000);
  });

  it("never deletes a delivery that is still pending, retrying or delivering, however old", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 10);
    const unfinished = await Promise.all(
      (["pending", "retrying", "delivering"] as const).map((status) =>
        makeDelivery(app.id, endpoint.id, status, old, [old]),
      ),
    );

    await pruneOldRecords();

    for (const delivery of unfinished) {
      const row = await db.delivery.findUnique({ where: { id: delivery.id } });
      expect(row?.status, `${delivery.status} delivery was deleted`).toBe(delivery.status);
      // its attempt history stays while it is still in progress
      expect(await db.attempt.count({ where: { deliveryId: delivery.id } })).toBe(1);
    }
  });

  it("deletes old routed events and keeps unrouted ones, ones waiting in a batch window and newer ones", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 1);
    const oldRouted = await makeEvent(app.id, { receivedAt: old });
    const recentRouted = await makeEvent(app.id, {
      receivedAt: daysAgo(env.HERALD_RETENTION_DAYS - 1),
    });
    const oldWaiting = await makeEvent(app.id, { receivedAt: old });
    // created_at now: a fresh window, so no reconciler flushes it during the test.
    await db.batchItem.create({ data: { endpointId: endpoint.id, eventSeq: oldWaiting.seq } });
    // Last, right before pruning: a reconciler elsewhere would route it (the queue lost its job).
    const oldUnrouted = await makeEvent(app.id, { receivedAt: old, waiting: true });

    await pruneOldRecords();

    expect(await exists.event(oldRouted.seq)).toBe(false);
    expect(await exists.event(recentRouted.seq)).toBe(true);
    expect(await exists.event(oldWaiting.seq)).toBe(true);
    expect(await exists.event(oldUnrouted.seq)).toBe(true);
  });

  it("keeps going past one batch in a single run", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 2);
    const delivery = await makeDelivery(app.id, endpoint.id, "failed", old);
    await db.$executeRaw`
      INSERT INTO attempts (id, delivery_id, number, request_headers, duration_ms, response_status, started_at)
      SELECT gen_random_uuid(), ${delivery.id}::uuid, n, '{}'::jsonb, 5, 500, ${old} FROM generate_series(1, 2500) AS n`;
    // A millisecond apart, so each batch ends between two of them.
    await db.$executeRaw`
      INSERT INTO events (app_id, id, name, channel, payload, time_ms, received_at)
      SELECT ${app.id}, 'bulk-' || n, 'client_event', 'private-retention', '{}'::jsonb, 0, ${old}::timestamp + n * interval '1 millisecond'
      FROM generate_series(1, 2100) AS n`;

    const report = await pruneOldRecords(new Date(), { batchSize: 1000 });

    expect(await db.attempt.count({ where: { deliveryId: delivery.id } })).toBe(0);
    expect(await exists.delivery(delivery.id)).toBe(false);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
    expect(report.events).toBeGreaterThanOrEqual(2100);
    expect(report.done).toBe(true);
  });

  it("walks past more kept events than a batch holds to the old ones after them", async () => {
    const { app } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 2);
    // The oldest 25 are held back (presence grace, released in a minute: they stay); the 30
    // after them were routed (they go).
    const held = [];
    for (let n = 0; n < 25; n++)
      held.push(await makeEvent(app.id, { receivedAt: new Date(old.getTime() + n), held: true }));
    await db.$executeRaw`
      INSERT INTO events (app_id, id, name, channel, payload, time_ms, received_at)
      SELECT ${app.id}, 'routed-' || n, 'client_event', 'private-retention', '{}'::jsonb, 0, ${old}::timestamp + (100 + n) * interval '1 millisecond'
      FROM generate_series(1, 30) AS n`;

    // No budget: a run stops only after a batch that deleted rows, never among those that stay,
    // so the runs get past them (each run starts from the oldest rows again).
    for (let run = 0; run < 200; run++)
      if ((await pruneOldRecords(new Date(), { batchSize: 10, budgetMs: 0 })).done) break;

    expect(await db.event.count({ where: { appId: app.id, id: { startsWith: "routed-" } } })).toBe(
      0,
    );
    for (const event of held) expect(await exists.event(event.seq)).toBe(true);
  });

  it("leaves nothing older than the cutoff, over as many runs as its time budget needs", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 3);
    const delivery = await makeDelivery(app.id, endpoint.id, "succeeded", old, [old]);
    await db.$executeRaw`
      INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, attempt_count, created_at, updated_at)
      SELECT ${v7Sql(old)}, ${app.id}, ${endpoint.id}::uuid, ARRAY['old-' || n], ARRAY['client_event'], ARRAY['c'], '{}', 'failed', 0, ${old}, ${old}
      FROM generate_series(1, 3500) AS n`;
    await db.$executeRaw`
      INSERT INTO events (app_id, id, name, channel, payload, time_ms, received_at)
      SELECT ${app.id}, 'old-' || n, 'client_event', 'private-retention', '{}'::jsonb, 0, ${old} FROM generate_series(1, 2500) AS n`;
    // A failed second attempt, as old: the stats keep it among the endpoint's failures.
    await db.attempt.create({
      data: {
        deliveryId: delivery.id,
        number: 2,
        requestHeaders: {},
        durationMs: 5,
        responseStatus: 500,
        startedAt: old,
      },
    });
    // The attempts' rollup rows are as old as the attempts.
    expect(await db.endpointStatsHour.count({ where: { endpointId: endpoint.id } })).toBe(1);
    expect(await db.endpointFailedAttempt.count({ where: { endpointId: endpoint.id } })).toBe(1);

    // A budget that runs out after the first batch: each run reports it has more to do.
    const reports = [];
    for (let run = 0; run < 50; run++) {
      const report = await pruneOldRecords(new Date(), { budgetMs: 0, batchSize: 1000 });
      reports.push(report);
      if (report.done) break;
    }
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.at(-1)!.done).toBe(true);

    const cutoff = daysAgo(env.HERALD_RETENTION_DAYS);
    expect(await exists.delivery(delivery.id)).toBe(false);
    expect(await db.delivery.count({ where: { appId: app.id, createdAt: { lt: cutoff } } })).toBe(
      0,
    );
    expect(await db.attempt.count({ where: { deliveryId: delivery.id } })).toBe(0);
    expect(await db.event.count({ where: { appId: app.id, receivedAt: { lt: cutoff } } })).toBe(0);
    expect(await db.endpointStatsHour.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(await db.endpointStatsMinute.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(await db.endpointFailedAttempt.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });

  it("forgets subscription_count windows that ended over an hour ago, never a held event", async () => {
    const { app } = await setup();
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    await db.subscriptionCountWindow.createMany({
      data: [
        { appId: app.id, channel: "old", windowUntil: hourAgo },
        { appId: app.id, channel: "open", windowUntil: new Date(Date.now() + 5000) },
      ],
    });
    const held = await db.event.create({
      data: {
        appId: app.id,
        id: `held-${app.id}`,
        name: "member_removed",
        channel: "presence-a",
        payload: { name: "member_removed", channel: "presence-a" },
        timeMs: BigInt(Date.now()),
        receivedAt: daysAgo(env.HERALD_RETENTION_DAYS + 10),
      },
    });
    await db.heldEvent.create({
      data: {
        appId: app.id,
        seq: held.seq,
        channel: "presence-a",
        kind: "grace",
        releaseAt: new Date(),
      },
    });
    await pruneOldRecords();
    const windows = await db.subscriptionCountWindow.findMany({ where: { appId: app.id } });
    expect(windows.map((window) => window.channel)).toEqual(["open"]);
    expect(await db.event.count({ where: { seq: held.seq } })).toBe(1);
  });
});
