import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as deliveryRoute from "@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/route";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, ingest } from "../helpers/engine";
import { sample, scrapeWorker } from "../helpers/prometheus";
import { eventually } from "../helpers/receiver";
import { testEnv } from "../helpers/test-env";

// An endpoint's rate limit holds across worker processes: two real workers share one queue and
// one real receiver, which records when each request arrives.

// lib/env.ts reads the environment once per process: the in-process ingest and the workers must
// agree on the prefix from the start (engineUnderTest sets it when the file loads).
// Each worker serves its own metrics, which say how many of the requests it sent.
const METRICS_PORTS = [9481, 9482];
const engine = engineUnderTest(
  "ratelimit",
  (index) => ({ HERALD_WORKER_METRICS_PORT: String(METRICS_PORTS[index]) }),
  { workers: 2 },
);

/** The most arrivals in any closed one-second window [t, t + 1000 ms] starting at an arrival. */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! <= sorted[start]! + 1000) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

async function ingestEvents(appId: string, count: number, perRequest = 20) {
  for (let start = 0; start < count; start += perRequest) {
    const events = Array.from({ length: Math.min(perRequest, count - start) }, (_, index) => ({
      name: "client_event",
      channel: "private-rate",
      event: "client-x",
      data: `e-${start + index}`,
    }));
    expect((await ingest(appId, events)).status).toBe(202);
  }
}

/** An app whose endpoint gets one request per event at its own receiver path. */
async function unbatchedEndpoint(name: string, rateLimit: { perSecond: number } | null) {
  const app = await makeApp();
  const hook = `/${uniqueId(name)}`;
  const endpoint = await makeEndpoint(app.id, {
    url: engine.receiver.url(hook),
    eventTypes: ["client_event"],
    batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    rateLimit,
  });
  return { app, hook, endpoint };
}

const readDelivery = (appId: string, deliveryId: string) =>
  call(deliveryRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries/${deliveryId}`, {
    params: { appId, deliveryId },
  });

describe("per-endpoint rate limit across workers", () => {
  /**
   * 60 events at an endpoint limited to 10/s: the limit binds and holds, and every delivery goes
   * out once. Returns how many each worker sent.
   */
  async function limitedRound(): Promise<number[]> {
    const { app, hook, endpoint } = await unbatchedEndpoint("limited", { perSecond: 10 });
    const total = 60;
    await ingestEvents(app.id, total);

    // While the limit holds deliveries back, the log says why, and the wait is no attempt.
    const waiting = await eventually(
      () =>
        db.delivery.findFirst({
          where: { endpointId: endpoint.id, status: "pending", lastError: { not: null } },
        }),
      { what: "a delivery waiting for the rate limit" },
    );
    const shown = await readDelivery(app.id, waiting.id);
    expect(shown.status).toBe(200);
    expect(shown.body.lastError).toBe("waiting for the endpoint's rate limit (10/s)");
    expect(shown.body.attemptCount).toBe(0);
    expect(await db.attempt.count({ where: { deliveryId: waiting.id } })).toBe(0);

    await eventually(() => engine.receiver.at(hook).length >= total, {
      timeoutMs: 60_000,
      what: `${total} requests at the limited endpoint`,
    });
    const arrivals = engine.receiver.at(hook).map((request) => request.receivedAt);
    expect(arrivals).toHaveLength(total);
    // The limit binds (a full second's worth goes out at once) and is never passed.
    expect(busiestSecond(arrivals)).toBe(10);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(5000);

    // Every delivery went out once, as its first and only attempt.
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
        total,
      { what: "every delivery recorded as succeeded" },
    );
    const deliveries = await db.delivery.findMany({ where: { endpointId: endpoint.id } });
    expect(deliveries.map((delivery) => delivery.attemptCount)).toEqual(Array(total).fill(1));
    expect(deliveries.every((delivery) => delivery.lastError === null)).toBe(true);
    expect(
      await db.attempt.count({ where: { deliveryId: { in: deliveries.map((d) => d.id) } } }),
    ).toBe(total);

    // Both workers sent part of them: the limit held across processes, not within one.
    const sentBy = await eventually(
      async () => {
        const counts = await Promise.all(
          METRICS_PORTS.map(
            async (port) =>
              sample(await scrapeWorker(port), "herald_deliveries_total", {
                endpoint: endpoint.id,
                outcome: "succeeded",
              }) ?? 0,
          ),
        );
        return counts[0]! + counts[1]! === total && counts;
      },
      { what: "both workers' counts of succeeded deliveries" },
    );
    return sentBy;
  }

  it("never lets a 10/s receiver see more than 10 requests in a second from two workers", async () => {
    // Both workers must send part of them, or the limit held within one process, not across two.
    // One deliver job claims up to 100 deliveries, so on a busy machine one worker can take all 60
    // in a round; a round like that proves nothing about the other, so it is run again.
    const rounds: number[][] = [];
    do rounds.push(await limitedRound());
    while (rounds.length < 3 && !rounds.at(-1)!.every((count) => count > 0));
    expect(
      rounds.at(-1)!.every((count) => count > 0),
      `sent by each worker: ${JSON.stringify(rounds)}`,
    ).toBe(true);
  }, 150_000);

  it("makes no Redis call for an endpoint without a limit", async () => {
    const { app, hook, endpoint } = await unbatchedEndpoint("unlimited", null);
    await ingestEvents(app.id, 30);
    await eventually(() => engine.receiver.at(hook).length >= 30, {
      what: "30 unlimited requests",
    });
    // The limiter's log is only ever written by its script: no key, no call.
    const redis = new Redis(testEnv.REDIS_URL);
    try {
      expect(await redis.exists(`${engine.prefix}:rate-limit:${endpoint.id}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
    // And nothing held it to a rate.
    expect(
      busiestSecond(engine.receiver.at(hook).map((request) => request.receivedAt)),
    ).toBeGreaterThan(10);
  });
});

describe("rateLimit in the endpoints API", () => {
  const endpointsPath = (appId: string) => `/api/v1/apps/${appId}/endpoints`;
  const valid = { url: "https://hooks.example.com/pusher", eventTypes: ["channel_occupied"] };

  it.each([0, 10_001, 2.5, "10"])("refuses perSecond %s with a 422 naming it", async (bad) => {
    const app = await makeApp();
    const result = await call(endpointsRoute.POST, "POST", endpointsPath(app.id), {
      params: { appId: app.id },
      body: { ...valid, rateLimit: { perSecond: bad } },
    });
    expect(result.status).toBe(422);
    const detail = result.body.error.details.find(
      (entry: { field: string }) => entry.field === "rateLimit.perSecond",
    );
    expect(detail.issue).toBe("must be a whole number of requests per second from 1 to 10000");
    expect(await db.endpoint.count({ where: { appId: app.id } })).toBe(0);
  });

  it("stores, shows, changes and clears the limit", async () => {
    const app = await makeApp();
    const created = await call(endpointsRoute.POST, "POST", endpointsPath(app.id), {
      params: { appId: app.id },
      body: { ...valid, rateLimit: { perSecond: 25 } },
    });
    expect(created.status).toBe(201);
    expect(created.body.rateLimit).toEqual({ perSecond: 25 });
    const endpointId: string = created.body.id;
    const patch = (body: unknown) =>
      call(endpointRoute.PATCH, "PATCH", `${endpointsPath(app.id)}/${endpointId}`, {
        params: { appId: app.id, endpointId },
        body,
      });
    expect((await patch({ description: "other" })).body.rateLimit).toEqual({ perSecond: 25 });
    expect((await patch({ rateLimit: { perSecond: 10_000 } })).body.rateLimit).toEqual({
      perSecond: 10_000,
    });
    expect((await patch({ rateLimit: null })).body.rateLimit).toBeNull();
    expect(
      (await db.endpoint.findUniqueOrThrow({ where: { id: endpointId } })).rateLimitPerSecond,
    ).toBeNull();
    const withoutOne = await call(endpointsRoute.POST, "POST", endpointsPath(app.id), {
      params: { appId: app.id },
      body: valid,
    });
    expect(withoutOne.body.rateLimit).toBeNull();
  });

  it("is documented in the OpenAPI document with its range", async () => {
    const doc = (await call(openapiRoute.GET, "GET", "/api/v1/openapi.json")).body;
    for (const schema of ["Endpoint", "CreateEndpoint", "UpdateEndpoint"]) {
      const property = JSON.stringify(doc.components.schemas[schema].properties.rateLimit);
      expect(property, schema).toContain('"type":["object","null"]');
      expect(property, schema).toContain('"minimum":1,"maximum":10000');
    }
  });
});
