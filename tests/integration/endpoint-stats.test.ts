import { describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import * as statsRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/stats/route";
import { bucketSecondsFor } from "@/lib/services/endpoint-stats";
import { endpointStatsSchema } from "@/lib/validation/deliveries";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import {
  appScopedToken,
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
} from "../helpers/delivery-log-fixtures";

const stats = (
  appId: string,
  endpointId: string,
  query: Record<string, string> = {},
  token?: string,
) =>
  call(statsRoute.GET, "GET", `/api/v1/apps/${appId}/endpoints/${endpointId}/stats`, {
    params: { appId, endpointId },
    query,
    token,
  });

const HOUR = 3600_000;
const hourBucket = (time: Date) => new Date(Math.floor(time.getTime() / HOUR) * HOUR).toISOString();

/**
 * An endpoint with 5 attempts of known durations: 3 in the last minutes, 2 five hours ago, 1 older
 * than a day.
 */
async function endpointWithHistory() {
  const app = await makeApp();
  const endpoint = await makeEndpoint(app.id);
  const recent = new Date(Date.now() - 2 * 60_000);
  const fiveHoursAgo = new Date(Date.now() - 5 * HOUR);
  const delivery = async (status: "succeeded" | "failed" | "retrying", createdAt = recent) =>
    makeDelivery(endpoint, [await makeEvent(app.id)], { status, createdAt });

  const ok1 = await delivery("succeeded");
  const ok2 = await delivery("succeeded");
  const ok3 = await delivery("succeeded", fiveHoursAgo);
  const failed = await delivery("failed", fiveHoursAgo);
  const retrying = await delivery("retrying");
  await makeAttempt(ok1.id, { number: 1, durationMs: 100, responseStatus: 200, startedAt: recent });
  await makeAttempt(ok2.id, { number: 1, durationMs: 300, responseStatus: 204, startedAt: recent });
  await makeAttempt(retrying.id, {
    number: 1,
    durationMs: 500,
    responseStatus: 503,
    startedAt: recent,
  });
  await makeAttempt(ok3.id, {
    number: 1,
    durationMs: 200,
    responseStatus: 200,
    startedAt: fiveHoursAgo,
  });
  // A Lambda function error answers 200 but is a failure.
  await makeAttempt(failed.id, {
    number: 1,
    durationMs: 400,
    responseStatus: 200,
    error: "function error: Unhandled: boom",
    startedAt: fiveHoursAgo,
  });

  const old = await delivery("failed", new Date(Date.now() - 30 * HOUR));
  await makeAttempt(old.id, {
    number: 1,
    durationMs: 9000,
    responseStatus: null,
    error: "timeout",
    startedAt: new Date(Date.now() - 30 * HOUR),
  });

  // Another endpoint's slow attempts must not leak into these numbers.
  const neighbour = await makeEndpoint(app.id);
  const neighbourDelivery = await makeDelivery(neighbour, [await makeEvent(app.id)], {
    status: "failed",
  });
  await makeAttempt(neighbourDelivery.id, {
    number: 1,
    durationMs: 60_000,
    responseStatus: 500,
    startedAt: recent,
  });
  return { app, endpoint, recent, fiveHoursAgo, retrying, failed };
}

describe("GET /api/v1/apps/{appId}/endpoints/{endpointId}/stats", () => {
  it("counts deliveries, success rate and latency percentiles over the default 24h window", async () => {
    const { app, endpoint, retrying, failed } = await endpointWithHistory();
    const response = await stats(app.id, endpoint.id);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toMatchObject({ endpointId: endpoint.id, window: "24h", bucketSeconds: 3600 });
    expect(body.deliveries).toEqual({
      total: 5,
      pending: 0,
      delivering: 0,
      succeeded: 3,
      retrying: 1,
      failed: 1,
      cancelled: 0,
    });
    expect(endpointStatsSchema.strict().parse(body)).toBeTruthy();
    expect(body.successRate).toBe(0.75);
    expect(body.attempts).toEqual({ total: 5, succeeded: 3, failed: 2 });
    // Durations 100..500, from the latency histogram: linear inside the bucket holding the rank
    // (p50: rank 2.5 of 5 is half-way through [300, 400)).
    expect(body.latencyMs).toEqual({ p50: 350, p95: 575, p99: 595 });
    expect(body.recentFailures).toEqual([
      {
        attemptId: expect.any(String),
        deliveryId: retrying.id,
        number: 1,
        responseStatus: 503,
        error: null,
        startedAt: expect.any(String),
      },
      {
        attemptId: expect.any(String),
        deliveryId: failed.id,
        number: 1,
        responseStatus: 200,
        error: "function error: Unhandled: boom",
        startedAt: expect.any(String),
      },
    ]);
  });

  it("returns 24 hourly buckets with per-bucket counts and percentiles", async () => {
    const { app, endpoint, recent, fiveHoursAgo } = await endpointWithHistory();
    const { body } = await stats(app.id, endpoint.id, { window: "24h" });
    expect(body.buckets).toHaveLength(24);
    const starts = body.buckets.map((bucket: { start: string }) => Date.parse(bucket.start));
    expect(
      starts.every(
        (start: number, index: number) => index === 0 || start - starts[index - 1] === HOUR,
      ),
    ).toBe(true);
    expect(body.since).toBe(body.buckets[0].start);

    const byStart = new Map(
      body.buckets.map((bucket: { start: string }) => [bucket.start, bucket]),
    );
    expect(byStart.get(hourBucket(recent))).toEqual({
      start: hourBucket(recent),
      attempts: 3,
      succeeded: 2,
      failed: 1,
      p50: 350,
      p95: 585,
      p99: 597,
    });
    expect(byStart.get(hourBucket(fiveHoursAgo))).toEqual({
      start: hourBucket(fiveHoursAgo),
      attempts: 2,
      succeeded: 1,
      failed: 1,
      p50: 250,
      p95: 490,
      p99: 498,
    });
    const emptyBuckets = body.buckets.filter(
      (bucket: { attempts: number }) => bucket.attempts === 0,
    );
    expect(emptyBuckets).toHaveLength(22);
    expect(emptyBuckets[0]).toMatchObject({
      succeeded: 0,
      failed: 0,
      p50: null,
      p95: null,
      p99: null,
    });
  });

  it("widens to 7d (including the old timeout) and narrows to 1h", async () => {
    const { app, endpoint } = await endpointWithHistory();
    const week = (await stats(app.id, endpoint.id, { window: "7d" })).body;
    expect(week).toMatchObject({ window: "7d", bucketSeconds: 6 * 3600 });
    expect(week.buckets).toHaveLength(28);
    expect(week.deliveries.failed).toBe(2);
    expect(week.attempts).toEqual({ total: 6, succeeded: 3, failed: 3 });
    expect(week.latencyMs.p50).toBe(400);
    expect(week.recentFailures.at(-1)).toMatchObject({ responseStatus: null, error: "timeout" });

    const hour = (await stats(app.id, endpoint.id, { window: "1h" })).body;
    expect(hour).toMatchObject({ window: "1h", bucketSeconds: 60 });
    expect(hour.buckets).toHaveLength(60);
    expect(hour.attempts.total).toBe(3);
  });

  it("reports nulls, not zeros, when nothing happened", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    const { body } = await stats(app.id, endpoint.id);
    expect(body.successRate).toBeNull();
    expect(body.latencyMs).toEqual({ p50: null, p95: null, p99: null });
    expect(body.deliveries.total).toBe(0);
    expect(body.recentFailures).toEqual([]);
  });

  it("rejects a bad window and hides endpoints of other apps", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const endpoint = await makeEndpoint(app.id);
    for (const window of ["24", "1w", "0h", "1m", "91d", "-1h"]) {
      const response = await stats(app.id, endpoint.id, { window });
      expect(response.status, window).toBe(400);
      expect(response.body.error.details[0].field).toBe("window");
    }
    expect((await stats(app.id, "not-a-uuid")).status).toBe(404);
    expect((await stats(app.id, randomUUID())).status).toBe(404);
    expect((await stats(other.id, endpoint.id)).status).toBe(404);
    expect((await stats(app.id, endpoint.id, {}, await appScopedToken(other.id))).status).toBe(403);
    expect((await stats(app.id, endpoint.id, {}, await appScopedToken(app.id))).status).toBe(200);
  });

  it("picks buckets that draw any window in at most 60 points", () => {
    expect(bucketSecondsFor(3600)).toBe(60);
    expect(bucketSecondsFor(6 * 3600)).toBe(900);
    expect(bucketSecondsFor(86_400)).toBe(3600);
    expect(bucketSecondsFor(7 * 86_400)).toBe(6 * 3600);
    expect(bucketSecondsFor(90 * 86_400)).toBe(86_400);
  });
});
