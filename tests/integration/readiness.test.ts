import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as readyRoute from "@/app/api/health/ready/route";
import * as backlogRoute from "@/app/api/v1/apps/[appId]/backlog/route";
import { closeQueues } from "@/lib/jobs/queues";
import type { ReadinessResponse } from "@/lib/validation/observability";
import { makeApp } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { call } from "../helpers/api";
import { ingest } from "../helpers/engine";
import { sample, scrapeWeb } from "../helpers/prometheus";
import { eventually, startReceiver, type Receiver } from "../helpers/receiver";
import { startWorkerProcess, uniquePrefix, type WorkerProcess } from "../helpers/worker-process";

// The test database is shared by parallel test files whose leftovers may be due for a long time:
// a stall threshold of an hour keeps their backlog from deciding this file's answers.
const prefix = uniquePrefix("ready");
process.env.HERALD_QUEUE_PREFIX = prefix;
process.env.HERALD_STALL_ALERT_SECONDS = "3600";
process.env.HERALD_WORKER_TIMEOUT_SECONDS = "6";

let receiver: Receiver;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await worker?.terminate();
  await receiver.close();
  await closeQueues();
});

const ready = () => call(readyRoute.GET, "GET", "/api/health/ready", { token: null });
/** Polls readiness until it answers `status` (and `also` holds); returns that answer. */
const readyAnswers = (
  status: number,
  timeoutMs: number,
  what: string,
  also: (body: ReadinessResponse) => boolean = () => true,
) =>
  eventually(
    async () => {
      const res = await ready();
      return res.status === status && also(res.body) ? res : null;
    },
    { timeoutMs, what },
  );
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const events = (count: number) =>
  Array.from({ length: count }, (_, index) => ({
    name: "channel_occupied",
    channel: `c-${index}`,
  }));

describe("GET /api/health/ready", () => {
  it("turns 503 degraded while no worker runs and events wait, and 200 once one is back", async () => {
    const app = await makeApp();
    const path = "/ready";
    await makeEndpoint(app.id, { url: receiver.url(path), batching: unbatched });

    worker = await startWorkerProcess(prefix);
    const up = await eventually(async () => {
      const res = await ready();
      return res.status === 200 && res.body.workers?.live === 1 ? res : null;
    });
    expect(up.body).toMatchObject({ status: "ok", postgres: true, redis: true, problems: [] });

    // A graceful stop leaves the heartbeat set at once.
    await worker.terminate();
    worker = null;
    expect((await ingest(app.id, events(5))).status).toBe(202);
    // Other test files share this database and may leave work due: wait for these 5 events to be
    // counted (the backlog is cached for 3 s).
    const down = await readyAnswers(
      503,
      10_000,
      "503 counting the waiting events",
      (body) => (body.backlog?.eventsWaiting ?? 0) >= 5,
    );
    expect(down.body.status).toBe("degraded");
    expect(down.body.workers.live).toBe(0);
    expect(down.body.workers.lastSeenAt).not.toBeNull();
    expect(down.body.backlog.eventsWaiting).toBeGreaterThanOrEqual(5);
    expect(down.body.problems[0]).toMatch(/^No worker is running: .*\d+ events are waiting$/);

    const appView = await call(backlogRoute.GET, "GET", `/api/v1/apps/${app.id}/backlog`, {
      params: { appId: app.id },
    });
    expect(appView.status).toBe(200);
    expect(appView.body).toMatchObject({
      eventsWaiting: 5,
      deliveriesDue: 0,
      workers: { live: 0 },
      problems: ["No worker is running: 5 events are waiting"],
    });
    expect(appView.body.oldestDueAgeSeconds).toBeGreaterThan(0);
    const text = await scrapeWeb();
    expect(sample(text, "herald_events_waiting", { app: app.id })).toBe(5);
    expect(sample(text, "herald_oldest_due_age_seconds", { app: app.id })).toBeGreaterThan(0);
    expect(sample(text, "herald_workers_live")).toBe(0);

    worker = await startWorkerProcess(prefix);
    await eventually(() => receiver.at(path).length >= 5, { what: "the waiting events delivered" });
    const back = await readyAnswers(200, 10_000, "200 once the worker is back");
    expect(back.body.workers.live).toBe(1);
    const cleared = await eventually(async () => {
      const res = await call(backlogRoute.GET, "GET", `/api/v1/apps/${app.id}/backlog`, {
        params: { appId: app.id },
      });
      return res.body.eventsWaiting === 0 && res.body.deliveriesDue === 0 ? res : null;
    });
    expect(cleared.body.problems).toEqual([]);
  });

  it("notices a worker killed without a goodbye once its heartbeat times out", async () => {
    const app = await makeApp();
    await makeEndpoint(app.id, { url: receiver.url("/killed"), batching: unbatched });
    worker ??= await startWorkerProcess(prefix);
    await eventually(async () => (await ready()).status === 200);
    await worker.kill9();
    worker = null;
    expect((await ingest(app.id, events(3))).status).toBe(202);
    // HERALD_WORKER_TIMEOUT_SECONDS (6) plus the backlog cache and a loaded machine's slack.
    const down = await readyAnswers(503, 20_000, "503 after the heartbeat timed out");
    expect(down.body.workers.live).toBe(0);
    worker = await startWorkerProcess(prefix);
    await readyAnswers(200, 30_000, "200 after restart (the reconciler takes the work back)");
  });
});
