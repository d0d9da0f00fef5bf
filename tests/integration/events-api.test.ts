import { describe, expect, it } from "vitest";
import * as eventRoute from "@/app/api/v1/apps/[appId]/events/[eventId]/route";
import { listEvents } from "@/lib/services/events";
import { eventSchema, eventsQuery } from "@/lib/validation/events";
import { toAppError } from "@/lib/api/handler";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";
import {
  appScopedToken,
  makeDelivery,
  makeEndpoint,
  makeEvent,
} from "../helpers/delivery-log-fixtures";

// The list route (app/api/v1/apps/[appId]/events/route.ts GET) belongs to the ingest owner and
// calls listEvents(appId, eventsQuery.parse(query)); tested here through that same pair.
const list = (appId: string, query: Record<string, string> = {}) =>
  listEvents(appId, eventsQuery.parse(query));
/** The ids of every page of `query`, following nextCursor to the end. */
async function idsOfAllPages(appId: string, query: Record<string, string>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await list(appId, { ...query, ...(cursor ? { cursor } : {}) });
    seen.push(...page.data.map((event) => event.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return seen;
}
const read = (appId: string, eventId: string, token?: string) =>
  call(eventRoute.GET, "GET", `/api/v1/apps/${appId}/events/${encodeURIComponent(eventId)}`, {
    params: { appId, eventId },
    token,
  });

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return toAppError(error).status;
  }
}

describe("listEvents", () => {
  it("lists newest first and pages through every event exactly once", async () => {
    const app = await makeApp();
    const created = [];
    for (let index = 0; index < 5; index++) created.push(await makeEvent(app.id));
    expect(await idsOfAllPages(app.id, { limit: "2" })).toEqual(
      created.map((event) => event.id).reverse(),
    );
  });

  it("orders by receipt time, to the millisecond, then by arrival", async () => {
    const app = await makeApp();
    const at = new Date(Date.now() - 60_000);
    // Stored first but received last (a slow ingest transaction commits after later ones).
    const late = await makeEvent(app.id, { receivedAt: at });
    const tied = [];
    for (let index = 0; index < 3; index++)
      tied.push(await makeEvent(app.id, { receivedAt: new Date(at.getTime() - 1000) }));
    const early = await makeEvent(app.id, { receivedAt: at });
    // One millisecond (the stored precision) apart: a cursor any coarser would skip or repeat one.
    await db.event.update({
      where: { seq: late.seq },
      data: { receivedAt: new Date(at.getTime() + 1) },
    });
    const expected = [late, early, ...tied.reverse()].map((event) => event.id);
    for (const limit of ["1", "2", "5"])
      expect(await idsOfAllPages(app.id, { limit }), `pages of ${limit}`).toEqual(expected);
  });

  it("pages a channel's events across every event name, and a name's, with the other filters", async () => {
    const app = await makeApp();
    const start = Date.now() - 3600_000;
    const names = ["member_added", "client_event", "member_removed", "channel_occupied"];
    const inChannel = [];
    const all = [];
    for (let index = 0; index < 9; index++) {
      const receivedAt = new Date(start + index * 1000);
      const name = names[index % 4];
      inChannel.push(await makeEvent(app.id, { name, channel: "presence-room", receivedAt }));
      all.unshift(inChannel.at(-1)!);
      all.unshift(await makeEvent(app.id, { name, channel: "presence-other", receivedAt }));
    }
    const other = await makeApp();
    await makeEvent(other.id, { name: "member_added", channel: "presence-room" });
    const pages = (query: Record<string, string>) =>
      idsOfAllPages(app.id, { ...query, limit: "2" });
    const newestFirst = inChannel.map((event) => event.id).reverse();
    expect(await pages({ channel: "presence-room" })).toEqual(newestFirst);
    expect(
      await pages({
        channel: "presence-room",
        since: new Date(start + 2000).toISOString(),
        until: new Date(start + 7000).toISOString(),
      }),
    ).toEqual(newestFirst.slice(2, 7));
    expect(await pages({ channel: "presence-room", state: "collapsed" })).toEqual([]);
    // A name with few events is read whole and sorted: the same order, the same pages.
    expect(await pages({ name: "member_added" })).toEqual(
      [...all].filter((event) => event.name === "member_added").map((event) => event.id),
    );
    expect(await pages({ channel: "presence-none" })).toEqual([]);
    expect(await listEvents(other.id, eventsQuery.parse({ channel: "presence-lobby" }))).toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it("presents an event as stored", async () => {
    const app = await makeApp();
    const event = await makeEvent(app.id, {
      name: "member_added",
      channel: "presence-room",
      userId: "u-1",
      waiting: true,
    });
    const page = await list(app.id);
    expect(page.data).toEqual([
      {
        id: event.id,
        name: "member_added",
        channel: "presence-room",
        userId: "u-1",
        payload: { name: "member_added", channel: "presence-room", user_id: "u-1" },
        timeMs: Number(event.timeMs),
        receivedAt: event.receivedAt.toISOString(),
        routed: false,
        state: "waiting",
        heldUntil: null,
        suppressedBy: null,
        collapsedInto: null,
      },
    ]);
  });

  it("filters by name, channel and time range", async () => {
    const app = await makeApp();
    const occupied = await makeEvent(app.id, {
      name: "channel_occupied",
      channel: "private-a",
      receivedAt: new Date(Date.now() - 3 * 3600_000),
    });
    const vacated = await makeEvent(app.id, {
      name: "channel_vacated",
      channel: "private-a",
      receivedAt: new Date(Date.now() - 3600_000),
    });
    const other = await makeEvent(app.id, { name: "channel_occupied", channel: "private-b" });
    const idsOf = async (query: Record<string, string>) =>
      (await list(app.id, query)).data.map((event) => event.id);

    expect(await idsOf({ name: "channel_occupied" })).toEqual([other.id, occupied.id]);
    expect(await idsOf({ channel: "private-a" })).toEqual([vacated.id, occupied.id]);
    expect(await idsOf({ name: "channel_occupied", channel: "private-a" })).toEqual([occupied.id]);
    expect(await idsOf({ since: new Date(Date.now() - 2 * 3600_000).toISOString() })).toEqual([
      other.id,
      vacated.id,
    ]);
    expect(await idsOf({ until: new Date(Date.now() - 2 * 3600_000).toISOString() })).toEqual([
      occupied.id,
    ]);
  });

  it("filters by user id and by state", async () => {
    const app = await makeApp();
    const routed = await makeEvent(app.id, { name: "member_added", userId: "u-1" });
    const heldUntil = new Date(Date.now() + 30_000);
    const held = await makeEvent(app.id, {
      name: "member_removed",
      userId: "u-2",
      held: true,
      heldUntil,
    });
    const removed = await makeEvent(app.id, { name: "member_removed", userId: "u-1" });
    const added = await makeEvent(app.id, {
      name: "member_added",
      userId: "u-1",
      suppressedBy: removed.id,
    });
    await db.event.update({
      where: { seq: removed.seq },
      data: { suppressedBy: added.id, heldUntil: new Date() },
    });
    const older = await makeEvent(app.id, { name: "subscription_count" });
    const newer = await makeEvent(app.id, { name: "subscription_count" });
    await db.event.update({ where: { seq: older.seq }, data: { collapsedInto: newer.id } });
    const idsOf = async (query: Record<string, string>) =>
      (await list(app.id, query)).data.map((event) => event.id);

    expect(await idsOf({ userId: "u-1" })).toEqual([added.id, removed.id, routed.id]);
    expect(await idsOf({ state: "held" })).toEqual([held.id]);
    expect(await idsOf({ state: "suppressed" })).toEqual([added.id, removed.id]);
    expect(await idsOf({ state: "collapsed" })).toEqual([older.id]);
    expect(await idsOf({ state: "routed" })).toEqual([newer.id, routed.id]);
    expect(await idsOf({ state: "held", userId: "u-1" })).toEqual([]);
    const [heldView] = (await list(app.id, { state: "held" })).data;
    expect(heldView).toMatchObject({
      state: "held",
      routed: false,
      heldUntil: heldUntil.toISOString(),
    });
    const suppressed = (await list(app.id, { state: "suppressed" })).data;
    expect(suppressed.map((event) => [event.state, event.suppressedBy])).toEqual([
      ["suppressed", removed.id],
      ["suppressed", added.id],
    ]);
    expect(eventsQuery.safeParse({ state: "lost" }).error?.issues[0]).toMatchObject({
      path: ["state"],
      message: "must be one of routed, held, suppressed, collapsed",
    });
  });

  it("rejects bad queries and cursors, and unknown apps", async () => {
    expect(eventsQuery.safeParse({ since: "last week" }).success).toBe(false);
    expect(eventsQuery.safeParse({ limit: "251" }).success).toBe(false);
    const backwards = eventsQuery.safeParse({
      since: "2026-02-01T00:00:00Z",
      until: "2026-01-01T00:00:00Z",
    });
    expect(backwards.error?.issues[0]?.path).toEqual(["until"]);
    const app = await makeApp();
    expect(await statusOf(list(app.id, { cursor: Buffer.from("abc").toString("base64url") }))).toBe(
      400,
    );
    expect(
      await statusOf(
        list(app.id, { cursor: Buffer.from("99999999999999999999").toString("base64url") }),
      ),
    ).toBe(400);
    // Cursors of the right shape that Postgres would refuse: a day that does not exist, year 0.
    for (const key of ["2026-02-30T00:00:00.000Z/1", "0000-01-01T00:00:00.000Z/1"])
      expect(await statusOf(list(app.id, { cursor: Buffer.from(key).toString("base64url") }))).toBe(
        400,
      );
    const issued = Buffer.from("2026-02-28T00:00:00.000Z/1").toString("base64url");
    expect(await statusOf(list(app.id, { cursor: issued }))).toBe(200);
    expect(await statusOf(list("no-such-app-404"))).toBe(404);
  });
});

describe("GET /api/v1/apps/{appId}/events/{eventId}", () => {
  it("returns the event with the deliveries that carry it", async () => {
    const app = await makeApp();
    const first = await makeEndpoint(app.id);
    const second = await makeEndpoint(app.id);
    const event = await makeEvent(app.id, { id: uniqueId("producer id/with:odd chars") });
    const neighbour = await makeEvent(app.id);
    const batched = await makeDelivery(first, [neighbour, event], { status: "succeeded" });
    const single = await makeDelivery(second, [event], { status: "failed" });
    await makeDelivery(first, [neighbour]);

    const response = await read(app.id, event.id);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: event.id, name: event.name, channel: event.channel });
    expect(response.body.deliveries.map((delivery: { id: string }) => delivery.id)).toEqual(
      [batched.id, single.id].sort(),
    );
    expect(
      response.body.deliveries.find((delivery: { id: string }) => delivery.id === single.id),
    ).toMatchObject({
      endpointId: second.id,
      status: "failed",
      eventIds: [event.id],
    });
    expect(response.body.deliveries[0].body).toBeUndefined();
    expect(eventSchema.strict().parse(response.body)).toBeTruthy();
  });

  it("says where the event went for every endpoint of the app, in the matching rules' words", async () => {
    const app = await makeApp();
    const event = await makeEvent(app.id, {
      name: "client_event",
      channel: "presence-a",
      payload: { name: "client_event", channel: "presence-a", event: "client-moved" },
    });
    const delivered = await makeEndpoint(app.id, { eventTypes: ["client_event"] });
    const pending = await makeEndpoint(app.id, { eventTypes: ["client_event"] });
    const failed = await makeEndpoint(app.id, { eventTypes: ["client_event"] });
    const disabled = await makeEndpoint(app.id, { eventTypes: ["client_event"], enabled: false });
    const batched = await makeEndpoint(app.id, { eventTypes: ["client_event"] });
    const notSubscribed = await makeEndpoint(app.id, { eventTypes: ["member_added"] });
    const byChannel = await makeEndpoint(app.id, {
      eventTypes: ["client_event"],
      filter: { channelPrefix: "private-" },
    });
    const byClientName = await makeEndpoint(app.id, {
      eventTypes: ["client_event"],
      filter: { clientEventNames: ["client-typing"] },
    });
    const ok = await makeDelivery(delivered, [event], {
      status: "succeeded",
      lastResponseStatus: 200,
    });
    const waiting = await makeDelivery(pending, [event], {
      status: "retrying",
      attemptCount: 2,
      lastError: "HTTP 500",
    });
    const gaveUp = await makeDelivery(failed, [event], {
      status: "failed",
      lastError: "gave up after 3 attempts; last: HTTP 500",
    });
    const off = await makeDelivery(disabled, [event], {
      status: "failed",
      attemptCount: 0,
      lastError: "endpoint disabled: disabled by an operator",
    });
    await db.batchItem.create({ data: { endpointId: batched.id, eventSeq: event.seq } });

    const response = await read(app.id, event.id);
    expect(response.status).toBe(200);
    expect(eventSchema.strict().parse(response.body)).toBeTruthy();
    expect(response.body.state).toBe("routed");
    expect(response.body.routing).toEqual([
      {
        endpointId: delivered.id,
        outcome: "delivered",
        deliveryId: ok.id,
        reason: "delivered (HTTP 200) after 1 attempt",
      },
      {
        endpointId: pending.id,
        outcome: "pending",
        deliveryId: waiting.id,
        reason: "retrying after 2 attempts; last: HTTP 500",
      },
      {
        endpointId: failed.id,
        outcome: "failed",
        deliveryId: gaveUp.id,
        reason: "gave up after 3 attempts; last: HTTP 500",
      },
      {
        endpointId: disabled.id,
        outcome: "endpoint_disabled",
        deliveryId: off.id,
        reason: "endpoint disabled: disabled by an operator",
      },
      {
        endpointId: batched.id,
        outcome: "in_batch",
        reason: "waiting in the endpoint's open batch window",
      },
      {
        endpointId: notSubscribed.id,
        outcome: "not_subscribed",
        reason: "event type client_event is not in the endpoint's eventTypes",
      },
      {
        endpointId: byChannel.id,
        outcome: "filtered_out",
        reason: "channel presence-a does not match prefix private-",
      },
      {
        endpointId: byClientName.id,
        outcome: "filtered_out",
        reason: "client event client-moved is not in clientEventNames",
      },
    ]);
  });

  it("explains a held, a suppressed and a collapsed event", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id, {
      eventTypes: ["member_removed", "member_added", "subscription_count"],
    });
    const heldUntil = new Date(Date.now() + 30_000);
    const held = await makeEvent(app.id, { name: "member_removed", held: true, heldUntil });
    const suppressed = await makeEvent(app.id, { name: "member_added", suppressedBy: "evt-x" });
    const collapsed = await makeEvent(app.id, {
      name: "subscription_count",
      collapsedInto: "evt-y",
    });
    const routingOf = async (id: string) => (await read(app.id, id)).body.routing;
    expect(await routingOf(held.id)).toEqual([
      {
        endpointId: endpoint.id,
        outcome: "pending",
        reason: `held until ${heldUntil.toISOString()}, then routed`,
      },
    ]);
    expect(await routingOf(suppressed.id)).toEqual([
      {
        endpointId: endpoint.id,
        outcome: "filtered_out",
        reason: "suppressed by presence grace: cancelled out with event evt-x",
      },
    ]);
    expect(await routingOf(collapsed.id)).toEqual([
      {
        endpointId: endpoint.id,
        outcome: "filtered_out",
        reason: "collapsed into event evt-y, which is delivered in its place",
      },
    ]);
  });

  it("shows which event a collapsed cache_miss stands behind", async () => {
    const app = await makeApp();
    const representative = await makeEvent(app.id, { name: "cache_miss", channel: "cache-feed" });
    const collapsed = await makeEvent(app.id, {
      name: "cache_miss",
      channel: "cache-feed",
      collapsedInto: representative.id,
    });
    const response = await read(app.id, collapsed.id);
    expect(response.body).toMatchObject({ collapsedInto: representative.id, deliveries: [] });
  });

  it("answers 404 for unknown events and other apps' events, and 403 to another app's token", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const othersEvent = await makeEvent(other.id);
    expect((await read(app.id, "no-such-event")).status).toBe(404);
    expect((await read(app.id, othersEvent.id)).status).toBe(404);
    expect((await read(other.id, othersEvent.id)).status).toBe(200);
    expect((await read(other.id, othersEvent.id, await appScopedToken(app.id))).status).toBe(403);
    expect((await read(other.id, othersEvent.id, await appScopedToken(other.id))).status).toBe(200);
  });
});
