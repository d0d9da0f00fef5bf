import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { eventually, receivedEvents, startReceiver, type Receiver } from "../helpers/receiver";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "../helpers/worker-process";

// Real worker processes killed with SIGKILL, and two workers sharing one queue.

let receiver: Receiver;
const running: WorkerProcess[] = [];
// One prefix for the whole file: lib/env.ts reads the environment once per process, so the
// in-process ingest and the worker processes must agree from the start.
const prefix = uniquePrefix("durability");

beforeAll(async () => {
  process.env.HERALD_QUEUE_PREFIX = prefix;
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(running.map((worker) => worker.kill9().catch(() => undefined)));
  await receiver?.close();
  await closeQueues();
});

async function startWorker(prefix: string) {
  const worker = await startWorkerProcess(prefix);
  running.push(worker);
  return worker;
}

async function ingestMany(appId: string, ids: string[], perRequest = 50) {
  for (let start = 0; start < ids.length; start += perRequest) {
    const result = await ingest(
      appId,
      ids.slice(start, start + perRequest).map((id) => ({
        id,
        name: "client_event",
        channel: "private-load",
        event: "client-x",
        data: id,
      })),
    );
    expect(result.status).toBe(202);
  }
}

const idsOf = (path: string) =>
  receivedEvents(receiver.at(path)).map((event) => String(event.data));

describe("durability", () => {
  it("delivers every acknowledged event after the worker is killed with SIGKILL mid-load", async () => {
    const app = await makeApp({ batching: { enabled: true, durationMs: 100, maxBatchSize: 20 } });
    const batchedHook = `/${uniqueId("batched")}`;
    const singleHook = `/${uniqueId("single")}`;
    receiver.script(batchedHook, () => ({ delayMs: 30 }));
    receiver.script(singleHook, () => ({ delayMs: 30 }));
    await makeEndpoint(app.id, { url: receiver.url(batchedHook), eventTypes: ["client_event"] });
    await makeEndpoint(app.id, {
      url: receiver.url(singleHook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    });
    const ids = Array.from({ length: 300 }, (_, index) => `k-${index}`);

    const first = await startWorker(prefix);
    const load = ingestMany(app.id, ids, 25);
    await eventually(() => receiver.at(singleHook).length >= 20, {
      what: "some deliveries before the kill",
    });
    await first.kill9();
    const deliveredBeforeKill = idsOf(singleHook).length;
    await load;
    expect(deliveredBeforeKill).toBeLessThan(300);

    await startWorker(prefix);
    await eventually(
      () => new Set(idsOf(batchedHook)).size === 300 && new Set(idsOf(singleHook)).size === 300,
      { timeoutMs: 40_000, what: "every event at both endpoints" },
    );
    expect(new Set(idsOf(batchedHook))).toEqual(new Set(ids));
    const unfinished = await db.delivery.count({
      where: { appId: app.id, status: { not: "succeeded" } },
    });
    await eventually(
      async () =>
        (await db.delivery.count({ where: { appId: app.id, status: { not: "succeeded" } } })) === 0,
      { timeoutMs: 20_000, what: `all deliveries succeeded (${unfinished} left)` },
    );
    expect(await db.unroutedEvent.count({ where: { appId: app.id } })).toBe(0);
    expect(await db.batchItem.count({ where: { endpoint: { appId: app.id } } })).toBe(0);
  });

  it("delivers every event exactly once per endpoint with two workers", async () => {
    // Only the two workers of this test may take jobs.
    await Promise.all(running.splice(0).map((worker) => worker.kill9().catch(() => undefined)));
    await Promise.all([startWorker(prefix), startWorker(prefix)]);
    const app = await makeApp({ batching: { enabled: true, durationMs: 50, maxBatchSize: 25 } });
    const batchedHook = `/${uniqueId("batched")}`;
    const singleHook = `/${uniqueId("single")}`;
    const batched = await makeEndpoint(app.id, {
      url: receiver.url(batchedHook),
      eventTypes: ["client_event"],
    });
    const single = await makeEndpoint(app.id, {
      url: receiver.url(singleHook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    });
    const ids = Array.from({ length: 400 }, (_, index) => `t-${index}`);
    await Promise.all([
      ingestMany(app.id, ids.slice(0, 200), 20),
      ingestMany(app.id, ids.slice(200), 20),
    ]);

    await eventually(
      () => new Set(idsOf(batchedHook)).size === 400 && new Set(idsOf(singleHook)).size === 400,
      { timeoutMs: 40_000, what: "every event at both endpoints" },
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Exactly once: no retries happened, so no event and no delivery id may repeat.
    expect(
      await db.attempt.count({ where: { delivery: { appId: app.id }, number: { gt: 1 } } }),
    ).toBe(0);
    expect(idsOf(batchedHook)).toHaveLength(400);
    expect(idsOf(singleHook)).toHaveLength(400);
    const deliveryIds = receiver
      .at(batchedHook)
      .concat(receiver.at(singleHook))
      .map((request) => request.headers["x-herald-delivery-id"]);
    expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
    expect(await db.delivery.count({ where: { endpointId: single.id } })).toBe(400);
    for (const request of receiver.at(batchedHook)) {
      const seen = JSON.parse(request.body).events.map((event: { data: string }) =>
        Number(event.data.slice(2)),
      );
      expect(seen.length).toBeLessThanOrEqual(25);
      // Arrival order inside a batch (each producer's ids increase).
      const firstHalf = seen.filter((n: number) => n < 200);
      expect(firstHalf).toEqual([...firstHalf].sort((a: number, b: number) => a - b));
    }
    expect(
      await db.delivery.count({ where: { endpointId: batched.id, status: { not: "succeeded" } } }),
    ).toBe(0);
  });
});
