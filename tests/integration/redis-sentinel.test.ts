import Pusher from "pusher";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { QUEUES } from "@/lib/jobs/definitions";
import { getQueue } from "@/lib/jobs/queues";
import { disconnectRedis, redisMode } from "@/lib/redis";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, ingest } from "../helpers/engine";
import { eventually, receivedEvents } from "../helpers/receiver";
import {
  redisCommand,
  redisPortBase,
  startSentinelSet,
  type SentinelSet,
} from "../helpers/redis-servers";

// Herald on Redis Sentinel (a master, a replica, three sentinels started here): web (this process,
// through the route handlers) and a worker process both find the master through the sentinels,
// and keep working when the master dies and a sentinel promotes the replica. The data servers and
// the sentinels each ask for a password of their own.

const passwords = { redis: "sentinel-data-password", sentinel: "sentinel-own-password" };
const sentinelEnv = {
  REDIS_SENTINELS: [2, 3, 4].map((offset) => `127.0.0.1:${redisPortBase + offset}`).join(","),
  REDIS_SENTINEL_NAME: "herald-master",
  REDIS_PASSWORD: passwords.redis,
  REDIS_SENTINEL_PASSWORD: passwords.sentinel,
};
Object.assign(process.env, sentinelEnv);

let topology: SentinelSet;
beforeAll(async () => {
  topology = await startSentinelSet(undefined, passwords);
  expect(topology.env).toEqual(sentinelEnv);
}, 60_000);
// Registered after the topology's hook, so the worker starts once the sentinels run.
const engine = engineUnderTest("sentinel", sentinelEnv);
afterAll(async () => {
  await disconnectRedis();
  await topology?.stop();
});

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Redis Sentinel", () => {
  it("ingests and delivers signed requests through the master the sentinels name", async () => {
    expect(redisMode()).toBe("sentinel");
    const app = await makeApp({ secret: "sentinel-app-secret" });
    const hook = `/${uniqueId("sentinel")}`;
    await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
      batching: unbatched,
    });
    const result = await ingest(app.id, [
      { name: "client_event", channel: "private-a", event: "client-x", data: "1", id: "s-1" },
    ]);
    expect(result.status).toBe(202);
    const [request] = await eventually(
      () => engine.receiver.at(hook).length === 1 && engine.receiver.at(hook),
      {
        what: "the delivery",
      },
    );
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "sentinel-app-secret",
      cluster: "mt1",
    });
    expect(pusher.webhook({ headers: request!.headers, rawBody: request!.body }).isValid()).toBe(
      true,
    );
    // The queues of web and worker (its reconciler's schedule) live on the sentinels' master.
    const masterPort = await topology.masterPort();
    expect(masterPort).toBe(redisPortBase);
    const keys = (await topology.command(masterPort, "KEYS", `${engine.prefix}:*`)) as string[];
    expect(keys).toContain(`${engine.prefix}:maintenance:repeat`);
    expect(keys).toContain(`${engine.prefix}:route-events:meta`);
  });

  it("needs the passwords: a client without them is refused by the master and the sentinels", async () => {
    const masterPort = await topology.masterPort();
    await expect(redisCommand(masterPort, "PING")).rejects.toThrow(/NOAUTH/);
    await expect(redisCommand(redisPortBase + 2, "PING")).rejects.toThrow(/NOAUTH/);
    expect(await topology.command(masterPort, "PING")).toBe("PONG");
  });

  it("loses no acknowledged event when the master is failed over under load (SENTINEL FAILOVER)", async () => {
    // The old master lives on as a replica: connections still open to it get READONLY.
    await failoverUnderLoad("SENTINEL FAILOVER", () => topology.failover(), redisPortBase + 1);
  }, 300_000);

  it("loses no acknowledged event when the master dies under load, and resumes without a restart", async () => {
    // Now the promoted replica dies (SIGKILL): the sentinels must notice, then promote the other.
    await failoverUnderLoad("master killed", () => topology.killMaster(), redisPortBase);
  }, 300_000);
});

/**
 * About 50 events a second through the route handler: 4 s, then `trigger`, then on until the
 * sentinels name the new master, an event sent after the trigger has reached the receiver, and 3 s
 * more. Herald's budget starts when the sentinels have named the new master: how long they take
 * to notice a dead master and vote is theirs (and slower on a busy machine), not Herald's.
 * Every acknowledged event must reach the receiver, from the same worker process.
 */
async function failoverUnderLoad(what: string, trigger: () => Promise<number>, newMaster: number) {
  const app = await makeApp();
  const hook = `/${uniqueId("failover")}`;
  await makeEndpoint(app.id, {
    url: engine.receiver.url(hook),
    eventTypes: ["client_event"],
    batching: unbatched,
  });
  // The set is whole again before the load starts, so the fault lands in the middle of it.
  await topology.settle();
  const oldMaster = await topology.masterPort();
  const acknowledged = new Set<string>();
  let refused = 0;
  let sequence = 0;
  let triggeredAt = 0;
  let firstSentAfter = ""; // the first event acknowledged of those sent after the trigger
  const inFlight: Promise<void>[] = [];
  const send = async () => {
    const ids = Array.from({ length: 5 }, () => `${what}-${sequence++}`);
    const sentAt = Date.now();
    const result = await ingest(
      app.id,
      ids.map((id) => ({
        name: "client_event",
        channel: "private-load",
        event: "client-x",
        data: id,
        id,
      })),
    );
    if (result.status !== 202) {
      refused++;
      return;
    }
    for (const id of ids) acknowledged.add(id);
    if (triggeredAt && sentAt > triggeredAt) firstSentAfter ||= ids[0]!;
  };

  const deliveredAt = (id: string) =>
    engine.receiver.at(hook).find((request) => request.body.includes(`"data":"${id}"`))
      ?.receivedAt ?? 0;
  let resumedAt = 0;
  let electedAt = 0; // when the sentinels first named the new master
  let lastLookAt = 0;
  const loadStarted = Date.now();
  for (;;) {
    inFlight.push(send());
    await sleep(100);
    const now = Date.now();
    if (!triggeredAt && now - loadStarted > 4000) {
      expect(await trigger()).toBe(oldMaster);
      triggeredAt = Date.now();
    }
    if (triggeredAt && !electedAt && now - lastLookAt > 500) {
      lastLookAt = now;
      if ((await topology.masterPort().catch(() => 0)) === newMaster) electedAt = Date.now();
    }
    resumedAt ||= firstSentAfter ? deliveredAt(firstSentAfter) : 0;
    if (electedAt && resumedAt && now - resumedAt > 3000) break;
    // Bounds: the sentinels get 90 s to elect; Herald then gets 45 s to deliver again.
    if (!electedAt && triggeredAt && now - triggeredAt > 90_000) break;
    if (electedAt && now - electedAt > 45_000) break;
  }
  await Promise.all(inFlight);
  expect(electedAt, "the sentinels named the new master").toBeGreaterThan(0);
  expect(
    resumedAt,
    `an event sent after the trigger delivered (${refused} requests refused; ` +
      `the first acknowledged after the trigger: ${firstSentAfter || "none"})\n` +
      (resumedAt ? "" : await whereWorkWaits(app.id)),
  ).toBeGreaterThan(0);

  // Postgres holds every acknowledged event; whatever the old master had not replicated, the
  // reconciler queues again.
  await eventually(
    () => {
      const seen = new Set(receivedEvents(engine.receiver.at(hook)).map((event) => event.data));
      return [...acknowledged].every((id) => seen.has(id));
    },
    { timeoutMs: 90_000, intervalMs: 250, what: "every acknowledged event at the receiver" },
  );
  await eventually(
    async () => {
      const rows = await db.delivery.groupBy({
        by: ["status"],
        where: { appId: app.id },
        _count: true,
      });
      return rows.length === 1 && rows[0]!.status === "succeeded";
    },
    { timeoutMs: 30_000, what: "every delivery succeeded" },
  );
  expect(() => process.kill(engine.worker.pid, 0)).not.toThrow();
  expect(engine.worker.output()).not.toContain("worker stopping");

  // Events acknowledged just before the fault whose jobs the dying master had not replicated wait
  // in Postgres for the reconciler (HERALD_RECONCILE_GRACE_MS, then its next pass): the last
  // arrival says how long that took.
  const lastArrival = Math.max(...engine.receiver.at(hook).map((request) => request.receivedAt));
  console.log(
    `Sentinel, ${what} under load: ${acknowledged.size} events acknowledged, ${refused} requests refused (503), ` +
      `0 lost; the sentinels named the new master ${electedAt - triggeredAt} ms after the trigger; ` +
      `the first event sent after the trigger delivered ${resumedAt - triggeredAt} ms after it; ` +
      `the last acknowledged event arrived ${lastArrival - triggeredAt} ms after it`,
  );
}

/** Where an app's work waits, for a failure message: Postgres, the queues and the worker's log. */
async function whereWorkWaits(appId: string): Promise<string> {
  const deliveries = await db.delivery.groupBy({ by: ["status"], where: { appId }, _count: true });
  const unrouted = await db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS n FROM unrouted_events WHERE app_id = ${appId}`;
  const counts = await Promise.all(
    [QUEUES.route, QUEUES.deliver, QUEUES.maintenance].map(async (name) => {
      const byState = await getQueue(name).getJobCounts("waiting", "active", "delayed");
      return `${name} ${JSON.stringify(byState)}`;
    }),
  );
  // The worker's JSON log lines at info and above, without stacks or connection refusals.
  const log = engine.worker
    .output()
    .split("\n")
    .flatMap((line) => {
      try {
        const entry = JSON.parse(line) as {
          level: number;
          time: number;
          msg: string;
          queue?: string;
          err?: { message?: string };
        };
        return entry.level >= 30 ? [entry] : [];
      } catch {
        return [];
      }
    })
    .filter((entry) => !/ECONNREFUSED|sentinels are unreachable/.test(entry.err?.message ?? ""))
    .slice(-30)
    .map(
      (entry) =>
        `${new Date(entry.time).toISOString()} ${entry.msg}${entry.queue ? ` [${entry.queue}]` : ""}: ${entry.err?.message ?? ""}`,
    );
  return [
    `deliveries by status: ${JSON.stringify(deliveries.map((row) => [row.status, row._count]))}`,
    `unrouted events: ${unrouted[0]?.n}`,
    ...counts,
    "worker log (warnings and info, connection errors left out):",
    ...log,
  ].join("\n");
}
