import { afterAll, describe, expect, it } from "vitest";
import { QUEUES } from "@/lib/jobs/definitions";
import { closeQueues, getQueue } from "@/lib/jobs/queues";
import { db } from "@/lib/db";
import { reconcile, takeBackInterrupted } from "@/lib/engine/reconcile";
import { routeEvents } from "@/lib/engine/route";
import { makeEndpoint } from "../factories/endpoints";
import { makeApp } from "../factories";
import { makeEvent } from "../helpers/delivery-log-fixtures";
import { uniquePrefix } from "../helpers/worker-process";

// The reconciler's first step: apps whose routing job was lost (events waiting in the routing
// queue for longer than the grace) get a routing job again. No worker runs on this prefix, so the
// jobs it queues stay there to be read.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("reconcile");

afterAll(async () => {
  await closeQueues();
});

describe("routing after the app was disabled", () => {
  it("keeps events acknowledged before the app was disabled as failed deliveries, for Recover", async () => {
    const app = await makeApp({ batching: { enabled: false, durationMs: 50, maxBatchSize: 100 } });
    const endpoint = await makeEndpoint(app.id, {
      url: "http://127.0.0.1:9/never",
      eventTypes: ["channel_occupied"],
    });
    const events = [
      await makeEvent(app.id, { waiting: true }),
      await makeEvent(app.id, { waiting: true }),
    ];
    await db.app.update({ where: { id: app.id }, data: { enabled: false } });

    const routed = await routeEvents(app.id);

    expect(routed.deliveries).toEqual([]); // nothing to send now
    const deliveries = await db.delivery.findMany({
      where: { endpointId: endpoint.id },
      orderBy: { id: "asc" },
    });
    expect(
      deliveries.map((delivery) => [delivery.eventIds, delivery.status, delivery.lastError]),
    ).toEqual(events.map((event) => [[event.id], "failed", `app disabled: ${app.id}`]));
    expect(await db.unroutedEvent.count({ where: { appId: app.id } })).toBe(0);
  });
});

describe("reconciler", () => {
  it("queues one routing job per app whose oldest waiting event is past the grace, none for an app whose events just arrived", async () => {
    const longAgo = new Date(Date.now() - 3_600_000);
    const stuck = [await makeApp(), await makeApp()];
    for (const app of stuck) {
      for (let index = 0; index < 3; index += 1)
        await makeEvent(app.id, { receivedAt: longAgo, waiting: true });
    }
    const fresh = await makeApp();
    await makeEvent(fresh.id, { waiting: true });
    const routed = await makeApp();
    await makeEvent(routed.id, { receivedAt: longAgo });

    const report = await reconcile();

    const jobs = await getQueue(QUEUES.route).getJobs(["waiting", "delayed", "prioritized"]);
    const appsQueued = (appId: string) => jobs.filter((job) => job.data.appId === appId).length;
    expect(stuck.map((app) => appsQueued(app.id))).toEqual([1, 1]);
    expect(appsQueued(fresh.id)).toBe(0);
    expect(appsQueued(routed.id)).toBe(0);
    expect(report.appsWithUnroutedEvents).toBeGreaterThanOrEqual(2);
  });

  it("counts an interrupted attempt: past the endpoint's schedule the delivery ends failed instead of going round again", async () => {
    const app = await makeApp();
    // Two attempts in all: the first, and one retry after 1 s.
    const endpoint = await makeEndpoint(app.id, {
      url: "http://127.0.0.1:9/never",
      eventTypes: ["client_event"],
      retry: { scheduleSeconds: [1] },
    });
    const stuck = (attemptCount: number, trigger: "auto" | "manual" = "auto") =>
      db.delivery.create({
        data: {
          appId: app.id,
          endpointId: endpoint.id,
          eventIds: [`e-${attemptCount}-${trigger}`],
          eventNames: ["client_event"],
          channels: ["c"],
          body: "{}",
          status: "delivering",
          attemptCount,
          nextAttemptTrigger: trigger,
          lastAttemptAt: new Date(Date.now() - 3_600_000),
        },
      });
    const first = await stuck(1);
    const last = await stuck(2);
    const manual = await stuck(1, "manual");

    const again = await takeBackInterrupted(1000, { appId: app.id });

    expect(again.map((row) => row.id)).toEqual([first.id]);
    const after = async (id: string) =>
      db.delivery.findUniqueOrThrow({ where: { id }, include: { attempts: true } });
    expect(await after(first.id)).toMatchObject({ status: "retrying", claimJobId: null });
    for (const id of [last.id, manual.id]) {
      const delivery = await after(id);
      expect(delivery).toMatchObject({
        status: "failed",
        nextAttemptAt: null,
        nextAttemptTrigger: "auto",
      });
      expect(delivery.lastError).toMatch(/^gave up after \d attempts; last: interrupted/);
      expect(delivery.attempts.map((attempt) => attempt.error)).toEqual([
        expect.stringContaining("interrupted"),
      ]);
    }
  });

  it("cancels deliveries left without an endpoint once nothing can still be sending them", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id, {
      url: "http://127.0.0.1:9/never",
      eventTypes: ["client_event"],
    });
    const make = (status: "retrying" | "delivering", eventId: string) =>
      db.delivery.create({
        data: {
          appId: app.id,
          endpointId: endpoint.id,
          eventIds: [eventId],
          eventNames: ["client_event"],
          channels: ["c"],
          body: "{}",
          status,
          attemptCount: 1,
          lastAttemptAt: new Date(),
          nextAttemptAt: new Date(),
        },
      });
    const retrying = await make("retrying", "r");
    const inFlight = await make("delivering", "d");
    const workerGone = await make("delivering", "gone");
    await db.delivery.update({
      where: { id: workerGone.id },
      data: { lastAttemptAt: new Date(Date.now() - 3_600_000) },
    });
    // As when a retry was scheduled (or a redeliver raced) just as the endpoint was deleted.
    await db.endpoint.delete({ where: { id: endpoint.id } });

    const report = await reconcile();

    expect(report.orphansCancelled).toBeGreaterThanOrEqual(1);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: retrying.id } })).toMatchObject({
      status: "cancelled",
      endpointId: null,
      nextAttemptAt: null,
    });
    // Its request may still be running (up to the longest timeout): its outcome is still recorded.
    expect(await db.delivery.findUniqueOrThrow({ where: { id: inFlight.id } })).toMatchObject({
      status: "delivering",
    });
    // Past that, its worker is gone: cancelled, and the attempt it was making is logged as
    // interrupted.
    const gone = await db.delivery.findUniqueOrThrow({
      where: { id: workerGone.id },
      include: { attempts: true },
    });
    expect(gone).toMatchObject({ status: "cancelled" });
    expect(gone.attempts.map((attempt) => [attempt.number, attempt.error])).toEqual([
      [1, expect.stringContaining("interrupted")],
    ]);
  });
});
