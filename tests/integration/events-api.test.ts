import { describe, expect, it } from "vitest";
import * as eventRoute from "@/app/api/v1/apps/[appId]/events/[eventId]/route";
import { listEvents } from "@/lib/services/events";
import { eventSchema, eventsQuery } from "@/lib/validation/events";
import { toAppError } from "@/lib/api/handler";
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
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(app.id, { limit: "2", ...(cursor ? { cursor } : {}) });
      seen.push(...page.data.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(created.map((event) => event.id).reverse());
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
