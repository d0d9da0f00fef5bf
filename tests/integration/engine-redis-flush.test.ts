import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { disconnectRedis } from "@/lib/redis";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { INTAKE_SECRET, pusherIntake } from "../helpers/pusher-intake";
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

  it("neither loses nor doubles held events across a FLUSHDB and a worker restart", async () => {
    const receiver = await startReceiver();
    let worker = await startWorkerProcess(prefix, { REDIS_URL });
    const admin = new Redis(REDIS_URL);
    try {
      const durationMs = 8000; // Room for the steps below on a busy machine.
      const app = await makeApp({
        secret: INTAKE_SECRET,
        batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
        presenceGrace: { enabled: true, durationMs },
      });
      const hook = `/${uniqueId("grace")}`;
      const endpoint = await makeEndpoint(app.id, {
        url: receiver.url(hook),
        eventTypes: ["member_removed", "member_added"],
      });
      const removed = (user: string) => ({
        id: `gone-${user}`,
        name: "member_removed",
        channel: "presence-lobby",
        user_id: user,
      });
      await pusherIntake(app, [removed("u1"), removed("u2")]);
      const heldAt = Date.now();
      // A held subscription_count in its window too (the first of the channel went at once).
      await db.app.update({
        where: { id: app.id },
        data: { subscriptionCountThrottleEnabled: true, subscriptionCountWindowMs: 1500 },
      });
      await db.endpoint.update({
        where: { id: endpoint.id },
        data: { eventTypes: ["member_removed", "member_added", "subscription_count"] },
      });
      const count = (id: string, value: number) => ({
        id,
        name: "subscription_count",
        channel: "presence-lobby",
        subscription_count: value,
      });
      await pusherIntake(app, [count("n1", 1)]);
      await eventually(() => receiver.at(hook).length === 1, { what: "the first count at once" });
      await pusherIntake(app, [count("n2", 2), count("n3", 3)]);
      // The delayed release job goes with the data; the worker restarts too.
      expect(await admin.multi().flushdb().dbsize().exec()).toEqual([
        [null, "OK"],
        [null, 0],
      ]);
      // A pair still cancels after the flush: the holds live in Postgres. Sent before the restart,
      // which can take longer than the grace on a busy machine.
      expect(Date.now() - heldAt).toBeLessThan(durationMs);
      await pusherIntake(app, [
        { id: "back-u2", name: "member_added", channel: "presence-lobby", user_id: "u2" },
      ]);
      await worker.terminate();
      worker = await startWorkerProcess(prefix, { REDIS_URL });

      await eventually(() => receivedEvents(receiver.at(hook)).length >= 3, {
        timeoutMs: 30_000,
        what: "the held member_removed and count released by the reconciler",
      });
      const removal = receiver.at(hook).find((request) => request.body.includes("member_removed"));
      expect(removal!.receivedAt - heldAt).toBeGreaterThanOrEqual(durationMs - 100);
      // Long enough for a second release (delayed job, reconciler) to show up if it could.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const received = receivedEvents(receiver.at(hook));
      expect(
        received.filter((event) => event.name === "member_removed").map((e) => e.user_id),
      ).toEqual(["u1"]);
      expect(
        received
          .filter((event) => event.name === "subscription_count")
          .map((event) => event.subscription_count),
      ).toEqual([1, 3]);
      expect(await db.delivery.count({ where: { endpointId: endpoint.id } })).toBe(3);
      expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(0);
      const u2 = await db.event.findUniqueOrThrow({
        where: { appId_id: { appId: app.id, id: "gone-u2" } },
      });
      expect(u2.suppressedBy).toBe("back-u2");
    } finally {
      admin.disconnect();
      await worker.terminate();
      await receiver.close();
    }
  });
});
