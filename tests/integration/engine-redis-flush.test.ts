import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { disconnectRedis } from "@/lib/redis";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { eventually, receivedEvents, startReceiver } from "../helpers/receiver";
import { startWorkerProcess, uniquePrefix } from "../helpers/worker-process";

// Redis loses all its data mid-load. This file alone uses Redis DB 7 (or TEST_FLUSH_REDIS_URL),
// so FLUSHDB there touches nobody else's queues (never FLUSHALL: other suites share DB 0).
const REDIS_URL = process.env.TEST_FLUSH_REDIS_URL ?? "redis://127.0.0.1:6379/7";
const prefix = uniquePrefix("flush");
process.env.REDIS_URL = REDIS_URL;
process.env.HERALD_QUEUE_PREFIX = prefix;

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
});

describe("Redis data loss", () => {
  it("delivers every acknowledged event after FLUSHDB mid-load", async () => {
    const receiver = await startReceiver();
    const worker = await startWorkerProcess(prefix, { REDIS_URL });
    const admin = new Redis(REDIS_URL);
    try {
      const app = await makeApp({ batching: { enabled: true, durationMs: 300, maxBatchSize: 30 } });
      const batchedHook = `/${uniqueId("batched")}`;
      const retryHook = `/${uniqueId("retry")}`;
      receiver.script(batchedHook, () => ({ delayMs: 20 }));
      // Fails first, so a retry is waiting as a delayed job when Redis is flushed.
      receiver.script(retryHook, (_request, index) =>
        index < 5 ? { status: 503 } : { status: 200 },
      );
      await makeEndpoint(app.id, { url: receiver.url(batchedHook), eventTypes: ["client_event"] });
      await makeEndpoint(app.id, {
        url: receiver.url(retryHook),
        eventTypes: ["client_event"],
        batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
        retry: { scheduleSeconds: [3, 1] },
      });
      const ids = Array.from({ length: 200 }, (_, index) => `f-${index}`);
      const send = (part: string[]) =>
        ingest(
          app.id,
          part.map((id) => ({
            id,
            name: "client_event",
            channel: "c",
            event: "client-x",
            data: id,
          })),
        );

      for (let start = 0; start < 100; start += 25)
        expect((await send(ids.slice(start, start + 25))).status).toBe(202);
      await eventually(() => receiver.at(retryHook).length >= 5, { what: "first failed attempts" });
      // Flush and count in one MULTI: the live worker writes new keys right after the flush.
      expect(await admin.multi().flushdb().dbsize().exec()).toEqual([
        [null, "OK"],
        [null, 0],
      ]);
      for (let start = 100; start < 200; start += 25)
        expect((await send(ids.slice(start, start + 25))).status).toBe(202);

      const idsAt = (path: string) =>
        new Set(receivedEvents(receiver.at(path)).map((event) => String(event.data)));
      await eventually(() => idsAt(batchedHook).size === 200 && idsAt(retryHook).size === 200, {
        timeoutMs: 60_000,
        what: "every event after the flush",
      });
      await eventually(
        async () =>
          (await db.delivery.count({ where: { appId: app.id, status: { not: "succeeded" } } })) ===
          0,
        { timeoutMs: 20_000 },
      );
      expect(await db.unroutedEvent.count({ where: { appId: app.id } })).toBe(0);
    } finally {
      admin.disconnect();
      await worker.terminate();
      await receiver.close();
    }
  });
});
