import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest, engineUnderTest } from "../helpers/engine";
import { eventually, receivedEvents } from "../helpers/receiver";

// Ingest queues one routing job per app after its commit, and requests arriving while that job
// waits or runs collapse into it (BullMQ deduplication with keepLastIfActive). Nothing may be left
// behind by the collapse: the reconciler is switched off here, so routing jobs alone must route
// every acknowledged event.

const engine = engineUnderTest("routing", {
  HERALD_RECONCILE_INTERVAL_MS: "3600000",
  HERALD_RECONCILE_GRACE_MS: "3600000",
});
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

describe("routing jobs collapsed per app", () => {
  it("routes every event of many concurrent single-event requests exactly once, without the reconciler", async () => {
    const app = await makeApp({ batching: unbatched });
    const hook = `/${uniqueId("collapse")}`;
    await makeEndpoint(app.id, { url: engine.receiver.url(hook), eventTypes: ["client_event"] });
    const ids = Array.from({ length: 300 }, (_, index) => `r-${index}`);
    // A steady stream (a request every ~2 ms, many in flight): routing jobs are waiting, running
    // and finishing while more requests commit and collapse into them.
    const answers: Promise<{ status: number }>[] = [];
    for (const id of ids) {
      answers.push(
        ingest(app.id, [{ id, name: "client_event", channel: "c", event: "client-x", data: id }]),
      );
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await Promise.all(answers)).map((answer) => answer.status)).toEqual(
      Array(ids.length).fill(202),
    );

    await eventually(
      () =>
        new Set(receivedEvents(engine.receiver.at(hook)).map((event) => String(event.data)))
          .size === ids.length,
      {
        timeoutMs: 30_000,
        what: "every event delivered by routing jobs alone",
      },
    );
    expect(await db.unroutedEvent.count({ where: { appId: app.id } })).toBe(0);
    const events = await db.event.findMany({ where: { appId: app.id }, orderBy: { seq: "asc" } });
    // Exactly one delivery per event. (Concurrent requests have no order between them: a request
    // that took a lower seq may commit, and so be routed, after one with a higher seq.)
    const deliveries = await db.delivery.findMany({ where: { appId: app.id } });
    expect(deliveries.map((delivery) => delivery.eventIds[0]).sort()).toEqual(
      events.map((event) => event.id).sort(),
    );
  });

  it("sends full batches at once and keeps arrival order across full batches, waiting items and windows", async () => {
    const batching = { enabled: true, durationMs: 300, maxBatchSize: 100 };
    const app = await makeApp({ batching });
    const hook = `/${uniqueId("batches")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
    });
    const event = (id: string) => ({
      id,
      name: "client_event",
      channel: "c",
      event: "client-x",
      data: id,
    });
    const first = Array.from({ length: 250 }, (_, index) => `b1-${index}`);
    const second = Array.from({ length: 30 }, (_, index) => `b2-${index}`);
    const third = Array.from({ length: 100 }, (_, index) => `b3-${index}`);
    expect((await ingest(app.id, first.map(event))).status).toBe(202);
    expect((await ingest(app.id, second.map(event))).status).toBe(202);
    expect((await ingest(app.id, third.map(event))).status).toBe(202);
    const all = [...first, ...second, ...third];

    await eventually(() => receivedEvents(engine.receiver.at(hook)).length >= all.length, {
      timeoutMs: 20_000,
      what: "every batched event delivered",
    });
    const deliveries = await db.delivery.findMany({
      where: { endpointId: endpoint.id },
      orderBy: { id: "asc" },
    });
    expect(deliveries.flatMap((delivery) => delivery.eventIds)).toEqual(all);
    expect(deliveries.every((delivery) => delivery.eventIds.length <= 100)).toBe(true);
    // Full batches whatever path they took (made at routing, or flushed from waiting items).
    expect(
      deliveries.filter((delivery) => delivery.eventIds.length === 100).length,
    ).toBeGreaterThanOrEqual(2);
    expect(await db.batchItem.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });
});
