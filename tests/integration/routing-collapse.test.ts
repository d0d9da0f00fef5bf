import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { QUEUES } from "@/lib/jobs/definitions";
import { closeQueues } from "@/lib/jobs/queues";
import { createRedis } from "@/lib/redis";
import { createWorkerContext } from "@/worker/context";
import { queueProcessor } from "@/worker/registry";
import { makeApp } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { eventually } from "../helpers/receiver";
import { uniquePrefix } from "../helpers/worker-process";

// The one case collapsing could lose: a request that commits AFTER the running routing job took its
// page, while that job is still active. Its job must be kept and run when the active one finishes
// (keepLastIfActive), or its events would wait for the reconciler. Driven step by step with an
// in-process BullMQ worker running the real processor.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("collapse");
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
let worker: Worker | undefined;

afterAll(async () => {
  await worker?.close();
  await closeQueues();
});

describe("routing job collapse", () => {
  it("runs a follow-up pass for a request that committed while the routing job was active", async () => {
    const app = await makeApp({ batching: unbatched });
    await makeEndpoint(app.id, { url: "http://127.0.0.1:9/unused", eventTypes: ["client_event"] });

    let firstRouted!: () => void;
    const routedFirst = new Promise<void>((resolve) => (firstRouted = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let passes = 0;
    const routeEvents = queueProcessor(QUEUES.route, createWorkerContext());
    worker = new Worker(
      QUEUES.route,
      async (job, token) => {
        await routeEvents(job, token);
        passes += 1;
        if (passes === 1) {
          // The first job has routed its page but is still active.
          firstRouted();
          await released;
        }
      },
      { connection: createRedis("worker"), prefix: env.HERALD_QUEUE_PREFIX, concurrency: 1 },
    );

    const event = (id: string) => ({
      id,
      name: "client_event",
      channel: "c",
      event: "client-x",
      data: id,
    });
    expect((await ingest(app.id, [event("first")])).status).toBe(202);
    await routedFirst;
    expect((await ingest(app.id, [event("second")])).status).toBe(202);
    release();

    // `passes` counts after the processor returns, just after the rows commit: wait for both.
    await eventually(
      async () => passes >= 2 && (await db.unroutedEvent.count({ where: { appId: app.id } })) === 0,
      {
        timeoutMs: 10_000,
        what: "the second request's event routed by a follow-up job",
      },
    );
    expect(passes).toBe(2);
    expect(
      (await db.delivery.findMany({ where: { appId: app.id }, orderBy: { id: "asc" } })).map(
        (delivery) => delivery.eventIds,
      ),
    ).toEqual([["first"], ["second"]]);
  });
});
