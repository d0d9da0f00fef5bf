import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { getEvent, listEvents } from "@/lib/services/events";
import { eventsQuery } from "@/lib/validation/events";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, routingCommitted } from "../helpers/engine";
import { INTAKE_SECRET, pusherIntake } from "../helpers/pusher-intake";
import { eventually, receivedEvents } from "../helpers/receiver";

// subscription_count coalescing on the real path: Pusher-signed intake, a worker, a receiver.
// docs/presence.md#subscription-count.

const engine = engineUnderTest("sub-count", {
  HERALD_RECONCILE_INTERVAL_MS: "500",
  HERALD_RECONCILE_GRACE_MS: "1000",
});
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

async function throttledApp(windowMs: number, enabled = true) {
  const app = await makeApp({
    secret: INTAKE_SECRET,
    batching: unbatched,
    subscriptionCountThrottle: { enabled, windowMs },
  });
  const hook = `/${uniqueId("counts")}`;
  const endpoint = await makeEndpoint(app.id, {
    url: engine.receiver.url(hook),
    eventTypes: ["subscription_count"],
  });
  return { app, hook, endpoint };
}

const count = (id: string, value: number, channel = "presence-busy") => ({
  id,
  name: "subscription_count",
  channel,
  subscription_count: value,
});

describe("subscription_count coalescing", () => {
  it("sends the first at once and one carrying the latest count when the window ends", async () => {
    // Long enough that the next requests surely fall inside it, however busy the machine.
    const windowMs = 3000;
    const { app, hook, endpoint } = await throttledApp(windowMs);
    const startedAt = Date.now();
    await pusherIntake(app, [count("c1", 1)]);
    await eventually(() => engine.receiver.at(hook).length === 1, { what: "the first at once" });
    // At once: never held for the window (how fast is the benchmark's to say, not a test's).
    const first = await db.event.findUniqueOrThrow({
      where: { appId_id: { appId: app.id, id: "c1" } },
    });
    expect(first.heldUntil).toBeNull();
    await pusherIntake(app, [count("c2", 2)]);
    await pusherIntake(app, [count("c3", 3)]);
    await pusherIntake(app, [count("c4", 4), count("c5", 5)]);
    // Another channel is quiet: its first goes at once.
    await pusherIntake(app, [count("o1", 10, "presence-other")]);
    await eventually(() => engine.receiver.at(hook).length === 3, {
      what: "the latest count at the window's end",
    });
    const received = receivedEvents(engine.receiver.at(hook));
    expect(received.map((event) => [event.channel, event.subscription_count])).toEqual([
      ["presence-busy", 1],
      ["presence-other", 10],
      ["presence-busy", 5],
    ]);
    expect(engine.receiver.at(hook)[2]!.receivedAt - startedAt).toBeGreaterThanOrEqual(
      windowMs - 100,
    );
    await routingCommitted(app.id, [endpoint.id]);
    expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(0);
    // Collapsed events are kept, each marked with the event that replaced it.
    const collapsed = await db.event.findMany({
      where: { appId: app.id, collapsedInto: { not: null } },
      orderBy: { seq: "asc" },
    });
    expect(collapsed.map((event) => [event.id, event.collapsedInto])).toEqual([
      ["c2", "c3"],
      ["c3", "c4"],
      ["c4", "c5"],
    ]);
    const listed = await listEvents(app.id, eventsQuery.parse({ state: "collapsed" }));
    expect(listed.data.map((event) => event.id)).toEqual(["c4", "c3", "c2"]);
    expect((await getEvent(app.id, "c5")).state).toBe("routed");
    // Unlike the first, the latest was held for the window's end.
    expect(
      (await db.event.findUniqueOrThrow({ where: { appId_id: { appId: app.id, id: "c5" } } }))
        .heldUntil,
    ).not.toBeNull();
    expect((await getEvent(app.id, "c2")).routing).toEqual([
      {
        endpointId: endpoint.id,
        outcome: "filtered_out",
        reason: "collapsed into event c3, which is delivered in its place",
      },
    ]);
  });

  it("opens the next window when the held count is sent", async () => {
    const { app, hook } = await throttledApp(1000);
    await pusherIntake(app, [count("n1", 1)]);
    await pusherIntake(app, [count("n2", 2)]);
    await eventually(() => engine.receiver.at(hook).length === 2, { what: "the held one sent" });
    const sentAt = engine.receiver.at(hook)[1]!.receivedAt;
    // Right after: still inside the new window, so held again.
    await pusherIntake(app, [count("n3", 3)]);
    expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(1);
    await eventually(() => engine.receiver.at(hook).length === 3, { what: "the next window's" });
    expect(engine.receiver.at(hook)[2]!.receivedAt - sentAt).toBeGreaterThanOrEqual(800);
  });

  it("sends every count at once while disabled", async () => {
    const { app, hook } = await throttledApp(5000, false);
    await pusherIntake(app, [count("d1", 1), count("d2", 2), count("d3", 3)]);
    await eventually(() => receivedEvents(engine.receiver.at(hook)).length === 3, {
      what: "all three",
    });
  });
});
