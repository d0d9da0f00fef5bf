import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { releaseDueHolds } from "@/lib/engine/holds";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, routingCommitted } from "../helpers/engine";
import { INTAKE_SECRET, pusherIntake } from "../helpers/pusher-intake";
import { eventually, receivedEvents } from "../helpers/receiver";

// Presence grace on the real path: Pusher-signed intake, a worker routing and releasing holds,
// a receiver. docs/presence.md#presence-grace.

const engine = engineUnderTest("presence-grace", {
  HERALD_RECONCILE_INTERVAL_MS: "500",
  HERALD_RECONCILE_GRACE_MS: "1000",
});
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const PRESENCE = ["member_added", "member_removed", "channel_occupied", "channel_vacated"];

async function presenceApp(durationMs: number) {
  const app = await makeApp({
    secret: INTAKE_SECRET,
    batching: unbatched,
    presenceGrace: { enabled: true, durationMs },
  });
  const hook = `/${uniqueId("presence")}`;
  const endpoint = await makeEndpoint(app.id, {
    url: engine.receiver.url(hook),
    eventTypes: PRESENCE,
  });
  return { app, hook, endpoint };
}

const member = (id: string, name: string, userId: string, channel = "presence-room") => ({
  id,
  name,
  channel,
  user_id: userId,
});

const eventRow = (appId: string, id: string) =>
  db.event.findUniqueOrThrow({ where: { appId_id: { appId, id } } });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("presence grace", () => {
  it("suppresses member_removed then member_added for the same user, each naming the other", async () => {
    const { app, hook, endpoint } = await presenceApp(5000);
    await pusherIntake(app, [member("r1", "member_removed", "u-1")]);
    expect((await eventRow(app.id, "r1")).heldUntil).not.toBeNull();
    await sleep(200);
    await pusherIntake(app, [member("a1", "member_added", "u-1")]);
    // Same body too: removed then added in one webhook.
    await pusherIntake(app, [
      member("r2", "member_removed", "u-2"),
      member("a2", "member_added", "u-2"),
    ]);
    // Nothing is held or waiting any more, so nothing can ever be sent for them.
    await routingCommitted(app.id, [endpoint.id]);
    expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(0);
    expect(await db.delivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect(engine.receiver.at(hook)).toHaveLength(0);
    expect((await eventRow(app.id, "r1")).suppressedBy).toBe("a1");
    expect((await eventRow(app.id, "a1")).suppressedBy).toBe("r1");
    expect((await eventRow(app.id, "r2")).suppressedBy).toBe("a2");
    expect((await eventRow(app.id, "a2")).suppressedBy).toBe("r2");
  });

  it("suppresses channel_vacated then channel_occupied for the same channel", async () => {
    const { app, endpoint } = await presenceApp(5000);
    await pusherIntake(app, [{ id: "v1", name: "channel_vacated", channel: "presence-x" }]);
    await pusherIntake(app, [{ id: "o1", name: "channel_occupied", channel: "presence-x" }]);
    await routingCommitted(app.id, [endpoint.id]);
    expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(0);
    expect(await db.delivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect((await eventRow(app.id, "v1")).suppressedBy).toBe("o1");
    expect((await eventRow(app.id, "o1")).suppressedBy).toBe("v1");
  });

  it("routes a held event when its grace ends, with its original time_ms, and leaves non-pairs alone", async () => {
    const durationMs = 1000;
    const { app, hook, endpoint } = await presenceApp(durationMs);
    const sentAt = Date.now() - 50;
    // Added then removed is two real events; another user's member_added cancels nothing.
    await pusherIntake(
      app,
      [member("a3", "member_added", "u-3"), member("r3", "member_removed", "u-3")],
      sentAt,
    );
    await pusherIntake(app, [member("a4", "member_added", "u-4")]);
    const ingestedAt = Date.now();
    await eventually(
      () =>
        receivedEvents(engine.receiver.at(hook)).some((event) => event.name === "member_removed"),
      { what: "the held member_removed delivered after its grace" },
    );
    const removedAt = engine.receiver
      .at(hook)
      .find((request) => request.body.includes("member_removed"))!.receivedAt;
    expect(removedAt - ingestedAt).toBeGreaterThanOrEqual(durationMs - 100);
    const names = receivedEvents(engine.receiver.at(hook)).map(
      (event) => `${event.name}:${event.user_id}`,
    );
    expect(names).toEqual(["member_added:u-3", "member_added:u-4", "member_removed:u-3"]);
    const removed = await eventRow(app.id, "r3");
    expect(Number(removed.timeMs)).toBe(sentAt);
    expect(removed.suppressedBy).toBeNull();
    await routingCommitted(app.id, [endpoint.id]);
    expect(await db.delivery.count({ where: { endpointId: endpoint.id } })).toBe(3);
  });

  it("does nothing while disabled", async () => {
    const app = await makeApp({ secret: INTAKE_SECRET, batching: unbatched });
    const hook = `/${uniqueId("off")}`;
    await makeEndpoint(app.id, { url: engine.receiver.url(hook), eventTypes: PRESENCE });
    await pusherIntake(app, [
      member("r5", "member_removed", "u-5"),
      member("a5", "member_added", "u-5"),
    ]);
    await eventually(() => receivedEvents(engine.receiver.at(hook)).length === 2, {
      what: "both events delivered at once",
    });
  });

  it("either suppresses both or routes the held event, never both, when intake races the release", async () => {
    const { app, endpoint } = await presenceApp(1000);
    const users = Array.from({ length: 30 }, (_, index) => `race-${index}`);
    // The added events arrive around the moment each hold ends (some surely inside, some surely
    // after, most within tens of ms of it), while releases run in this process too (the worker's
    // delayed job and the reconciler also release).
    let racing = true;
    const releasing = (async () => {
      while (racing) {
        await releaseDueHolds(app.id);
        await sleep(2);
      }
    })();
    await Promise.all(
      users.map(async (user, index) => {
        await pusherIntake(app, [member(`r-${user}`, "member_removed", user)]);
        const offset = index === 0 ? -1000 : index === 1 ? 600 : ((index % 14) - 7) * 8;
        await sleep(1000 + offset);
        await pusherIntake(app, [member(`a-${user}`, "member_added", user)]);
      }),
    );
    racing = false;
    await releasing;
    await eventually(async () => (await db.heldEvent.count({ where: { appId: app.id } })) === 0, {
      what: "every hold released or suppressed",
    });
    await routingCommitted(app.id, [endpoint.id]);
    const deliveries = await db.delivery.findMany({ where: { endpointId: endpoint.id } });
    const delivered = deliveries.flatMap((delivery) => delivery.eventIds);
    let suppressedPairs = 0;
    for (const user of users) {
      const removed = await eventRow(app.id, `r-${user}`);
      const added = await eventRow(app.id, `a-${user}`);
      const removedDeliveries = delivered.filter((id) => id === removed.id).length;
      const addedDeliveries = delivered.filter((id) => id === added.id).length;
      if (removed.suppressedBy) {
        suppressedPairs++;
        expect(removed.suppressedBy).toBe(added.id);
        expect(added.suppressedBy).toBe(removed.id);
        expect([removedDeliveries, addedDeliveries]).toEqual([0, 0]);
      } else {
        expect(added.suppressedBy).toBeNull();
        expect([removedDeliveries, addedDeliveries]).toEqual([1, 1]);
      }
    }
    // The added events straddle the end of the holds: both outcomes happen, never a mix.
    expect(suppressedPairs).toBeGreaterThan(0);
    expect(suppressedPairs).toBeLessThan(users.length);
  });
});
