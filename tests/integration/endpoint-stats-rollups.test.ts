import { describe, expect, it } from "vitest";
import * as statsRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/stats/route";
import { db } from "@/lib/db";
import {
  LATENCY_BOUNDS_MS,
  bucketSecondsFor,
  rollUpAttemptsBetween,
  summariseRollups,
  type RollupRow,
} from "@/lib/services/endpoint-stats";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import {
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
} from "../helpers/delivery-log-fixtures";

// The stats are read from rollups kept by a trigger on attempts; here they are checked against the
// same figures computed from the raw attempts, on the same data.

const MINUTE = 60_000;
const DAY = 86_400_000;

const stats = (appId: string, endpointId: string, window: string) =>
  call(statsRoute.GET, "GET", `/api/v1/apps/${appId}/endpoints/${endpointId}/stats`, {
    params: { appId, endpointId },
    query: { window },
  });

/** A deterministic spread of durations (0 ms to over a minute) and outcomes. */
const DURATIONS = [0, 1, 7, 12, 45, 99, 100, 101, 250, 333, 999, 1000, 4321, 29_999, 61_000];

async function endpointWithSpread(spanMs: number, endMs = Date.now()) {
  const app = await makeApp();
  const endpoint = await makeEndpoint(app.id);
  const neighbour = await makeEndpoint(app.id);
  for (let index = 0; index < 60; index++) {
    const createdAt = new Date(endMs - ((index * 104_729_513) % spanMs) - MINUTE);
    const target = index % 9 === 0 ? neighbour : endpoint;
    const tries = 1 + (index % 3);
    const outcome = index % 5 === 0 ? "failed" : index % 7 === 0 ? "retrying" : "succeeded";
    const delivery = await makeDelivery(target, [await makeEvent(app.id)], {
      status: outcome,
      attemptCount: tries,
      createdAt,
    });
    for (let number = 1; number <= tries; number++) {
      const last = number === tries;
      const ok = last && outcome === "succeeded";
      await makeAttempt(delivery.id, {
        number,
        durationMs: DURATIONS[(index + number) % DURATIONS.length]!,
        responseStatus: ok ? 200 : index % 4 === 0 ? null : 503,
        error: !ok && index % 4 === 0 ? "timeout" : null,
        startedAt: new Date(createdAt.getTime() + number * 1000),
      });
    }
  }
  return { app, endpoint };
}

/** The stats' figures from the raw attempts: every attempt's own bucket, summed here. */
async function fromRawAttempts(
  endpointId: string,
  answer: { since: string; until: string; bucketSeconds: number },
) {
  const since = new Date(answer.since);
  const until = new Date(answer.until);
  const attempts = await db.attempt.findMany({
    where: { delivery: { endpointId }, startedAt: { gte: since, lte: until } },
    include: { delivery: { select: { status: true, attemptCount: true } } },
  });
  const bucketMs = answer.bucketSeconds * 1000;
  const rows: RollupRow[] = attempts.map((attempt) => {
    const ok =
      attempt.error === null &&
      attempt.responseStatus !== null &&
      attempt.responseStatus >= 200 &&
      attempt.responseStatus <= 299;
    const last = attempt.number === attempt.delivery.attemptCount;
    const latencyBucket = LATENCY_BOUNDS_MS.filter((bound) => attempt.durationMs >= bound).length;
    return {
      start: new Date(Math.floor(attempt.startedAt.getTime() / bucketMs) * bucketMs),
      latencyBucket,
      attempts: 1,
      succeeded: ok ? 1 : 0,
      deliveriesSucceeded: last && attempt.delivery.status === "succeeded" ? 1 : 0,
      deliveriesFailed: last && attempt.delivery.status === "failed" ? 1 : 0,
    };
  });
  const count = Math.ceil((until.getTime() - since.getTime() + 1) / bucketMs);
  const starts = Array.from(
    { length: count },
    (_, index) => new Date(since.getTime() + index * bucketMs),
  );
  const failed = attempts
    .filter(
      (attempt) =>
        attempt.error !== null ||
        attempt.responseStatus === null ||
        attempt.responseStatus < 200 ||
        attempt.responseStatus > 299,
    )
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
    .slice(0, 10);
  return {
    ...summariseRollups(rows, starts.slice(0, (answer as { buckets?: unknown[] }).buckets?.length)),
    recentFailures: failed.map((attempt) => ({
      attemptId: attempt.id,
      deliveryId: attempt.deliveryId,
      number: attempt.number,
      responseStatus: attempt.responseStatus,
      error: attempt.error,
      startedAt: attempt.startedAt.toISOString(),
    })),
  };
}

describe("endpoint stats from rollups", () => {
  it("equal the stats computed from the raw attempts, for short and long windows", async () => {
    const { app, endpoint } = await endpointWithSpread(29 * DAY);
    for (const window of ["1h", "6h", "24h", "7d", "30d"]) {
      const { body } = await stats(app.id, endpoint.id, window);
      expect(body.bucketSeconds).toBe(bucketSecondsFor(body.buckets.length * body.bucketSeconds));
      const raw = await fromRawAttempts(endpoint.id, body);
      expect({ window, attempts: body.attempts }).toEqual({ window, attempts: raw.attempts });
      expect({ window, latency: body.latencyMs }).toEqual({ window, latency: raw.latencyMs });
      expect({ window, buckets: body.buckets }).toEqual({ window, buckets: raw.buckets });
      expect({ window, recentFailures: body.recentFailures }).toEqual({
        window,
        recentFailures: raw.recentFailures,
      });
      expect({
        window,
        succeeded: body.deliveries.succeeded,
        failed: body.deliveries.failed,
      }).toEqual({
        window,
        succeeded: raw.deliveriesSucceeded,
        failed: raw.deliveriesFailed,
      });
    }
    const month = (await stats(app.id, endpoint.id, "30d")).body;
    expect(month.attempts.total).toBeGreaterThan(60);
    expect(month.latencyMs.p99).toBe(60_000);
  });

  it("lists the newest failures after the minute rollups are pruned, as the raw attempts say", async () => {
    const { app, endpoint } = await endpointWithSpread(29 * DAY);
    // What retention does after 2 days: only hourly rollups and the failed attempts are left.
    await db.endpointStatsMinute.deleteMany({ where: { endpointId: endpoint.id } });
    for (const window of ["1h", "24h", "7d", "30d"]) {
      const { body } = await stats(app.id, endpoint.id, window);
      const raw = await fromRawAttempts(endpoint.id, body);
      expect({ window, recentFailures: body.recentFailures }).toEqual({
        window,
        recentFailures: raw.recentFailures,
      });
    }
    const month = (await stats(app.id, endpoint.id, "30d")).body;
    expect(month.recentFailures).toHaveLength(10);
  });

  it("passes over a failure whose attempt is gone to the next one still logged", async () => {
    const { app, endpoint } = await endpointWithSpread(29 * DAY);
    // As when retention drops the day of a redelivered old delivery: its attempts go, the row of
    // its failure stays until its own start is past the cutoff.
    const [newest] = await db.endpointFailedAttempt.findMany({
      where: { endpointId: endpoint.id },
      orderBy: { startedAt: "desc" },
      take: 1,
    });
    await db.delivery.delete({ where: { id: newest!.deliveryId } });
    expect(
      await db.endpointFailedAttempt.count({ where: { deliveryId: newest!.deliveryId } }),
    ).toBe(1);

    const { body } = await stats(app.id, endpoint.id, "30d");
    const raw = await fromRawAttempts(endpoint.id, body);
    expect(body.recentFailures).toHaveLength(10);
    expect(body.recentFailures).toEqual(raw.recentFailures);
  });

  it("backfills from the attempts what the trigger wrote", async () => {
    // Twenty days ago, where no other test writes attempts: the step rolls up every endpoint's.
    const { endpoint } = await endpointWithSpread(10 * MINUTE, Date.now() - 20 * DAY);
    const rows = () =>
      db.endpointStatsMinute.findMany({
        where: { endpointId: endpoint.id },
        orderBy: [{ minute: "asc" }, { latencyBucket: "asc" }],
      });
    const hours = () =>
      db.endpointStatsHour.findMany({
        where: { endpointId: endpoint.id },
        orderBy: [{ hour: "asc" }, { latencyBucket: "asc" }],
      });
    const byTrigger = { minutes: await rows(), hours: await hours() };
    expect(byTrigger.minutes.reduce((sum, row) => sum + row.attempts, 0)).toBeGreaterThan(60);

    await db.endpointStatsMinute.deleteMany({ where: { endpointId: endpoint.id } });
    await db.endpointStatsHour.deleteMany({ where: { endpointId: endpoint.id } });
    const first = byTrigger.minutes[0]!.minute.getTime();
    const last = byTrigger.minutes.at(-1)!.minute.getTime();
    // Only this endpoint's rows are compared: others' attempts in the range may be rolled up too.
    await rollUpAttemptsBetween(new Date(first), new Date(last + MINUTE));
    expect({ minutes: await rows(), hours: await hours() }).toEqual(byTrigger);
  });
});
