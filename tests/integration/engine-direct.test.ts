import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { getRedis } from "@/lib/redis";
import { deleteEndpoint } from "@/lib/services/endpoints";
import { createWorkerContext } from "@/worker/context";
import { sendClaimed } from "@/worker/send-claimed";
import { DirectSends } from "@/worker/direct-sends";
import type { ClaimedRow } from "@/lib/engine/send";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { eventually, receivedEvents, startReceiver, type Receiver } from "../helpers/receiver";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "../helpers/worker-process";

// The direct path (docs/engine.md#the-direct-path): routing writes new deliveries already claimed
// for its worker, which sends them with no deliver job; a claim's Redis lock is what tells the
// reconciler the worker is still sending them.

let receiver: Receiver;
let running: WorkerProcess[] = [];
// One prefix for the file: the in-process ingest and the worker processes must agree.
const prefix = uniquePrefix("direct");
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

beforeAll(async () => {
  process.env.HERALD_QUEUE_PREFIX = prefix;
  receiver = await startReceiver();
});

afterEach(async () => {
  await Promise.all(running.map((worker) => worker.kill9().catch(() => undefined)));
  running = [];
});

afterAll(async () => {
  await receiver?.close();
  await closeQueues();
});

async function startWorker(env: Record<string, string> = {}) {
  const worker = await startWorkerProcess(prefix, env);
  running.push(worker);
  return worker;
}

const events = (ids: string[]) =>
  ids.map((id) => ({ id, name: "client_event", channel: `c-${id}`, event: "client-x", data: id }));

/** A delivery as a claim returns it: attempt 1, failure streak unknown. */
const claimedRow = (id: string, endpointId: string): ClaimedRow => ({
  id,
  endpointId,
  body: "{}",
  createdAt: new Date(),
  receivedAt: null,
  attemptNumber: 1,
  trigger: "auto",
  version: { endpointUpdatedAt: new Date(), appUpdatedAt: new Date() },
  consecutiveFailures: -1,
  ordered: false,
});

async function deliveriesOf(endpointId: string) {
  return db.delivery.findMany({
    where: { endpointId },
    include: { attempts: { orderBy: { number: "asc" } } },
    orderBy: { id: "asc" },
  });
}

async function allSucceeded(appId: string, count: number) {
  await eventually(
    async () => (await db.delivery.count({ where: { appId, status: "succeeded" } })) === count,
    { timeoutMs: 30_000, what: `${count} deliveries succeeded` },
  );
}

describe("direct path", () => {
  it("sends new deliveries from the routing pass that claimed them: one attempt each, no deliver job; ordered and rate-limited endpoints keep their deliver jobs", async () => {
    await startWorker();
    const app = await makeApp({ batching: unbatched });
    const [plainHook, orderedHook, limitedHook] = ["plain", "ordered", "limited"].map(
      (name) => `/${uniqueId(name)}`,
    );
    const plain = await makeEndpoint(app.id, {
      url: receiver.url(plainHook!),
      eventTypes: ["client_event"],
    });
    const ordered = await makeEndpoint(app.id, {
      url: receiver.url(orderedHook!),
      eventTypes: ["client_event"],
      ordering: "channel",
    });
    const limited = await makeEndpoint(app.id, {
      url: receiver.url(limitedHook!),
      eventTypes: ["client_event"],
      rateLimit: { perSecond: 1000 },
    });
    const ids = Array.from({ length: 40 }, (_, index) => `d-${index}`);
    expect((await ingest(app.id, events(ids))).status).toBe(202);
    await allSucceeded(app.id, 120);

    const sent = (path: string) =>
      receivedEvents(receiver.at(path))
        .map((event) => String(event.data))
        .sort();
    for (const hook of [plainHook!, orderedHook!, limitedHook!])
      expect(sent(hook)).toEqual([...ids].sort());

    const direct = await deliveriesOf(plain.id);
    // One ingest request, one routing pass, one claim.
    const claims = new Set(direct.map((delivery) => delivery.claimJobId));
    expect(claims.size).toBe(1);
    const [claim] = [...claims];
    expect(claim).toMatch(new RegExp(`^${prefix}:direct:[0-9a-f-]{36}$`));
    for (const delivery of direct) {
      expect(delivery.attemptCount).toBe(1);
      expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual([200]);
      // The body's time_ms is the routing time; the attempt starts after the routing commit.
      expect(delivery.attempts[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(
        delivery.createdAt.getTime(),
      );
    }
    // Recorded: the claim's lock is gone with its last outcome.
    await eventually(async () => (await getRedis().exists(`${claim}:lock`)) === 0, {
      what: "the direct claim's lock released",
    });

    for (const endpoint of [ordered, limited]) {
      const viaJobs = await deliveriesOf(endpoint.id);
      expect(viaJobs).toHaveLength(40);
      for (const delivery of viaJobs) expect(delivery.claimJobId).toContain(`${prefix}:deliver:`);
    }
  });

  it("sends only as many as its room directly; routing queues deliver jobs for the rest", async () => {
    await startWorker({ HERALD_DIRECT_SENDS: "10" });
    const app = await makeApp({ batching: unbatched });
    const hook = `/${uniqueId("room")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
    });
    const ids = Array.from({ length: 60 }, (_, index) => `r-${index}`);
    expect((await ingest(app.id, events(ids))).status).toBe(202);
    await allSucceeded(app.id, 60);

    const deliveries = await deliveriesOf(endpoint.id);
    const isDirect = (claim: string | null) => claim?.startsWith(`${prefix}:direct:`) ?? false;
    // The first ten in arrival order went directly; every delivery was sent once.
    expect(deliveries.map((delivery) => isDirect(delivery.claimJobId))).toEqual(
      ids.map((_, index) => index < 10),
    );
    expect(deliveries.every((delivery) => delivery.attempts.length === 1)).toBe(true);
    expect(receiver.at(hook)).toHaveLength(60);
  });

  it("takes back what a killed worker was sending directly: the attempt is logged as interrupted and sent again", async () => {
    const app = await makeApp({ batching: unbatched });
    const hook = `/${uniqueId("killed")}`;
    // The first five requests get no answer before the worker dies; later ones succeed.
    receiver.script(hook, (_, index) => (index < 5 ? { delayMs: 60_000 } : { status: 200 }));
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(hook),
      eventTypes: ["client_event"],
    });
    const first = await startWorker();
    const ids = Array.from({ length: 5 }, (_, index) => `k-${index}`);
    expect((await ingest(app.id, events(ids))).status).toBe(202);
    await eventually(() => receiver.at(hook).length === 5, { what: "five requests in flight" });
    const inFlight = await deliveriesOf(endpoint.id);
    expect(inFlight.map((delivery) => delivery.status)).toEqual(Array(5).fill("delivering"));
    const claim = inFlight[0]!.claimJobId!;
    expect(claim).toContain(`${prefix}:direct:`);
    await first.kill9();

    // The lock outlives the worker by up to 10 s; until then the claim is respected.
    expect(await getRedis().exists(`${claim}:lock`)).toBe(1);
    await startWorker();
    await allSucceeded(app.id, 5);
    expect(await getRedis().exists(`${claim}:lock`)).toBe(0);
    for (const delivery of await deliveriesOf(endpoint.id)) {
      expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual([null, 200]);
      expect(delivery.attempts[0]!.error).toMatch(/^interrupted: the worker stopped/);
    }
    expect(
      receivedEvents(receiver.at(hook).slice(5))
        .map((event) => String(event.data))
        .sort(),
    ).toEqual([...ids].sort());
  }, 60_000);

  it("lets routing passes of several apps running side by side all send directly", async () => {
    const apps = await Promise.all([0, 1, 2, 3].map(() => makeApp({ batching: unbatched })));
    const endpoints = await Promise.all(
      apps.map((app) =>
        makeEndpoint(app.id, {
          url: receiver.url(`/${uniqueId("side")}`),
          eventTypes: ["client_event"],
        }),
      ),
    );
    // Their routing jobs wait in the queue, so the worker starts them together.
    for (const app of apps)
      expect((await ingest(app.id, events([`s-${app.id}-1`, `s-${app.id}-2`]))).status).toBe(202);
    await startWorker();
    for (const app of apps) await allSucceeded(app.id, 2);
    for (const endpoint of endpoints)
      for (const delivery of await deliveriesOf(endpoint.id))
        expect(delivery.claimJobId).toContain(`${prefix}:direct:`);
  });

  it("shares its room between claims as their pages take it, and gets back what a pass did not commit", async () => {
    const sends = new DirectSends(10);
    const first = (await sends.reserve())!;
    const second = (await sends.reserve())!;
    expect(first.take(8)).toBe(8);
    expect(second.take(8)).toBe(2);
    expect(second.take(1)).toBe(0);
    expect(await sends.reserve()).toBeNull();
    // The first pass committed 3 of its 8 (a later page failed): 5 come back at once.
    first.claimed.push(claimedRow("a", "e"), claimedRow("b", "e"), claimedRow("c", "e"));
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const sent: string[] = [];
    sends.start(first, async (_, rows) => {
      sent.push(...rows.map((claimed) => claimed.id));
      await held;
    });
    const third = (await sends.reserve())!;
    expect(third.take(100)).toBe(5);
    // Recorded: the three sent give their room back, and the claim's lock is deleted.
    answer();
    await sends.idle();
    expect(sent.sort()).toEqual(["a", "b", "c"]);
    expect(third.take(100)).toBe(3);
    await eventually(async () => (await getRedis().exists(`${first.claimJobId}:lock`)) === 0, {
      what: "the first claim's lock deleted",
    });
    for (const claim of [second, third]) sends.start(claim, async () => undefined);
    await sends.idle();
  });

  it("cancels claimed deliveries whose endpoint was deleted before they were sent, with no attempt", async () => {
    const app = await makeApp({ batching: unbatched });
    const endpoint = await makeEndpoint(app.id, {
      url: receiver.url(`/${uniqueId("deleted")}`),
      eventTypes: ["client_event"],
    });
    const claimed = await db.delivery.create({
      data: {
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: ["x-1"],
        eventNames: ["client_event"],
        channels: ["c"],
        body: "{}",
        status: "delivering",
        attemptCount: 1,
        lastAttemptAt: new Date(),
        claimJobId: `${prefix}:direct:${uniqueId("claim")}`,
      },
    });
    // Deleting an endpoint leaves a claimed delivery to its worker.
    await deleteEndpoint(systemPrincipal, app.id, endpoint.id);
    await sendClaimed(createWorkerContext(), endpoint.id, [
      { ...claimedRow(claimed.id, endpoint.id), body: claimed.body, createdAt: claimed.createdAt },
    ]);
    const after = await db.delivery.findUniqueOrThrow({
      where: { id: claimed.id },
      include: { attempts: true },
    });
    expect(after).toMatchObject({ status: "cancelled", attemptCount: 0, endpointId: null });
    expect(after.lastError).toMatch(/endpoint was deleted/);
    expect(after.attempts).toEqual([]);
    expect(receiver.requests.filter((request) => request.path.includes("deleted"))).toEqual([]);
  });
});
