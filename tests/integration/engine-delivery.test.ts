import Pusher from "pusher";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { encryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { updateEndpoint } from "@/lib/services/endpoints";
import { getDelivery } from "@/lib/services/deliveries";
import { makeEndpoint } from "../factories/endpoints";
import { deliveredEventIds, engineUnderTest, ingest, routingCommitted } from "../helpers/engine";
import { eventually, receivedEvents } from "../helpers/receiver";

const engine = engineUnderTest("delivery", { HERALD_AUTO_DISABLE_THRESHOLD: "3" });
// Wide enough that a loaded machine cannot split the cache_miss burst across two windows.
process.env.HERALD_CACHE_MISS_WINDOW_MS = "10000";

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

const path = () => `/${uniqueId("hook")}`;

describe("delivery", () => {
  it("sends a request the official pusher and standardwebhooks packages accept", async () => {
    const app = await makeApp({ secret: "delivery-app-secret" });
    const hook = path();
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
      batching: unbatched,
      headers: {
        "X-Tenant": "acme",
        "Content-Type": "text/plain",
        "X-Latin": "café",
        "X-Tab": "a\tb",
      },
    });
    const result = await ingest(app.id, [
      {
        name: "client_event",
        channel: "private-chat",
        event: "client-typing",
        data: { typing: true },
        socket_id: "1.2",
        user_id: "42",
      },
    ]);
    expect(result.status).toBe(202);

    const [request] = await eventually(
      () => engine.receiver.at(hook).length === 1 && engine.receiver.at(hook),
      { what: "one request" },
    );
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers["x-tenant"]).toBe("acme");
    // Every value validation accepts is one the HTTP client sends: Latin-1 and tabs included.
    expect(request!.headers["x-latin"]).toBe("café");
    expect(request!.headers["x-tab"]).toBe("a\tb");
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "delivery-app-secret",
      cluster: "mt1",
    });
    expect(pusher.webhook({ headers: request!.headers, rawBody: request!.body }).isValid()).toBe(
      true,
    );
    expect(
      new Webhook(endpoint.standardWebhooks.secret).verify(request!.body, request!.headers),
    ).toBeTruthy();
    const body = JSON.parse(request!.body);
    expect(body.events).toEqual([
      {
        name: "client_event",
        channel: "private-chat",
        event: "client-typing",
        data: '{"typing":true}',
        socket_id: "1.2",
        user_id: "42",
      },
    ]);

    const delivery = await eventually(() =>
      db.delivery.findFirst({
        where: { endpointId: endpoint.id, status: "succeeded" },
        include: { attempts: true },
      }),
    );
    expect(request!.headers["x-herald-delivery-id"]).toBe(delivery.id);
    expect(request!.headers["webhook-id"]).toBe(delivery.id);
    expect(request!.headers["x-herald-attempt"]).toBe("1");
    expect(body.time_ms).toBe(delivery.createdAt.getTime());
    expect(delivery.body).toBe(request!.body);
    // The attempt keeps its headers in a shared set (lib/engine/header-sets.ts); read back they
    // are the headers the receiver got, secrets masked.
    expect(delivery.attempts[0]).toMatchObject({ requestHeaders: null });
    expect(delivery.attempts[0]!.requestHeaderSet).not.toBeNull();
    const headers = (await getDelivery(app.id, delivery.id)).attempts![0]!.requestHeaders;
    expect(headers["X-Pusher-Signature"]).toBe("********");
    expect(headers["webhook-signature"]).toBe("********");
    expect(headers["X-Tenant"]).toBe("********");
    // In the order a jsonb column returns keys (shorter first), as attempts stored inline read.
    const names = Object.keys(headers);
    expect(names).toEqual(
      [...names].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)),
    );
    for (const [name, value] of Object.entries(headers))
      if (value !== "********") expect(request!.headers[name.toLowerCase()]).toBe(value);
    const recordedNames = Object.keys(headers).map((name) => name.toLowerCase());
    for (const name of Object.keys(request!.headers).filter((received) =>
      /^(x-herald-|x-pusher-|webhook-)/.test(received),
    ))
      expect(recordedNames).toContain(name);
    expect(delivery.attempts[0]).toMatchObject({
      number: 1,
      trigger: "auto",
      responseStatus: 200,
      responseBody: "ok",
    });
  });

  it("sends each endpoint only the events its event types and filter select", async () => {
    const app = await makeApp({ batching: { enabled: true, durationMs: 100, maxBatchSize: 100 } });
    const privateHook = path();
    const presenceHook = path();
    const privateEndpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(privateHook),
      eventTypes: ["channel_occupied"],
      filter: { channelPrefix: "private-" },
    });
    const presenceEndpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(presenceHook),
      eventTypes: ["member_added"],
      filter: { channelType: "presence" },
    });
    await ingest(app.id, [
      { id: "e1", name: "channel_occupied", channel: "private-a" },
      { id: "e2", name: "channel_occupied", channel: "public-b" },
      { id: "e3", name: "member_added", channel: "presence-c", user_id: "1" },
      { id: "e4", name: "member_added", channel: "private-d", user_id: "1" },
      { id: "e5", name: "channel_vacated", channel: "private-a" },
    ]);
    await eventually(
      () =>
        engine.receiver.at(privateHook).length >= 1 && engine.receiver.at(presenceHook).length >= 1,
    );
    // Every request an endpoint gets is one of its delivery rows: unwanted events have none.
    await routingCommitted(app.id, [privateEndpoint.id, presenceEndpoint.id]);
    expect(await deliveredEventIds(privateEndpoint.id)).toEqual([["e1"]]);
    expect(await deliveredEventIds(presenceEndpoint.id)).toEqual([["e3"]]);
    expect(receivedEvents(engine.receiver.at(privateHook))).toEqual([
      { name: "channel_occupied", channel: "private-a" },
    ]);
    expect(receivedEvents(engine.receiver.at(presenceHook))).toEqual([
      { name: "member_added", channel: "presence-c", user_id: "1" },
    ]);
  });

  it("matches an open batch window again when it closes: an edit of event types or filter meanwhile is obeyed", async () => {
    const app = await makeApp({ batching: { enabled: true, durationMs: 3000, maxBatchSize: 100 } });
    const hook = path();
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied", "channel_vacated"],
    });
    await ingest(app.id, [
      { id: "w1", name: "channel_occupied", channel: "private-x1" },
      { id: "w2", name: "channel_vacated", channel: "public-x2" },
      { id: "w3", name: "channel_occupied", channel: "public-x3" },
    ]);
    await eventually(
      async () => (await db.batchItem.count({ where: { endpointId: endpoint.id } })) === 3,
      { what: "the events waiting in the window" },
    );
    await updateEndpoint(systemPrincipal, app.id, endpoint.id, {
      eventTypes: ["channel_occupied"],
      filter: { channelPrefix: "private-" },
    });

    await eventually(() => engine.receiver.at(hook).length >= 1, { what: "the window's delivery" });
    // The window's flush has committed: its one delivery row is all the endpoint will get.
    await routingCommitted(app.id, [endpoint.id]);
    expect(await deliveredEventIds(endpoint.id)).toEqual([["w1"]]);
    expect(engine.receiver.at(hook)).toHaveLength(1);
    expect(receivedEvents(engine.receiver.at(hook))).toEqual([
      { name: "channel_occupied", channel: "private-x1" },
    ]);
    expect(await db.batchItem.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(
      (await db.delivery.findMany({ where: { endpointId: endpoint.id } })).map(
        (delivery) => delivery.eventIds,
      ),
    ).toEqual([["w1"]]);
  });

  it("batches a burst into few requests, in arrival order, never mixing apps", async () => {
    const batching = { enabled: true, durationMs: 400, maxBatchSize: 50 };
    const appA = await makeApp({ batching });
    const appB = await makeApp({ batching });
    const hookA = path();
    const hookB = path();
    await makeEndpoint(appA.id, { url: engine.receiver.url(hookA), eventTypes: ["client_event"] });
    await makeEndpoint(appB.id, { url: engine.receiver.url(hookB), eventTypes: ["client_event"] });
    const idsA = Array.from({ length: 120 }, (_, index) => `a-${index}`);
    const idsB = Array.from({ length: 30 }, (_, index) => `b-${index}`);
    for (let start = 0; start < 120; start += 40) {
      await Promise.all([
        ingest(
          appA.id,
          idsA
            .slice(start, start + 40)
            .map((id) => ({ id, name: "client_event", channel: "c", event: "client-x", data: id })),
        ),
        start < 30
          ? ingest(
              appB.id,
              idsB.slice(start, start + 10).map((id) => ({
                id,
                name: "client_event",
                channel: "c",
                event: "client-x",
                data: id,
              })),
            )
          : null,
      ]);
    }
    await ingest(
      appB.id,
      idsB
        .slice(10)
        .map((id) => ({ id, name: "client_event", channel: "c", event: "client-x", data: id })),
    );
    await eventually(
      () =>
        receivedEvents(engine.receiver.at(hookA)).length >= 120 &&
        receivedEvents(engine.receiver.at(hookB)).length >= 30,
      { what: "all batched events" },
    );
    const dataA = receivedEvents(engine.receiver.at(hookA)).map((event) => event.data);
    const dataB = receivedEvents(engine.receiver.at(hookB)).map((event) => event.data);
    expect(dataA).toEqual(idsA);
    expect(dataB).toEqual(idsB);
    expect(engine.receiver.at(hookA).length).toBeLessThanOrEqual(6);
    expect(engine.receiver.at(hookA).length).toBeGreaterThanOrEqual(3);
    expect(engine.receiver.at(hookB).length).toBeLessThanOrEqual(3);
    for (const request of engine.receiver.at(hookA))
      expect(JSON.parse(request.body).events.length).toBeLessThanOrEqual(50);
  });

  it("does not deliver a repeated event id again, and collapses cache_miss bursts", async () => {
    const app = await makeApp();
    const hook = path();
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied", "cache_miss"],
      batching: unbatched,
    });
    const first = await ingest(app.id, [{ id: "same", name: "channel_occupied", channel: "x" }]);
    const second = await ingest(app.id, [{ id: "same", name: "channel_occupied", channel: "x" }]);
    expect(first.body.accepted).toEqual(["same"]);
    expect(second.body.duplicates).toEqual(["same"]);
    await ingest(
      app.id,
      [1, 2, 3].map(() => ({ name: "cache_miss", channel: "cache-prices" })),
    );
    await ingest(app.id, [{ name: "cache_miss", channel: "cache-prices" }]);
    await eventually(() => engine.receiver.at(hook).length >= 2);
    // Routing committed one delivery for the repeated id and one for the whole cache_miss burst
    // (the first of them; the rest collapsed into it): nothing else will be sent.
    await routingCommitted(app.id, [endpoint.id]);
    const firstMiss = await db.event.findFirstOrThrow({
      where: { appId: app.id, name: "cache_miss", collapsedInto: null },
    });
    expect(
      await db.event.count({
        where: { appId: app.id, name: "cache_miss", collapsedInto: firstMiss.id },
      }),
    ).toBe(3);
    expect(await deliveredEventIds(endpoint.id)).toEqual([["same"], [firstMiss.id]]);
    // Separate unbatched deliveries may arrive in either order.
    const received = receivedEvents(engine.receiver.at(hook)).sort((a, b) =>
      String(a.name).localeCompare(String(b.name)),
    );
    expect(received).toEqual([
      { name: "cache_miss", channel: "cache-prices" },
      { name: "channel_occupied", channel: "x" },
    ]);
  });
});

describe("retries and failures", () => {
  it("retries 500 on the schedule, then succeeds, with the same delivery id", async () => {
    const app = await makeApp();
    const hook = path();
    engine.receiver.script(hook, (_request, index) =>
      index < 2 ? { status: 500, body: "boom" } : { status: 200 },
    );
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [1, 1] },
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    const delivery = await eventually(
      () =>
        db.delivery.findFirst({
          where: { endpointId: endpoint.id, status: "succeeded" },
          include: { attempts: { orderBy: { number: "asc" } } },
        }),
      { timeoutMs: 20_000 },
    );
    const requests = engine.receiver.at(hook);
    expect(requests.map((request) => request.headers["x-herald-attempt"])).toEqual(["1", "2", "3"]);
    expect(new Set(requests.map((request) => request.headers["x-herald-delivery-id"]))).toEqual(
      new Set([delivery.id]),
    );
    expect(new Set(requests.map((request) => request.headers["webhook-id"]))).toEqual(
      new Set([delivery.id]),
    );
    expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(700);
    expect(delivery.attemptCount).toBe(3);
    expect(delivery.attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 500, 200]);
    expect(delivery.attempts[0]!.responseBody).toBe("boom");
    // The three attempts share one header set; each reads back with its own number and second.
    expect(new Set(delivery.attempts.map((attempt) => attempt.requestHeaderSet)).size).toBe(1);
    const read = await getDelivery(app.id, delivery.id);
    expect(read.attempts!.map((attempt) => attempt.requestHeaders["X-Herald-Attempt"])).toEqual([
      "1",
      "2",
      "3",
    ]);
    expect(requests[0]!.headers["webhook-timestamp"]).toMatch(/^\d{10}$/);
    read.attempts!.forEach((attempt, index) =>
      expect(attempt.requestHeaders["webhook-timestamp"]).toBe(
        requests[index]!.headers["webhook-timestamp"],
      ),
    );
  });

  it("logs a request Herald cannot prepare as a failed attempt and runs the schedule out (the job never throws it back)", async () => {
    const app = await makeApp();
    const hook = path();
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [1] },
      headers: { "X-Tenant": "acme" },
    });
    // Encrypted with another HERALD_ENCRYPTION_KEY: decrypting it fails the AES-GCM tag check.
    const otherKey = Buffer.alloc(32, 9).toString("base64");
    await db.endpoint.update({
      where: { id: endpoint.id },
      data: { headersEncrypted: encryptSecret(JSON.stringify({ "X-Tenant": "acme" }), otherKey) },
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    const failed = await eventually(
      () =>
        db.delivery.findFirst({
          where: { endpointId: endpoint.id, status: "failed" },
          include: { attempts: { orderBy: { number: "asc" } } },
        }),
      { timeoutMs: 20_000 },
    );
    expect(failed.lastError).toMatch(
      /^gave up after 2 attempts; last: Herald could not prepare the request/,
    );
    expect(failed.attempts.map((attempt) => [attempt.number, attempt.responseStatus])).toEqual([
      [1, null],
      [2, null],
    ]);
    expect(failed.attempts[0]!.error).toMatch(/^Herald could not prepare the request: /);
    expect(engine.receiver.at(hook)).toHaveLength(0);
  });

  it("honours Retry-After", async () => {
    const app = await makeApp();
    const hook = path();
    engine.receiver.script(hook, (_request, index) =>
      index === 0 ? { status: 429, headers: { "Retry-After": "3" } } : { status: 204 },
    );
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [1] },
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    await eventually(
      () => db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "succeeded" } }),
      { timeoutMs: 20_000 },
    );
    const [first, second] = engine.receiver.at(hook);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2900);
  });

  it("treats other 4xx as final (dead letter, kept), and disables an endpoint answering 410", async () => {
    const app = await makeApp();
    const badHook = path();
    const goneHook = path();
    engine.receiver.script(badHook, () => ({ status: 400, body: "bad" }));
    engine.receiver.script(goneHook, () => ({ status: 410 }));
    const bad = await makeEndpoint(app.id, {
      url: engine.receiver.url(badHook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [1, 1] },
    });
    const gone = await makeEndpoint(app.id, {
      url: engine.receiver.url(goneHook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [1, 1] },
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    const failed = await eventually(() =>
      db.delivery.findFirst({ where: { endpointId: bad.id, status: "failed" } }),
    );
    expect(failed).toMatchObject({ attemptCount: 1, lastResponseStatus: 400 });
    const disabled = await eventually(() =>
      db.endpoint.findFirst({ where: { id: gone.id, enabled: false } }),
    );
    expect(disabled.disabledReason).toMatch(/410/);
    // Both deliveries ended failed after one attempt, with no retry due: none will be sent again.
    for (const endpoint of [bad, gone]) {
      const delivery = await eventually(() =>
        db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "failed" } }),
      );
      expect(delivery).toMatchObject({ attemptCount: 1, nextAttemptAt: null });
      expect(await db.delivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
    }
    expect(engine.receiver.at(badHook)).toHaveLength(1);
    expect(engine.receiver.at(goneHook)).toHaveLength(1);
    expect((await db.endpoint.findUniqueOrThrow({ where: { id: bad.id } })).enabled).toBe(true);
  });

  it("auto-disables an endpoint after the threshold of failed deliveries and keeps later events as failed", async () => {
    const app = await makeApp();
    const hook = path();
    engine.receiver.script(hook, () => ({ status: 500 }));
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
      retry: { scheduleSeconds: [] },
    });
    await ingest(
      app.id,
      [1, 2, 3].map((n) => ({ name: "channel_occupied", channel: `c${n}` })),
    );
    const disabled = await eventually(() =>
      db.endpoint.findFirst({ where: { id: endpoint.id, enabled: false } }),
    );
    expect(disabled.disabledReason).toMatch(/after 3 failed deliveries/);
    await ingest(app.id, [{ id: "while-disabled", name: "channel_occupied", channel: "later" }]);
    const kept = await eventually(() =>
      db.delivery.findFirst({
        where: { endpointId: endpoint.id, eventIds: { has: "while-disabled" } },
      }),
    );
    expect(kept.status).toBe("failed");
    expect(kept.lastError).toMatch(/endpoint disabled/);
    expect(engine.receiver.at(hook)).toHaveLength(3);
  });

  it("refuses private and metadata destinations that are not allowed", async () => {
    const app = await makeApp();
    // Saved while they were allowed (the API now refuses such a URL): the worker still checks.
    const endpoints = await Promise.all(
      ["http://10.0.0.1/hook", "http://169.254.169.254/latest/meta-data"].map(async (url) => {
        const endpoint = await makeEndpoint(app.id, {
          eventTypes: ["channel_occupied"],
          batching: unbatched,
          retry: { scheduleSeconds: [] },
        });
        await db.endpoint.update({ where: { id: endpoint.id }, data: { url } });
        return endpoint;
      }),
    );
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    for (const endpoint of endpoints) {
      const delivery = await eventually(() =>
        db.delivery.findFirst({
          where: { endpointId: endpoint.id, status: "failed" },
          include: { attempts: true },
        }),
      );
      expect(delivery.attempts[0]!.error).toMatch(/EDESTINATIONREFUSED/);
      expect(delivery.attempts[0]!.durationMs).toBeLessThan(500);
    }
  });
});
