import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { eventually, receivedEvents, startReceiver, type Receiver } from "../helpers/receiver";
import { testEnv } from "../helpers/test-env";
import {
  fastEngineEnv,
  startWorkerProcess,
  uniquePrefix,
  type WorkerProcess,
} from "../helpers/worker-process";

// Graceful shutdown of a real worker process (SIGTERM): open batch windows are flushed at once,
// in-flight requests finish, and the process exits 0 within HERALD_SHUTDOWN_TIMEOUT_MS.

// Set before anything reads the environment: ingest in this process enqueues under this prefix.
const prefix = uniquePrefix("shutdown");
process.env.HERALD_QUEUE_PREFIX = prefix;

const SHUTDOWN_TIMEOUT_MS = Number(fastEngineEnv.HERALD_SHUTDOWN_TIMEOUT_MS);
const redisUrl = new URL(testEnv.REDIS_URL ?? "redis://127.0.0.1:6379");
let receiver: Receiver;
const running: WorkerProcess[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(running.map((worker) => worker.kill9().catch(() => undefined)));
  await receiver?.close();
  await closeQueues();
});

async function startWorker(extraEnv: Record<string, string> = {}) {
  const worker = await startWorkerProcess(prefix, extraEnv);
  running.push(worker);
  return worker;
}

/** SIGTERM, then the exit code and how long the shutdown took (fails if it never exits). */
async function terminate(
  worker: WorkerProcess,
  limitMs: number,
): Promise<{ code: number | null; tookMs: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`worker did not exit within ${limitMs} ms after SIGTERM:\n${worker.output()}`),
        ),
      limitMs,
    );
  });
  try {
    const code = await Promise.race([worker.terminate(), hung]);
    running.splice(running.indexOf(worker), 1);
    return { code, tookMs: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

const event = (id: string) => ({
  id,
  name: "client_event",
  channel: "private-shutdown",
  event: "client-x",
  data: id,
});

describe("graceful shutdown", () => {
  it("flushes the batch windows it opened at once, without waiting for the window", async () => {
    const windowMs = 30_000;
    const app = await makeApp();
    const hook = `/${uniqueId("batched")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: true, durationMs: windowMs, maxBatchSize: 100 },
    });
    const first = await startWorker();

    const ids = [uniqueId("b"), uniqueId("b"), uniqueId("b")];
    const ingestedAt = Date.now();
    expect((await ingest(app.id, ids.map(event))).status).toBe(202);
    // Routed by the first worker into its open window: the items wait in Postgres, nothing is sent.
    await eventually(
      async () => (await db.batchItem.count({ where: { endpointId: endpoint.id } })) === 3,
      { what: "3 items waiting in the window" },
    );
    expect(receiver.at(hook)).toHaveLength(0);

    // A second worker takes over the queue; the first one stops while its window is open.
    const second = await startWorker();
    const { code, tookMs } = await terminate(first, SHUTDOWN_TIMEOUT_MS + 10_000);
    expect(code, first.output()).toBe(0);
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3000);
    expect(first.output()).toContain("worker stopped");

    // The window was closed by the shutdown: one delivery with all three events, no item left.
    expect(await db.batchItem.count({ where: { endpointId: endpoint.id } })).toBe(0);
    const deliveries = await db.delivery.findMany({ where: { endpointId: endpoint.id } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.eventIds).toEqual(ids);

    await eventually(() => receiver.at(hook).length === 1, {
      what: "the flushed batch at the receiver",
    });
    expect(receivedEvents(receiver.at(hook)).map((received) => received.data)).toEqual(ids);
    expect(receiver.at(hook)[0]!.receivedAt - ingestedAt).toBeLessThan(windowMs);
    await eventually(
      async () =>
        (await db.delivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).status ===
        "succeeded",
      { what: "delivery succeeded" },
    );
    // Nothing else may take this file's queue while the next test watches its own worker.
    expect((await terminate(second, SHUTDOWN_TIMEOUT_MS + 10_000)).code).toBe(0);
  });

  it("lets in-flight requests finish: one attempt each, succeeded, nothing interrupted", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("slow")}`;
    receiver.script(hook, () => ({ delayMs: 1500 }));
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    });
    const worker = await startWorker();

    const ids = [uniqueId("s"), uniqueId("s"), uniqueId("s")];
    expect((await ingest(app.id, ids.map(event))).status).toBe(202);
    // All three requests are open at the receiver, which answers after 1.5 s.
    await eventually(() => receiver.at(hook).length === 3, { what: "3 requests in flight" });
    const { code, tookMs } = await terminate(worker, SHUTDOWN_TIMEOUT_MS + 10_000);
    expect(code, worker.output()).toBe(0);
    expect(tookMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3000);

    // Settled before the process exited: no worker runs now to finish anything later.
    const deliveries = await db.delivery.findMany({
      where: { endpointId: endpoint.id },
      include: { attempts: true },
    });
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) {
      expect(delivery.status).toBe("succeeded");
      expect(delivery.attemptCount).toBe(1);
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]).toMatchObject({ number: 1, responseStatus: 200, error: null });
      expect(delivery.attempts[0]!.durationMs).toBeGreaterThanOrEqual(1000);
    }
    expect(new Set(deliveries.flatMap((delivery) => delivery.eventIds))).toEqual(new Set(ids));
    expect(
      await db.attempt.count({
        where: { delivery: { endpointId: endpoint.id }, error: { contains: "interrupted" } },
      }),
    ).toBe(0);
    expect(receiver.at(hook)).toHaveLength(3);
  });

  it("hands back requests still running when the shutdown timeout ends; another worker delivers them", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("stuck")}`;
    // The first request far outlives the 500 ms shutdown timeout (and is within its 20 s request
    // timeout); with one request at a time per endpoint, the second delivery waits for it, unsent.
    receiver.script(hook, (_request, index) => ({ delayMs: index === 0 ? 6000 : 0 }));
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    });
    const worker = await startWorker({
      HERALD_SHUTDOWN_TIMEOUT_MS: "500",
      HERALD_REQUEST_TIMEOUT_MS: "20000",
      HERALD_ENDPOINT_CONCURRENCY: "1",
    });

    expect((await ingest(app.id, [event(uniqueId("h")), event(uniqueId("h"))])).status).toBe(202);
    await eventually(() => receiver.at(hook).length === 1, { what: "the request in flight" });
    const { code, tookMs } = await terminate(worker, 10_000);
    expect(code, worker.output()).toBe(0);
    // The timeout bounds the wait: the process must not sit out the 6 s request.
    expect
      .soft(
        tookMs,
        "shutdown waited for the in-flight request despite HERALD_SHUTDOWN_TIMEOUT_MS=500",
      )
      .toBeLessThan(3000);

    // Handed back, both due again now. The aborted request may have reached the endpoint, so it is
    // logged and counted; the one never sent leaves no attempt and its claim is undone.
    const deliveries = await db.delivery.findMany({
      where: { endpointId: endpoint.id },
      include: { attempts: true },
      orderBy: { attemptCount: "desc" },
    });
    const [sent, unsent] = deliveries;
    expect(deliveries).toHaveLength(2);
    expect.soft(sent).toMatchObject({ status: "retrying", attemptCount: 1 });
    expect(sent!.attempts.map((attempt) => [attempt.number, attempt.error])).toEqual([
      [1, expect.stringContaining("handed it back")],
    ]);
    expect.soft(unsent).toMatchObject({ status: "retrying", attemptCount: 0 });
    expect(unsent!.attempts).toEqual([]);

    await startWorker();
    for (const delivery of deliveries) {
      await eventually(
        async () =>
          (await db.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status ===
          "succeeded",
        { what: "delivered by the next worker" },
      );
    }
    const requests = receiver.at(hook);
    const attemptsSent = (deliveryId: string) =>
      requests
        .filter((request) => request.headers["x-herald-delivery-id"] === deliveryId)
        .map((request) => request.headers["x-herald-attempt"]);
    // Each request carried its own attempt number.
    expect(attemptsSent(sent!.id)).toEqual(["1", "2"]);
    expect(attemptsSent(unsent!.id)).toEqual(["1"]);
    const attempts = await db.attempt.findMany({
      where: { deliveryId: sent!.id },
      orderBy: { number: "asc" },
    });
    expect(attempts.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([
      [1, null],
      [2, 200],
    ]);
  });

  it("never takes an answered request for an unsent one: no attempt number is sent twice", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("answered")}`;
    // Two requests at a time: the first is answered at once while the other two outlive the
    // shutdown timeout, so the job is still running when the worker hands back.
    receiver.script(hook, (_request, index) => ({
      delayMs: index === 1 || index === 2 ? 6000 : 0,
    }));
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    });
    const worker = await startWorker({
      HERALD_SHUTDOWN_TIMEOUT_MS: "1000",
      HERALD_REQUEST_TIMEOUT_MS: "20000",
      HERALD_ENDPOINT_CONCURRENCY: "2",
    });

    expect(
      (await ingest(app.id, [event(uniqueId("a")), event(uniqueId("a")), event(uniqueId("a"))]))
        .status,
    ).toBe(202);
    await eventually(() => receiver.at(hook).length === 3, {
      what: "one request answered, two in flight",
    });
    expect((await terminate(worker, 10_000)).code, worker.output()).toBe(0);

    await startWorker();
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
        3,
      { what: "all three delivered" },
    );
    const sentPairs = receiver
      .at(hook)
      .map(
        (request) =>
          `${request.headers["x-herald-delivery-id"]}#${request.headers["x-herald-attempt"]}`,
      );
    expect(sentPairs.length, "an (id, attempt) pair was sent twice").toBe(new Set(sentPairs).size);
    const deliveries = await db.delivery.findMany({
      where: { endpointId: endpoint.id },
      include: { attempts: { orderBy: { number: "asc" } } },
    });
    for (const delivery of deliveries) {
      expect(delivery.attempts.map((attempt) => attempt.number)).toEqual(
        Array.from({ length: delivery.attemptCount }, (_, index) => index + 1),
      );
    }
    // The answered one was recorded as it was answered: one attempt, 200.
    const answered = deliveries.filter((delivery) => delivery.attempts.length === 1);
    expect(answered.map((delivery) => delivery.attempts[0]!.responseStatus)).toEqual([200]);
  });

  it("exits within its deadline even when Redis is gone", async () => {
    // The worker reaches Redis through a proxy this test can cut: Redis is "down" for it alone.
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(redisUrl.port || 6379), redisUrl.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.on("close", () => sockets.delete(socket));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    const worker = await startWorker({
      REDIS_URL: `redis://127.0.0.1:${port}${redisUrl.pathname}`,
    });
    const closed = new Promise<void>((resolve) => proxy.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;

    const { code, tookMs } = await terminate(worker, SHUTDOWN_TIMEOUT_MS + 20_000);
    expect(code, worker.output()).toBe(1);
    expect(tookMs).toBeGreaterThanOrEqual(SHUTDOWN_TIMEOUT_MS);
    expect(worker.output()).toContain("shutdown did not finish in time");
  });
});
