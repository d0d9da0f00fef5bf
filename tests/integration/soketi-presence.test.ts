import { randomBytes } from "node:crypto";
import Pusher from "pusher";
import PusherClient from "pusher-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { engineUnderTest, routingCommitted } from "../helpers/engine";
import { startIntakeServer, type IntakeServer } from "../helpers/intake-server";
import { eventually, receivedEvents } from "../helpers/receiver";
import { startSoketi, type Soketi } from "../helpers/soketi";

// Issue 13's check on a real realtime server: Soketi with pusher-js clients, its webhooks posted
// to Herald's Pusher intake over HTTP, a worker routing and releasing holds, a receiver.
// Soketi sends member_removed the moment a user's last connection leaves and member_added the
// moment one joins (its sync queue, no batching), so any grace the receiver sees is Herald's.

const GRACE_MS = 5000;
const MEMBER_EVENTS = ["member_added", "member_removed"];

const engine = engineUnderTest("soketi-presence");
const hook = `/${uniqueId("soketi")}`;
const secret = randomBytes(24).toString("hex");
let app: { id: string; key: string };
let endpointId: string;
let intake: IntakeServer;
let soketi: Soketi;
const clients: PusherClient[] = [];

/** A pusher-js client signed in as userId; presence auth is signed with the app secret. */
function connect(userId: string): PusherClient {
  const signer = new Pusher({ appId: app.id, key: app.key, secret, cluster: "mt1" });
  const client = new PusherClient(app.key, {
    cluster: "mt1",
    wsHost: soketi.host,
    wsPort: soketi.port,
    forceTLS: false,
    enabledTransports: ["ws"],
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) =>
        callback(null, signer.authorizeChannel(socketId, channelName, { user_id: userId })),
    },
  });
  clients.push(client);
  return client;
}

/** Subscribes (or, after a reconnect, waits for the resubscription) until Soketi confirms it. */
function subscribed(client: PusherClient, channel: string): Promise<void> {
  return new Promise((resolve) => {
    const subscription = client.channel(channel) ?? client.subscribe(channel);
    subscription.bind("pusher:subscription_succeeded", function done() {
      subscription.unbind("pusher:subscription_succeeded", done);
      resolve();
    });
  });
}

const memberEvents = (channel: string) =>
  db.event.findMany({ where: { appId: app.id, channel }, orderBy: { seq: "asc" } });

const received = (channel: string) =>
  receivedEvents(engine.receiver.at(hook)).filter((event) => event.channel === channel);

/** "name:user" per event (an outgoing event or an events-log row), sorted. */
const names = (events: Record<string, unknown>[]) =>
  events.map((event) => `${String(event.name)}:${String(event.user_id ?? event.userId)}`).sort();

beforeAll(async () => {
  intake = await startIntakeServer();
  const created = await makeApp({
    secret,
    batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    presenceGrace: { enabled: true, durationMs: GRACE_MS },
  });
  app = { id: created.id, key: created.key };
  endpointId = (
    await makeEndpoint(app.id, { url: engine.receiver.url(hook), eventTypes: MEMBER_EVENTS })
  ).id;
  soketi = await startSoketi({
    app: { ...app, secret },
    webhookUrl: intake.url(app.id),
    eventTypes: MEMBER_EVENTS,
  });
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  // The intake first: webhooks for the clients just gone must not reach a closing test process.
  await intake?.close();
  await soketi?.stop();
});

describe("presence grace with a real Soketi", () => {
  it("a client that drops and reconnects within the grace produces nothing for that user", async () => {
    const channel = "presence-flap";
    const stays = connect("user-a");
    await subscribed(stays, channel);
    const flaps = connect("user-b");
    await subscribed(flaps, channel);
    await eventually(() => received(channel).length === 2, {
      what: "member_added for both users at first join",
    });

    flaps.disconnect();
    const removed = await eventually(
      async () =>
        (await memberEvents(channel)).find(
          (event) => event.name === "member_removed" && event.userId === "user-b",
        ),
      { what: "Soketi's member_removed ingested" },
    );
    // Held for the grace, not routed.
    expect(removed.heldUntil).not.toBeNull();
    flaps.connect();
    await subscribed(flaps, channel);

    const [, readded] = await eventually(
      async () => {
        const added = (await memberEvents(channel)).filter(
          (event) => event.name === "member_added" && event.userId === "user-b",
        );
        return added.length === 2 && added;
      },
      { what: "Soketi's member_added for the reconnect ingested" },
    );
    // The pair is suppressed, each naming the other, and kept in the events log.
    expect((await db.event.findUniqueOrThrow({ where: { seq: removed.seq } })).suppressedBy).toBe(
      readded!.id,
    );
    expect(readded!.suppressedBy).toBe(removed.id);

    // Nothing is held or waiting any more, so every request the receiver will ever get for this
    // channel is one of these deliveries: the two first joins, and nothing for the flap.
    await routingCommitted(app.id, [endpointId]);
    expect(await db.heldEvent.count({ where: { appId: app.id } })).toBe(0);
    const deliveries = await db.delivery.findMany({ where: { endpointId } });
    const delivered = (await memberEvents(channel)).filter((event) =>
      deliveries.some((delivery) => delivery.eventIds.includes(event.id)),
    );
    expect(names(delivered)).toEqual(["member_added:user-a", "member_added:user-b"]);
    await eventually(() => received(channel).length === 2);
    expect(names(received(channel))).toEqual(["member_added:user-a", "member_added:user-b"]);
    expect(intake.answers.every((answer) => answer.status === 202)).toBe(true);
  });

  it("a client that leaves for good produces member_removed at least the grace later", async () => {
    const channel = "presence-leave";
    const stays = clients[0]!;
    await subscribed(stays, channel);
    const leaves = connect("user-c");
    await subscribed(leaves, channel);
    await eventually(() => received(channel).length === 2, {
      what: "member_added for both users",
    });

    const leftAt = Date.now();
    leaves.disconnect();
    const removal = await eventually(
      () =>
        engine.receiver
          .at(hook)
          .find((request) =>
            receivedEvents([request]).some(
              (event) => event.name === "member_removed" && event.channel === channel,
            ),
          ),
      { timeoutMs: GRACE_MS + 15_000, what: "member_removed delivered after the grace" },
    );
    expect(removal.receivedAt - leftAt).toBeGreaterThanOrEqual(GRACE_MS);

    const removed = (await memberEvents(channel)).find((event) => event.name === "member_removed");
    expect(removed).toMatchObject({ userId: "user-c", suppressedBy: null });
    expect(removed!.heldUntil).not.toBeNull();
    await routingCommitted(app.id, [endpointId]);
    expect(names(received(channel))).toEqual([
      "member_added:user-a",
      "member_added:user-c",
      "member_removed:user-c",
    ]);
    expect(intake.answers.every((answer) => answer.status === 202)).toBe(true);
  });
});
