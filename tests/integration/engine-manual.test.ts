import Pusher from "pusher";
import { describe, expect, it } from "vitest";
import * as redeliverRoute from "@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/redeliver/route";
import * as recoverRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/recover/route";
import * as appRecoverRoute from "@/app/api/v1/apps/[appId]/recover/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as deliveryRoute from "@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/route";
import * as deliveriesRoute from "@/app/api/v1/apps/[appId]/deliveries/route";
import * as testRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/test/route";
import * as jobRoute from "@/app/api/v1/jobs/[jobId]/route";
import { db } from "@/lib/db";
import { deliverySchema } from "@/lib/validation/deliveries";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { call } from "../helpers/api";
import { ingest, engineUnderTest } from "../helpers/engine";
import { eventually } from "../helpers/receiver";

const engine = engineUnderTest("manual");
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

describe("redeliver", () => {
  it("sends a failed delivery again as a manual attempt", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("hook")}`;
    engine.receiver.script(hook, (_request, index) =>
      index === 0 ? { status: 400 } : { status: 200 },
    );
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    const failed = await eventually(() =>
      db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "failed" } }),
    );

    const result = await call(redeliverRoute.POST, "POST", "/", {
      params: { appId: app.id, deliveryId: failed.id },
    });
    expect(result.status).toBe(202);
    expect(result.body.delivery).toMatchObject({ id: failed.id, status: "pending" });
    const done = await eventually(() =>
      db.delivery.findFirst({
        where: { id: failed.id, status: "succeeded" },
        include: { attempts: { orderBy: { number: "asc" } } },
      }),
    );
    expect(
      done.attempts.map((attempt) => [attempt.number, attempt.trigger, attempt.responseStatus]),
    ).toEqual([
      [1, "auto", 400],
      [2, "manual", 200],
    ]);
    expect(engine.receiver.at(hook)[1]!.headers["x-herald-attempt"]).toBe("2");
    expect(engine.receiver.at(hook)[1]!.body).toBe(engine.receiver.at(hook)[0]!.body);
  });

  it("records on each attempt where it went, so a later URL change does not rewrite history", async () => {
    const app = await makeApp();
    const [oldHook, newHook] = [`/${uniqueId("fail")}`, `/${uniqueId("ok")}`];
    engine.receiver.script(oldHook, () => ({ status: 400 }));
    engine.receiver.script(newHook, () => ({ status: 200 }));
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(oldHook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "moved" }]);
    const failed = await eventually(() =>
      db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "failed" } }),
    );
    const moved = await call(endpointRoute.PATCH, "PATCH", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { url: engine.receiver.url(newHook) },
    });
    expect(moved.status).toBe(200);
    // The log's row says where its last attempt went, not where the endpoint sends now.
    const listedTarget = async () =>
      (
        await call(deliveriesRoute.GET, "GET", `/?endpointId=${endpoint.id}`, {
          params: { appId: app.id },
        })
      ).body.data.map((delivery: { lastTarget: string | null }) => delivery.lastTarget);
    expect(await listedTarget()).toEqual([engine.receiver.url(oldHook)]);
    await call(redeliverRoute.POST, "POST", "/", {
      params: { appId: app.id, deliveryId: failed.id },
    });
    await eventually(() =>
      db.delivery.findFirst({ where: { id: failed.id, status: "succeeded" } }),
    );
    expect(await listedTarget()).toEqual([engine.receiver.url(newHook)]);
    const shown = await call(deliveryRoute.GET, "GET", "/", {
      params: { appId: app.id, deliveryId: failed.id },
    });
    expect(
      shown.body.attempts.map((attempt: { responseStatus: number; target: string }) => [
        attempt.responseStatus,
        attempt.target,
      ]),
    ).toEqual([
      [400, engine.receiver.url(oldHook)],
      [200, engine.receiver.url(newHook)],
    ]);
    expect(shown.body.lastTarget).toBe(engine.receiver.url(newHook));
  });

  it("answers 404 for an unknown delivery and 409 when it is already scheduled", async () => {
    const app = await makeApp();
    expect(
      (
        await call(redeliverRoute.POST, "POST", "/", {
          params: { appId: app.id, deliveryId: "0190a0b0-0000-7000-8000-000000000001" },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(redeliverRoute.POST, "POST", "/", {
          params: { appId: app.id, deliveryId: "nope" },
        })
      ).status,
    ).toBe(404);
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url("/never"),
      eventTypes: ["channel_occupied"],
    });
    const pending = await db.delivery.create({
      data: {
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: ["x"],
        eventNames: ["channel_occupied"],
        channels: ["c"],
        body: "{}",
        status: "retrying",
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      },
    });
    const conflict = await call(redeliverRoute.POST, "POST", "/", {
      params: { appId: app.id, deliveryId: pending.id },
    });
    expect(conflict.status).toBe(409);
  });
});

describe("recover", () => {
  it("re-sends every failed delivery of an endpoint in a range as a background job with progress", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("hook")}`;
    let healthy = false;
    engine.receiver.script(hook, () => ({ status: healthy ? 200 : 400 }));
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied", "channel_vacated"],
      batching: unbatched,
    });
    const since = new Date(Date.now() - 1000).toISOString();
    await ingest(app.id, [
      { name: "channel_occupied", channel: "a" },
      { name: "channel_occupied", channel: "b" },
      { name: "channel_vacated", channel: "c" },
    ]);
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "failed" } })) === 3,
    );
    healthy = true;

    const bad = await call(recoverRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { since: "yesterday" },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].field).toBe("since");
    const unknownType = await call(recoverRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { since, eventTypes: ["channel_occupied", "nope"] },
    });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.error.details).toEqual([
      {
        field: "eventTypes.1",
        issue: "'nope' is not in the event type catalog, nor the event of any delivery of this app",
      },
    ]);

    const started = await call(recoverRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { since, eventTypes: ["channel_occupied"] },
    });
    expect(started.status).toBe(202);
    const job = await eventually(() =>
      db.backgroundJob.findFirst({ where: { id: started.body.jobId, status: "succeeded" } }),
    );
    expect(job).toMatchObject({ type: "recover", total: 2, processed: 2 });
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
        2,
    );
    expect(await db.delivery.count({ where: { endpointId: endpoint.id, status: "failed" } })).toBe(
      1,
    );
    expect(engine.receiver.at(hook)).toHaveLength(5);
    // The job's own "succeeded" only means re-queued: its outcome counts how they ended.
    const shown = await call(jobRoute.GET, "GET", "/", { params: { jobId: job!.id } });
    expect(shown.body.result).toEqual({ requeued: 2 });
    expect(shown.body.outcome).toEqual({ succeeded: 2, failed: 0, pending: 0 });

    // A type deleted from the catalog since still names the deliveries made of it.
    await db.delivery.updateMany({
      where: { endpointId: endpoint.id, status: "failed", eventNames: { has: "channel_vacated" } },
      data: { eventNames: ["order.retired"] },
    });
    const retired = await call(recoverRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { since, eventTypes: ["order.retired"] },
    });
    expect(retired.status).toBe(202);
    await eventually(() =>
      db.backgroundJob.findFirst({ where: { id: retired.body.jobId, status: "succeeded" } }),
    );
    await eventually(
      async () =>
        (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
        3,
    );
    expect(engine.receiver.at(hook)).toHaveLength(6);
  });
});

describe("recover across an app", () => {
  it("re-sends the failed deliveries of every enabled endpoint, and skips a disabled one", async () => {
    const app = await makeApp();
    const [hookA, hookB, hookOff] = [
      `/${uniqueId("a")}`,
      `/${uniqueId("b")}`,
      `/${uniqueId("off")}`,
    ];
    let healthy = false;
    for (const hook of [hookA, hookB, hookOff])
      engine.receiver.script(hook, () => ({ status: healthy ? 200 : 400 }));
    const make = (hook: string) =>
      makeEndpoint(app.id, {
        url: engine.receiver.url(hook),
        eventTypes: ["channel_occupied"],
        batching: unbatched,
      });
    const [a, b, off] = [await make(hookA), await make(hookB), await make(hookOff)];
    const since = new Date(Date.now() - 1000).toISOString();
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    await eventually(
      async () => (await db.delivery.count({ where: { appId: app.id, status: "failed" } })) === 3,
    );
    // A failed Test-button sample is never replayed to the receiver by Recover.
    const sample = await call(testRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: a.id },
    });
    expect(sample.body.status).toBe("failed");
    await db.endpoint.update({ where: { id: off.id }, data: { enabled: false } });
    healthy = true;

    expect(
      (
        await call(appRecoverRoute.POST, "POST", "/", {
          params: { appId: "no-such-app" },
          body: { since },
        })
      ).status,
    ).toBe(404);
    const started = await call(appRecoverRoute.POST, "POST", "/", {
      params: { appId: app.id },
      body: { since },
    });
    expect(started.status).toBe(202);
    const job = await eventually(() =>
      db.backgroundJob.findFirst({ where: { id: started.body.jobId, status: "succeeded" } }),
    );
    expect(job).toMatchObject({ type: "recover", total: 2, processed: 2 });
    for (const endpoint of [a, b])
      await eventually(
        async () =>
          (await db.delivery.count({ where: { endpointId: endpoint.id, status: "succeeded" } })) ===
          1,
      );
    expect(await db.delivery.count({ where: { endpointId: off.id, status: "failed" } })).toBe(1);
    expect(engine.receiver.at(hookOff)).toHaveLength(1);
    const kept = await call(deliveryRoute.GET, "GET", "/", {
      params: { appId: app.id, deliveryId: sample.body.deliveryId },
    });
    expect(kept.body).toMatchObject({ test: true, status: "failed", attemptCount: 1 });
    expect(engine.receiver.at(hookA)).toHaveLength(3); // the event, the sample, the recovered event
  });
});

describe("deleting an endpoint", () => {
  it("keeps its deliveries and attempts in the log, cancels the unsent ones, and refuses to redeliver them", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("hook")}`;
    engine.receiver.script(hook, () => ({ status: 400 }));
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
      batching: unbatched,
    });
    await ingest(app.id, [{ name: "channel_occupied", channel: "x" }]);
    const failed = await eventually(() =>
      db.delivery.findFirst({ where: { endpointId: endpoint.id, status: "failed" } }),
    );
    const waiting = await db.delivery.create({
      data: {
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: ["later"],
        eventNames: ["channel_occupied"],
        channels: ["y"],
        body: "{}",
        status: "retrying",
        nextAttemptAt: new Date(Date.now() + 3_600_000),
      },
    });

    const inFlight = await db.delivery.create({
      data: {
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: ["now"],
        eventNames: ["channel_occupied"],
        channels: ["z"],
        body: "{}",
        status: "delivering",
        attemptCount: 1,
        lastAttemptAt: new Date(),
      },
    });

    expect(
      (
        await call(endpointRoute.DELETE, "DELETE", "/", {
          params: { appId: app.id, endpointId: endpoint.id },
        })
      ).status,
    ).toBe(204);
    // The request in flight is left to finish, so its attempt is still logged.
    expect(await db.delivery.findUniqueOrThrow({ where: { id: inFlight.id } })).toMatchObject({
      status: "delivering",
      endpointId: null,
    });

    const kept = await call(deliveryRoute.GET, "GET", "/", {
      params: { appId: app.id, deliveryId: failed.id },
    });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ id: failed.id, endpointId: null, status: "failed" });
    expect(kept.body.attempts).toHaveLength(1);
    expect(deliverySchema.strict().parse(kept.body)).toBeTruthy(); // the documented shape allows the null
    const cancelled = await db.delivery.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(cancelled).toMatchObject({ status: "cancelled", endpointId: null, nextAttemptAt: null });
    expect(cancelled.lastError).toContain("endpoint was deleted");
    const again = await call(redeliverRoute.POST, "POST", "/", {
      params: { appId: app.id, deliveryId: failed.id },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("was deleted");
  });
});

describe("test event", () => {
  it("sends a signed sample event synchronously and reports the response", async () => {
    const app = await makeApp({ secret: "test-event-secret" });
    const hook = `/${uniqueId("hook")}`;
    engine.receiver.script(hook, () => ({ status: 202, body: "thanks" }));
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["member_added"],
    });
    const result = await call(testRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { channel: "presence-test" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      status: "succeeded",
      responseStatus: 202,
      responseBody: "thanks",
      error: null,
    });
    const [request] = engine.receiver.at(hook);
    expect(JSON.parse(request!.body).events[0]).toMatchObject({
      name: "member_added",
      channel: "presence-test",
    });
    const pusher = new Pusher({
      appId: app.id,
      key: app.key,
      secret: "test-event-secret",
      cluster: "mt1",
    });
    expect(pusher.webhook({ headers: request!.headers, rawBody: request!.body }).isValid()).toBe(
      true,
    );
    const delivery = await db.delivery.findUniqueOrThrow({
      where: { id: result.body.deliveryId },
      include: { attempts: true },
    });
    expect(delivery.status).toBe("succeeded");
    expect(delivery.attempts).toMatchObject([
      { number: 1, trigger: "manual", responseStatus: 202 },
    ]);

    engine.receiver.script(hook, () => ({ status: 500, body: "down" }));
    const failing = await call(testRoute.POST, "POST", "/", {
      params: { appId: app.id, endpointId: endpoint.id },
    });
    expect(failing.body).toMatchObject({
      status: "failed",
      responseStatus: 500,
      responseBody: "down",
    });
    // Without a channel, the sample takes one like those the endpoint gets: presence, for a member
    // event.
    expect(JSON.parse(engine.receiver.at(hook)[1]!.body).events[0]).toMatchObject({
      name: "member_added",
      channel: "presence-herald-test",
      user_id: "herald-test-user",
    });
  });
});

describe("test event and the failure streak", () => {
  it("records a failed test as a manual attempt that neither counts toward auto-disable nor disables on 410", async () => {
    const app = await makeApp();
    const hook = `/${uniqueId("hook")}`;
    engine.receiver.script(hook, (_request, index) =>
      index === 0 ? { status: 503, body: "later" } : { status: 410 },
    );
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["channel_occupied"],
    });
    await db.endpoint.update({ where: { id: endpoint.id }, data: { consecutiveFailures: 2 } });
    const sendTestEvent = () =>
      call(testRoute.POST, "POST", "/", { params: { appId: app.id, endpointId: endpoint.id } });

    const unavailable = await sendTestEvent();
    expect(unavailable.body).toMatchObject({
      status: "failed",
      responseStatus: 503,
      error: "HTTP 503",
    });
    const gone = await sendTestEvent();
    expect(gone.body).toMatchObject({ status: "failed", responseStatus: 410 });

    // A single try each: failed at once, no retry scheduled.
    for (const result of [unavailable, gone]) {
      const delivery = await db.delivery.findUniqueOrThrow({
        where: { id: result.body.deliveryId },
        include: { attempts: true },
      });
      expect(delivery).toMatchObject({ status: "failed", attemptCount: 1, nextAttemptAt: null });
      expect(delivery.attempts).toMatchObject([{ number: 1, trigger: "manual" }]);
    }
    expect(await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      enabled: true,
      consecutiveFailures: 2,
    });
  });
});
