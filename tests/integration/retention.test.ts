import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { DeliveryStatus } from "@/lib/generated/prisma/client";
import { pruneOldRecords } from "@/lib/services/retention";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { makeEvent } from "../helpers/delivery-log-fixtures";

// Retention (lib/services/retention.ts pruneOldRecords, run daily by the worker): attempts,
// finished deliveries and routed events older than HERALD_RETENTION_DAYS go, in batches of 1,000;
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
      attempts: expect.any(Number),
      deliveries: expect.any(Number),
      events: expect.any(Number),
      batches: expect.any(Number),
    });
    expect(report.batches).toBeGreaterThanOrEqual(3);
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

  it("keeps going past one batch of 1,000 rows in a single run", async () => {
    const { app, endpoint } = await setup();
    const old = daysAgo(env.HERALD_RETENTION_DAYS + 2);
    const delivery = await makeDelivery(app.id, endpoint.id, "failed", old);
    await db.$executeRaw`
      INSERT INTO attempts (id, delivery_id, number, request_headers, duration_ms, response_status, started_at)
      SELECT gen_random_uuid(), ${delivery.id}::uuid, n, '{}'::jsonb, 5, 500, ${old} FROM generate_series(1, 2500) AS n`;
    await db.$executeRaw`
      INSERT INTO events (app_id, id, name, channel, payload, time_ms, received_at)
      SELECT ${app.id}, 'bulk-' || n, 'client_event', 'private-retention', '{}'::jsonb, 0, ${old} FROM generate_series(1, 2100) AS n`;

    await pruneOldRecords();

    expect(await db.attempt.count({ where: { deliveryId: delivery.id } })).toBe(0);
    expect(await exists.delivery(delivery.id)).toBe(false);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });
});
