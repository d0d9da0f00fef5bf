import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { disconnectRedis } from "@/lib/redis";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { channelEvents, orderedPath } from "../helpers/ordered-receiver";
import { eventually, startReceiver, type Receiver } from "../helpers/receiver";
import { startStandaloneRedis } from "../helpers/redis-servers";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "../helpers/worker-process";

// The order comes from Postgres: a worker killed with SIGKILL while a retry waits, then a Redis
// that loses every key, and the channel still goes in order with nothing lost. This file runs its
// own Redis server (TEST_REDIS_PORT_BASE + 20), so FLUSHDB there touches nobody else's data.

const prefix = uniquePrefix("ordering-crash");
let redis: Awaited<ReturnType<typeof startStandaloneRedis>>;
let receiver: Receiver;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startStandaloneRedis();
  // lib/env.ts reads these once, on first use: this process ingests through the same Redis.
  process.env.REDIS_URL = redis.url;
  process.env.HERALD_QUEUE_PREFIX = prefix;
  receiver = await startReceiver();
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.terminate().catch(() => undefined)));
  await receiver?.close();
  await closeQueues();
  await disconnectRedis();
  await redis?.stop();
});

describe("ordering after a crash", () => {
  it("keeps each channel in order after kill -9 during a retry and a Redis flush", async () => {
    workers.push(await startWorkerProcess(prefix, { REDIS_URL: redis.url }));
    const app = await makeApp();
    const hook = `/${uniqueId("crash")}`;
    // a#0 fails once; its retry is a delayed job 3 s out when the worker dies and Redis empties.
    const path = orderedPath(receiver, hook, ({ channel, index }, attempt) =>
      channel === "a" && index === 0 && attempt === 1 ? { status: 503 } : {},
    );
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
      ordering: "channel",
      retry: { scheduleSeconds: [3, 1] },
    });
    expect((await ingest(app.id, channelEvents(["a", "b"], 0, 3))).status).toBe(202);
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "retrying" } })) ===
          1 &&
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
          3,
      { what: "a#0 retrying and channel b delivered" },
    );

    await workers[0]!.kill9();
    const admin = new Redis(redis.url);
    try {
      await admin.flushdb();
    } finally {
      admin.disconnect();
    }
    // Acknowledged while no worker runs: they wait behind a#0 in Postgres.
    expect((await ingest(app.id, channelEvents(["a", "b"], 3, 6))).status).toBe(202);
    workers.push(await startWorkerProcess(prefix, { REDIS_URL: redis.url }));

    await eventually(() => path.acceptedCount("a") === 6 && path.acceptedCount("b") === 6, {
      what: "both channels delivered in full",
      timeoutMs: 30_000,
    });
    // Repeats allowed: at least once, not exactly once (see ordered-receiver.ts).
    path.expectInOrder({ a: 6, b: 6 }, { repeats: true });
    expect(path.maxInFlight()).toBe(1);
    // The receiver answers before the worker records the last outcome: wait for the record.
    await eventually(
      async () =>
        (await db.delivery.count({
          where: { endpointId: endpoint.id, status: { not: "succeeded" } },
        })) === 0,
      { what: "every delivery recorded as succeeded" },
    );
  });
});
