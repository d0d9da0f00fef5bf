import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { disconnectRedis } from "@/lib/redis";
import { routeEvents } from "@/lib/engine/route";
import { claimDeliveries, type ClaimedRow } from "@/lib/engine/send";
import { decideOutcome, recordOutcomes } from "@/lib/engine/record";
import { retryPolicy } from "@/lib/engine/retry-policy";
import { makeApp } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { ingest } from "../helpers/engine";
import { uniquePrefix } from "../helpers/worker-process";

// The head rule on its own: no worker runs (the queue prefix is this file's alone), the test
// routes and claims itself, so every claim is one the rule allowed or refused.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("order-head");

afterAll(async () => {
  await closeQueues();
  await disconnectRedis();
});

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

async function endpointWith(ordering: "none" | "channel", batching = unbatched) {
  const app = await makeApp();
  const endpoint = await makeEndpoint(app.id, {
    eventTypes: ["client_event"],
    batching,
    ordering,
    retry: { scheduleSeconds: [1] },
  });
  return { app, endpoint };
}

/** Ingests and routes the events (channel, data), returning the deliveries oldest first. */
async function routed(appId: string, endpointId: string, events: [string, string][]) {
  const response = await ingest(
    appId,
    events.map(([channel, data]) => ({ name: "client_event", channel, event: "client-x", data })),
  );
  expect(response.status).toBe(202);
  await routeEvents(appId);
  return db.delivery.findMany({ where: { endpointId }, orderBy: { id: "asc" } });
}

const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();

/** Records an answer for claimed deliveries, as the deliver job does. */
async function answer(claimed: ClaimedRow[], status: number, ordered = true) {
  const endpoint = await db.endpoint.findUniqueOrThrow({ where: { id: claimed[0]!.endpointId } });
  const outcomes = claimed.map((delivery) =>
    decideOutcome(
      delivery,
      {
        result: { status, headers: {}, body: "", error: null, durationMs: 1 },
        requestHeaders: {},
        target: endpoint.url,
        startedAt: new Date(),
      },
      retryPolicy(endpoint),
    ),
  );
  await recordOutcomes(outcomes, { ordered });
}

describe("the head rule", () => {
  it("claims only the first unfinished delivery of each channel", async () => {
    const { app, endpoint } = await endpointWith("channel");
    const rows = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["b", "b1"],
      ["a", "a2"],
      ["b", "b2"],
    ]);
    const [a1, b1, a2, b2] = rows;
    expect(await db.deliveryChannel.count({ where: { endpointId: endpoint.id } })).toBe(4);

    const first = await claimDeliveries(ids(rows), null);
    expect(ids(first)).toEqual(ids([a1!, b1!]));
    // Still in flight: the second of each channel stays held.
    expect(await claimDeliveries(ids([a2!, b2!]), null)).toEqual([]);

    // a1 succeeds: a2 is first now; b is still held by b1.
    await answer(
      first.filter((row) => row.id === a1!.id),
      200,
    );
    expect(ids(await claimDeliveries(ids([a2!, b2!]), null))).toEqual([a2!.id]);
  });

  it("keeps a retrying delivery's channels held, and only those", async () => {
    const { app, endpoint } = await endpointWith("channel");
    const [a1, a2, b1] = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["a", "a2"],
      ["b", "b1"],
    ]);
    const claimed = await claimDeliveries([a1!.id], null);
    await answer(claimed, 500); // retrying in ~1 s
    expect((await db.delivery.findUniqueOrThrow({ where: { id: a1!.id } })).status).toBe(
      "retrying",
    );
    // b flows; a2 waits even though it is due, until a1 ends.
    expect(ids(await claimDeliveries([a2!.id, b1!.id], null))).toEqual([b1!.id]);
  });

  it("lets a delivery that gave up release its channel", async () => {
    const { app, endpoint } = await endpointWith("channel");
    const [a1, a2] = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["a", "a2"],
    ]);
    await answer(await claimDeliveries([a1!.id], null), 404); // final
    expect((await db.delivery.findUniqueOrThrow({ where: { id: a1!.id } })).status).toBe("failed");
    expect(await db.deliveryChannel.count({ where: { deliveryId: a1!.id } })).toBe(0);
    expect(ids(await claimDeliveries([a2!.id], null))).toEqual([a2!.id]);
  });

  it("holds a batch while any of its channels has an earlier unfinished delivery", async () => {
    const { app, endpoint } = await endpointWith("channel", {
      enabled: true,
      durationMs: 60_000,
      maxBatchSize: 2,
    });
    // Full batches become deliveries at once: [a, b] then [b, c].
    const [ab, bc] = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["b", "b1"],
      ["b", "b2"],
      ["c", "c1"],
    ]);
    expect(ab!.channels.sort()).toEqual(["a", "b"]);
    const claimed = await claimDeliveries([ab!.id, bc!.id], null);
    expect(ids(claimed)).toEqual([ab!.id]);
    await answer(claimed, 200);
    expect(ids(await claimDeliveries([bc!.id], null))).toEqual([bc!.id]);
  });

  it("costs an endpoint without ordering nothing: no rows, every delivery claimed", async () => {
    const { app, endpoint } = await endpointWith("none");
    const rows = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["a", "a2"],
    ]);
    expect(await db.deliveryChannel.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(ids(await claimDeliveries(ids(rows), null))).toEqual(ids(rows));
  });

  it("leaves manual redelivers outside the order", async () => {
    const { app, endpoint } = await endpointWith("channel");
    const [a1, a2] = await routed(app.id, endpoint.id, [
      ["a", "a1"],
      ["a", "a2"],
    ]);
    await answer(await claimDeliveries([a1!.id], null), 200);
    const a2Claimed = await claimDeliveries([a2!.id], null);
    expect(ids(a2Claimed)).toEqual([a2!.id]);
    // a2 in flight; a1 sent again by hand goes at once (it holds no channel).
    await db.delivery.update({
      where: { id: a1!.id },
      data: { status: "pending", nextAttemptAt: new Date(), nextAttemptTrigger: "manual" },
    });
    expect(ids(await claimDeliveries([a1!.id], null))).toEqual([a1!.id]);
  });
});
