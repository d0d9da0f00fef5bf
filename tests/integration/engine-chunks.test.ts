import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getRedis } from "@/lib/redis";
import { takeBackInterrupted } from "@/lib/engine/reconcile";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest, engineUnderTest } from "../helpers/engine";
import { eventually, receivedEvents } from "../helpers/receiver";
import { uniquePrefix } from "../helpers/worker-process";

// Chunked deliver jobs (many deliveries per job, one claim and one outcome statement) and the
// reconciler's liveness check (a delivery is stuck only when its job's lock is gone). The direct
// path is off here, so first attempts go through deliver jobs too (engine-direct.test.ts has it on).

const engine = engineUnderTest("chunks", { HERALD_DIRECT_SENDS: "0" });
const prefix = engine.prefix;
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

describe("chunked deliver jobs", () => {
  it("sends a burst from one job per endpoint; a failing request is retried alone, the others succeed once", async () => {
    const app = await makeApp({ batching: unbatched });
    const okHook = `/${uniqueId("ok")}`;
    const flakyHook = `/${uniqueId("flaky")}`;
    // Every 4th event fails once at the flaky endpoint.
    const failedOnce = new Set<string>();
    engine.receiver.script(flakyHook, (request) => {
      const data = String(JSON.parse(request.body).events[0].data);
      if (Number(data.slice(2)) % 4 !== 0 || failedOnce.has(data)) return { status: 200 };
      failedOnce.add(data);
      return { status: 503 };
    });
    const ok = await makeEndpoint(app.id, {
      url: engine.receiver.url(okHook),
      eventTypes: ["client_event"],
    });
    const flaky = await makeEndpoint(app.id, {
      url: engine.receiver.url(flakyHook),
      eventTypes: ["client_event"],
      retry: { scheduleSeconds: [1] },
    });
    const ids = Array.from({ length: 60 }, (_, index) => `c-${index}`);
    const result = await ingest(
      app.id,
      ids.map((id) => ({ id, name: "client_event", channel: "c", event: "client-x", data: id })),
    );
    expect(result.status).toBe(202);

    const dataAt = (path: string) =>
      receivedEvents(engine.receiver.at(path)).map((event) => String(event.data));
    await eventually(
      () => new Set(dataAt(okHook)).size === 60 && new Set(dataAt(flakyHook)).size === 60,
      { timeoutMs: 30_000, what: "every event at both endpoints" },
    );
    await eventually(
      async () =>
        (await db.delivery.count({ where: { appId: app.id, status: { not: "succeeded" } } })) === 0,
      { timeoutMs: 20_000, what: "all succeeded" },
    );

    expect(dataAt(okHook).sort()).toEqual([...ids].sort());
    const okDeliveries = await db.delivery.findMany({
      where: { endpointId: ok.id },
      include: { attempts: true },
    });
    expect(okDeliveries).toHaveLength(60);
    expect(
      okDeliveries.every(
        (delivery) =>
          delivery.attempts.length === 1 && delivery.attempts[0]!.responseStatus === 200,
      ),
    ).toBe(true);
    // One ingest request, one routing page: the 60 deliveries went out in one chunk job.
    expect(new Set(okDeliveries.map((delivery) => delivery.claimJobId)).size).toBe(1);
    expect(okDeliveries[0]!.claimJobId).toContain(`${prefix}:deliver:chunk-`);

    const flakyDeliveries = await db.delivery.findMany({
      where: { endpointId: flaky.id },
      include: { attempts: { orderBy: { number: "asc" } } },
    });
    expect(flakyDeliveries).toHaveLength(60);
    for (const delivery of flakyDeliveries) {
      const data = JSON.parse(delivery.body).events[0].data as string;
      const expected = Number(data.slice(2)) % 4 === 0 ? [503, 200] : [200];
      expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual(expected);
      expect(delivery.attemptCount).toBe(expected.length);
    }
    // A delivery that ended succeeded resets the endpoint's failure count.
    expect(
      (await db.endpoint.findUniqueOrThrow({ where: { id: flaky.id } })).consecutiveFailures,
    ).toBe(0);
  });
});

describe("reconciler liveness", () => {
  it("leaves a delivery whose job still holds its lock, and takes it back once the lock is gone", async () => {
    const app = await makeApp({ batching: unbatched });
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(`/${uniqueId("held")}`),
      eventTypes: ["client_event"],
    });
    const jobKey = `${uniquePrefix("held")}:deliver:chunk-${uniqueId("job")}`;
    const delivery = await db.delivery.create({
      data: {
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: ["e-1"],
        eventNames: ["client_event"],
        channels: ["c"],
        body: "{}",
        status: "delivering",
        attemptCount: 1,
        lastAttemptAt: new Date(Date.now() - 3600_000),
        claimJobId: jobKey,
      },
    });
    const redis = getRedis();
    await redis.set(`${jobKey}:lock`, "token", "PX", 30_000);
    try {
      expect(await takeBackInterrupted(1000, { appId: app.id })).toEqual([]);
      expect((await db.delivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe(
        "delivering",
      );
    } finally {
      await redis.del(`${jobKey}:lock`);
    }
    // The test worker's own reconciler may get there first (and then send it again at once);
    // either way the interrupted attempt is logged once.
    await takeBackInterrupted(1000, { appId: app.id });
    const after = await eventually(async () => {
      const row = await db.delivery.findUniqueOrThrow({
        where: { id: delivery.id },
        include: { attempts: { orderBy: { number: "asc" } } },
      });
      return row.status !== "delivering" && row.attempts.length > 0 && row;
    });
    expect(after.status).toMatch(/^(retrying|succeeded)$/);
    expect(after.attempts[0]!.error).toContain("interrupted");
    expect(after.attempts.filter((attempt) => attempt.error?.includes("interrupted"))).toHaveLength(
      1,
    );
  });
});
