import { afterAll, describe, expect, it } from "vitest";
import { closeQueues, getQueue, QUEUES } from "@/lib/jobs/queues";
import { reconcile } from "@/lib/services/reconcile";
import { makeApp } from "../factories";
import { makeEvent } from "../helpers/delivery-log-fixtures";
import { uniquePrefix } from "../helpers/worker-process";

// The reconciler's first step: apps whose routing job was lost (events waiting in the routing
// queue for longer than the grace) get a routing job again. No worker runs on this prefix, so the
// jobs it queues stay there to be read.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("reconcile");

afterAll(async () => {
  await closeQueues();
});

describe("reconciler", () => {
  it("queues one routing job per app whose oldest waiting event is past the grace, none for an app whose events just arrived", async () => {
    const longAgo = new Date(Date.now() - 3_600_000);
    const stuck = [await makeApp(), await makeApp()];
    for (const app of stuck) {
      for (let index = 0; index < 3; index += 1) await makeEvent(app.id, { receivedAt: longAgo, waiting: true });
    }
    const fresh = await makeApp();
    await makeEvent(fresh.id, { waiting: true });
    const routed = await makeApp();
    await makeEvent(routed.id, { receivedAt: longAgo });

    const report = await reconcile();

    const jobs = await getQueue(QUEUES.route).getJobs(["waiting", "delayed", "prioritized"]);
    const appsQueued = (appId: string) => jobs.filter((job) => job.data.appId === appId).length;
    expect(stuck.map((app) => appsQueued(app.id))).toEqual([1, 1]);
    expect(appsQueued(fresh.id)).toBe(0);
    expect(appsQueued(routed.id)).toBe(0);
    expect(report.appsWithUnroutedEvents).toBeGreaterThanOrEqual(2);
  });
});
