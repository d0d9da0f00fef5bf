import Pusher from "pusher";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countLoginAttempt, LOGIN_ATTEMPTS_ALLOWED } from "@/lib/auth/login-throttle";
import { db } from "@/lib/db";
import { disconnectRedis, getRedis, queuePrefix, redisMode } from "@/lib/redis";
import { takeBackInterrupted } from "@/lib/engine/reconcile";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, ingest } from "../helpers/engine";
import { eventually, receivedEvents } from "../helpers/receiver";
import {
  redisCommand,
  redisPortBase,
  startRedisCluster,
  type RedisClusterSet,
} from "../helpers/redis-servers";

// Herald on a Redis Cluster of three masters started here: web (this process) and a worker
// process, with BullMQ's keys in one hash tag so its multi-key scripts stay within one slot. The
// nodes ask for a password, which Herald's processes get as REDIS_PASSWORD.

const clusterPorts = [10, 11, 12].map((offset) => redisPortBase + offset);
const password = "cluster-test-password";
const clusterEnv = {
  REDIS_CLUSTER_NODES: clusterPorts.map((port) => `127.0.0.1:${port}`).join(","),
  REDIS_PASSWORD: password,
};
Object.assign(process.env, clusterEnv);

let cluster: RedisClusterSet;
beforeAll(async () => {
  cluster = await startRedisCluster(undefined, password);
  expect(cluster.env).toEqual(clusterEnv);
}, 60_000);
// Registered after the cluster's hook, so the worker starts once the cluster is up.
const engine = engineUnderTest("cluster", clusterEnv);
afterAll(async () => {
  await disconnectRedis();
  await cluster?.stop();
});

describe("Redis Cluster", () => {
  it("ingests, batches and delivers signed requests", async () => {
    expect(redisMode()).toBe("cluster");
    expect(queuePrefix()).toBe(`{${engine.prefix}}`);
    const app = await makeApp({ secret: "cluster-app-secret" });
    const hook = `/${uniqueId("cluster")}`;
    await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
      batching: { enabled: true, durationMs: 200, maxBatchSize: 100 },
    });
    const ids = Array.from({ length: 30 }, (_, index) => `c-${index}`);
    const result = await ingest(
      app.id,
      ids.map((id) => ({ name: "client_event", channel: "private-a", event: "client-x", id })),
    );
    expect(result.status).toBe(202);
    await eventually(() => receivedEvents(engine.receiver.at(hook)).length === ids.length, {
      what: "30 events delivered",
    });
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "cluster-app-secret",
      cluster: "mt1",
    });
    for (const request of engine.receiver.at(hook))
      expect(pusher.webhook({ headers: request.headers, rawBody: request.body }).isValid()).toBe(
        true,
      );
    await eventually(
      async () =>
        (await db.delivery.count({ where: { appId: app.id, status: { not: "succeeded" } } })) === 0,
      { what: "every delivery recorded as succeeded" },
    );
  });

  it("keeps every queue key in the {prefix} hash tag: one slot, on one node", async () => {
    const keysByNode = await Promise.all(
      clusterPorts.map(
        async (port) => (await cluster.command(port, "KEYS", `{${engine.prefix}}:*`)) as string[],
      ),
    );
    const keys = keysByNode.flat();
    // Web's (routing) and the worker's (its reconciler's schedule, deliveries) are all there.
    expect(keys).toEqual(
      expect.arrayContaining([
        `{${engine.prefix}}:route-events:meta`,
        `{${engine.prefix}}:maintenance:repeat`,
        `{${engine.prefix}}:deliver:meta`,
      ]),
    );
    expect(keysByNode.filter((list) => list.length > 0)).toHaveLength(1);
    const slots = new Set(
      await Promise.all(
        keys.map((key) => cluster.command(clusterPorts[0]!, "CLUSTER", "KEYSLOT", key)),
      ),
    );
    expect(slots.size).toBe(1);
    // Nothing of this run's queues was written outside the tag.
    for (const port of clusterPorts)
      expect(await cluster.command(port, "KEYS", `${engine.prefix}:*`)).toEqual([]);
  });

  it("is reached with REDIS_PASSWORD; a client without it is refused", async () => {
    await expect(redisCommand(clusterPorts[0]!, "PING")).rejects.toThrow(/NOAUTH/);
    expect(await getRedis().ping()).toBe("PONG");
    expect(await cluster.command(clusterPorts[0]!, "PING")).toBe("PONG");
  });

  it("counts sign-in attempts in the cluster", async () => {
    const email = `${uniqueId("admin")}@example.com`;
    for (let attempt = 0; attempt < LOGIN_ATTEMPTS_ALLOWED; attempt++)
      await countLoginAttempt(email, "203.0.113.7");
    await expect(countLoginAttempt(email, "203.0.113.7")).rejects.toThrow(/Try again in/);
  });

  it("checks claim locks across slots when taking back interrupted deliveries", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id, {
      url: "http://127.0.0.1:9/never",
      eventTypes: ["client_event"],
    });
    const lockedKey = `{${engine.prefix}}:deliver:alive`;
    await getRedis().set(`${lockedKey}:lock`, "token", "PX", 60_000);
    // Claims recorded before a move to Cluster carry keys of another prefix, in other slots.
    const claims = [
      lockedKey,
      `{${engine.prefix}}:deliver:dead`,
      "herald-old:deliver:1",
      "herald-old:deliver:2",
    ];
    const stuck = await Promise.all(
      claims.map((claimJobId, index) =>
        db.delivery.create({
          data: {
            appId: app.id,
            endpointId: endpoint.id,
            eventIds: [`e-${index}`],
            eventNames: ["client_event"],
            channels: ["c"],
            body: "{}",
            status: "delivering",
            attemptCount: 1,
            claimJobId,
            lastAttemptAt: new Date(Date.now() - 3_600_000),
          },
        }),
      ),
    );
    // The worker's own reconciler runs the same check every few seconds and may get there first:
    // what counts is what was committed, whichever of the two took them back.
    const takenBack = await takeBackInterrupted(1000, { appId: app.id });
    const orphaned = stuck
      .slice(1)
      .map((row) => row.id)
      .sort();
    expect(takenBack.every((row) => orphaned.includes(row.id))).toBe(true);
    // SKIP LOCKED: rows the worker's pass holds are its to commit.
    const interrupted = await eventually(
      async () => {
        const rows = await db.attempt.findMany({
          where: { deliveryId: { in: stuck.map((row) => row.id) }, number: 1 },
          select: { deliveryId: true, error: true },
        });
        return rows.length >= orphaned.length && rows;
      },
      { what: "an interrupted attempt logged for each orphaned claim" },
    );
    expect(interrupted.map((row) => row.deliveryId).sort()).toEqual(orphaned);
    for (const row of interrupted) expect(row.error).toMatch(/^interrupted:/);
    expect(await db.delivery.findUniqueOrThrow({ where: { id: stuck[0]!.id } })).toMatchObject({
      status: "delivering",
      attemptCount: 1,
    });
  });
});
