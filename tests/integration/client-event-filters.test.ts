import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { updateEndpoint } from "@/lib/services/endpoints";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, routingCommitted } from "../helpers/engine";
import { INTAKE_SECRET, pusherIntake } from "../helpers/pusher-intake";
import { eventually, receivedEvents } from "../helpers/receiver";

// Client-event filters on the real path: Pusher-signed intake, routing in a worker, a receiver.

const engine = engineUnderTest("client-filters");
const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };

const clientEvent = (id: string, event: string, channel = "private-room") => ({
  id,
  name: "client_event",
  channel,
  event,
  data: "{}",
  socket_id: "1.2",
});

describe("client-event filters", () => {
  it("send only the client events an endpoint names or prefixes, and every other event type", async () => {
    const app = await makeApp({ secret: INTAKE_SECRET, batching: unbatched });
    const namesHook = `/${uniqueId("names")}`;
    const prefixHook = `/${uniqueId("prefix")}`;
    const byName = await makeEndpoint(app.id, {
      url: engine.receiver.url(namesHook),
      eventTypes: ["client_event", "member_added"],
      filter: { clientEventNames: ["client-moved", "client-typing"] },
    });
    const byPrefix = await makeEndpoint(app.id, {
      url: engine.receiver.url(prefixHook),
      eventTypes: ["client_event"],
      filter: { clientEventPrefix: "client-chat-" },
    });
    await pusherIntake(app, [
      clientEvent("c1", "client-moved"),
      clientEvent("c2", "client-chat-message"),
      clientEvent("c3", "client-typing"),
      clientEvent("c4", "client-chat-typing"),
      { id: "m1", name: "member_added", channel: "presence-room", user_id: "7" },
    ]);
    await routingCommitted(app.id, [byName.id, byPrefix.id]);
    await eventually(
      () =>
        receivedEvents(engine.receiver.at(namesHook)).length === 3 &&
        receivedEvents(engine.receiver.at(prefixHook)).length === 2,
      { what: "the filtered client events delivered" },
    );
    expect(
      receivedEvents(engine.receiver.at(namesHook)).map((event) => event.event ?? event.name),
    ).toEqual(["client-moved", "client-typing", "member_added"]);
    expect(receivedEvents(engine.receiver.at(prefixHook)).map((event) => event.event)).toEqual([
      "client-chat-message",
      "client-chat-typing",
    ]);
    // Nothing else was ever written for them.
    expect(await db.delivery.count({ where: { endpointId: byName.id } })).toBe(3);
    expect(await db.delivery.count({ where: { endpointId: byPrefix.id } })).toBe(2);
  });

  it("re-match a waiting batch against the filter as it is when the window closes", async () => {
    const app = await makeApp({
      secret: INTAKE_SECRET,
      batching: { enabled: true, durationMs: 1500, maxBatchSize: 100 },
    });
    const hook = `/${uniqueId("rematch")}`;
    const endpoint = await makeEndpoint(app.id, {
      url: engine.receiver.url(hook),
      eventTypes: ["client_event"],
    });
    await pusherIntake(app, [clientEvent("r1", "client-a"), clientEvent("r2", "client-b")]);
    await eventually(
      async () => (await db.batchItem.count({ where: { endpointId: endpoint.id } })) === 2,
      {
        what: "both events waiting in the window",
      },
    );
    await updateEndpoint(systemPrincipal, app.id, endpoint.id, {
      filter: { clientEventNames: ["client-b"] },
    });
    await routingCommitted(app.id, [endpoint.id]);
    await eventually(() => engine.receiver.at(hook).length === 1, { what: "the batch sent" });
    expect(receivedEvents(engine.receiver.at(hook)).map((event) => event.event)).toEqual([
      "client-b",
    ]);
  });
});
