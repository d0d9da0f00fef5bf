import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import * as deliveriesRoute from "@/app/api/v1/apps/[appId]/deliveries/route";
import * as deliveryRoute from "@/app/api/v1/apps/[appId]/deliveries/[deliveryId]/route";
import * as jobRoute from "@/app/api/v1/jobs/[jobId]/route";
import { db } from "@/lib/db";
import { backgroundJobSchema, deliverySchema } from "@/lib/validation/deliveries";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import {
  appScopedToken,
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
} from "../helpers/delivery-log-fixtures";

const list = (appId: string, query: Record<string, string> = {}, token?: string) =>
  call(deliveriesRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries`, {
    params: { appId },
    query,
    token,
  });
const read = (appId: string, deliveryId: string, token?: string) =>
  call(deliveryRoute.GET, "GET", `/api/v1/apps/${appId}/deliveries/${deliveryId}`, {
    params: { appId, deliveryId },
    token,
  });

const ids = (page: { data: { id: string }[] }) => page.data.map((delivery) => delivery.id);
const newestFirst = (rows: { id: string }[]) =>
  rows
    .map((row) => row.id)
    .sort()
    .reverse();

describe("GET /api/v1/apps/{appId}/deliveries", () => {
  it("lists newest first without bodies and pages through every delivery exactly once", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const created = [];
    for (let index = 0; index < 5; index++)
      created.push(await makeDelivery(endpoint, [await makeEvent(app.id)]));

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(app.id, { limit: "2", ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      for (const delivery of page.body.data) expect(delivery.body).toBeUndefined();
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(newestFirst(created));
  });

  it("shows a delivery as the contract says", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const event = await makeEvent(app.id, { name: "client_event", channel: "presence-room" });
    const nextAttemptAt = new Date(Date.now() + 60_000);
    const delivery = await makeDelivery(endpoint, [event], {
      status: "retrying",
      attemptCount: 2,
      nextAttemptAt,
      lastResponseStatus: 503,
      lastError: null,
    });
    const page = await list(app.id);
    expect(page.body.data).toEqual([
      {
        id: delivery.id,
        appId: app.id,
        endpointId: endpoint.id,
        eventIds: [event.id],
        eventNames: ["client_event"],
        channels: ["presence-room"],
        status: "retrying",
        test: false,
        attemptCount: 2,
        nextAttemptAt: nextAttemptAt.toISOString(),
        lastAttemptAt: null,
        lastResponseStatus: 503,
        lastError: null,
        // No attempt recorded (the factory writes none): nowhere sent yet.
        lastTarget: null,
        createdAt: delivery.createdAt.toISOString(),
        updatedAt: delivery.updatedAt.toISOString(),
      },
    ]);
    expect(page.body.nextCursor).toBeNull();
  });

  it("filters by status (one or a list), endpoint, event name, channel and time range", async () => {
    const app = await makeApp();
    const first = await makeEndpoint(app.id);
    const second = await makeEndpoint(app.id);
    const occupied = await makeEvent(app.id, { name: "channel_occupied", channel: "private-a" });
    const vacated = await makeEvent(app.id, { name: "channel_vacated", channel: "presence-b" });
    const hourAgo = new Date(Date.now() - 3600_000);
    const dayAgo = new Date(Date.now() - 86_400_000);
    const succeeded = await makeDelivery(first, [occupied], { status: "succeeded" });
    const failed = await makeDelivery(first, [vacated], { status: "failed", createdAt: hourAgo });
    const retrying = await makeDelivery(second, [occupied, vacated], {
      status: "retrying",
      createdAt: dayAgo,
    });

    expect(ids((await list(app.id, { status: "failed" })).body)).toEqual([failed.id]);
    expect(ids((await list(app.id, { status: "failed, retrying" })).body)).toEqual(
      newestFirst([failed, retrying]),
    );
    expect(ids((await list(app.id, { endpointId: second.id })).body)).toEqual([retrying.id]);
    expect(ids((await list(app.id, { eventName: "channel_occupied" })).body)).toEqual(
      newestFirst([succeeded, retrying]),
    );
    expect(ids((await list(app.id, { channel: "presence-b" })).body)).toEqual(
      newestFirst([failed, retrying]),
    );
    expect(ids((await list(app.id, { channel: "presence-b", status: "failed" })).body)).toEqual([
      failed.id,
    ]);
    const since = new Date(Date.now() - 2 * 3600_000).toISOString();
    expect(ids((await list(app.id, { since })).body)).toEqual(newestFirst([succeeded, failed]));
    const until = new Date(Date.now() - 30 * 60_000).toISOString();
    expect(ids((await list(app.id, { since, until })).body)).toEqual([failed.id]);
    expect(ids((await list(app.id, { endpointId: randomUUID() })).body)).toEqual([]);
  });

  it("rejects bad filters with 400 naming the field", async () => {
    const app = await makeApp();
    const cases: [Record<string, string>, string][] = [
      [{ status: "delivered" }, "status"],
      [{ status: "," }, "status"],
      [{ endpointId: "not-a-uuid" }, "endpointId"],
      [{ since: "yesterday" }, "since"],
      [{ since: "2026-01-02T00:00:00Z", until: "2026-01-01T00:00:00Z" }, "until"],
      [{ limit: "0" }, "limit"],
      [{ cursor: "bm90LWEtdXVpZA" }, "cursor"],
    ];
    for (const [query, field] of cases) {
      const response = await list(app.id, query);
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(
        response.body.error.details.map((detail: { field: string }) => detail.field.split(".")[0]),
      ).toContain(field);
    }
  });

  it("answers 404 for an unknown app and 403 to a token limited to another app", async () => {
    expect((await list("no-such-app-404")).status).toBe(404);
    const app = await makeApp();
    const other = await makeApp();
    await makeDelivery(await makeEndpoint(app.id), [await makeEvent(app.id)]);
    const otherToken = await appScopedToken(other.id);
    const foreign = await list(app.id, {}, otherToken);
    expect(foreign.status).toBe(403);
    const ownToken = await appScopedToken(app.id);
    const own = await list(app.id, {}, ownToken);
    expect(own.status).toBe(200);
    expect(own.body.data).toHaveLength(1);
  });
});

describe("GET /api/v1/apps/{appId}/deliveries/{deliveryId}", () => {
  it("returns the exact body and every attempt ordered by number", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const delivery = await makeDelivery(
      endpoint,
      [await makeEvent(app.id, { name: "client_event", userId: "42" })],
      { status: "succeeded", attemptCount: 3 },
    );
    const started = Date.now() - 10_000;
    // Written out of order: the API must order by number, not insertion.
    await makeAttempt(delivery.id, {
      number: 3,
      trigger: "manual",
      startedAt: new Date(started + 2000),
      responseStatus: 200,
      durationMs: 12,
    });
    await makeAttempt(delivery.id, {
      number: 1,
      startedAt: new Date(started),
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      durationMs: 10_000,
      error: "timeout after 10000 ms",
    });
    await makeAttempt(delivery.id, {
      number: 2,
      startedAt: new Date(started + 1000),
      responseStatus: 503,
      responseBody: "busy",
      durationMs: 80,
    });

    const response = await read(app.id, delivery.id);
    expect(response.status).toBe(200);
    expect(response.body.body).toBe(delivery.body);
    expect(JSON.parse(response.body.body).events[0]).toMatchObject({
      name: "client_event",
      user_id: "42",
    });
    expect(response.body.attempts.map((attempt: { number: number }) => attempt.number)).toEqual([
      1, 2, 3,
    ]);
    expect(response.body.attempts[0]).toEqual({
      id: expect.any(String),
      number: 1,
      trigger: "auto",
      requestHeaders: {
        "content-type": "application/json",
        "x-pusher-key": "key",
        "x-pusher-signature": "********abcd",
      },
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      durationMs: 10_000,
      error: "timeout after 10000 ms",
      startedAt: new Date(started).toISOString(),
      // Recorded without one (as attempts from before targets were kept): null, not a guess.
      target: null,
    });
    expect(response.body.attempts[2]).toMatchObject({ trigger: "manual", responseStatus: 200 });
    // The documented (OpenAPI) shape is the shape served.
    expect(deliverySchema.strict().parse(response.body)).toBeTruthy();
  });

  it("answers 404 for a malformed id, an unknown id and another app's delivery", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const othersDelivery = await makeDelivery(await makeEndpoint(other.id), [
      await makeEvent(other.id),
    ]);
    for (const deliveryId of [
      "not-a-uuid",
      "1; DROP TABLE deliveries",
      randomUUID(),
      othersDelivery.id,
    ]) {
      const response = await read(app.id, deliveryId);
      expect(response.status, deliveryId).toBe(404);
      expect(response.body.error.code).toBe("not_found");
    }
    expect((await read(other.id, othersDelivery.id)).status).toBe(200);
    expect((await read(other.id, othersDelivery.id, await appScopedToken(app.id))).status).toBe(
      403,
    );
  });
});

describe("GET /api/v1/jobs/{jobId}", () => {
  const readJob = (jobId: string, token?: string) =>
    call(jobRoute.GET, "GET", `/api/v1/jobs/${jobId}`, { params: { jobId }, token });

  it("shows a job's progress and hides other apps' jobs from app-scoped tokens", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const job = await db.backgroundJob.create({
      data: {
        type: "recover",
        status: "running",
        appId: app.id,
        params: { endpointId: randomUUID() },
        total: 8,
        processed: 2,
        createdBy: "bootstrap",
      },
    });
    const response = await readJob(job.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: job.id,
      type: "recover",
      status: "running",
      appId: app.id,
      total: 8,
      processed: 2,
      progress: 0.25,
      result: null,
      error: null,
      finishedAt: null,
    });

    expect((await readJob(job.id, await appScopedToken(app.id))).status).toBe(200);
    expect((await readJob(job.id, await appScopedToken(other.id))).status).toBe(404);
    const deploymentWide = await db.backgroundJob.create({
      data: {
        type: "import",
        status: "succeeded",
        params: {},
        result: { apps: 2 },
        createdBy: "bootstrap",
        finishedAt: new Date(),
      },
    });
    expect((await readJob(deploymentWide.id, await appScopedToken(app.id))).status).toBe(404);
    const finished = await readJob(deploymentWide.id);
    expect(finished.body).toMatchObject({
      status: "succeeded",
      progress: 1,
      result: { apps: 2 },
      finishedAt: expect.any(String),
    });
    expect(backgroundJobSchema.strict().parse(finished.body)).toBeTruthy();
  });

  it("answers 404 for malformed and unknown job ids", async () => {
    expect((await readJob("nope")).status).toBe(404);
    expect((await readJob(randomUUID())).status).toBe(404);
  });
});
