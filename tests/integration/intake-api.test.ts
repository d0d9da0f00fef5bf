import { afterAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as rotateRoute from "@/app/api/v1/apps/[appId]/rotate-secret/route";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { pusherSignature } from "@/lib/signing/pusher";
import { call } from "../helpers/api";
import { signedHeaders } from "../helpers/pusher-intake";
import { makeApp, uniqueId } from "../factories";
import { makeEventType } from "../factories/endpoints";
import { uniquePrefix } from "../helpers/worker-process";

// No worker consumes this prefix: these tests look at what intake stores.
process.env.HERALD_QUEUE_PREFIX = uniquePrefix("intake");

afterAll(() => closeQueues());

const ingest = (appId: string, body: unknown) =>
  call(eventsRoute.POST, "POST", `/api/v1/apps/${appId}/events`, { params: { appId }, body });

function pusherPost(
  appId: string,
  rawBody: string | Buffer | ReadableStream<Uint8Array>,
  headers: Record<string, string>,
) {
  return call(intakeRoute.POST, "POST", `/api/intake/pusher/${appId}`, {
    params: { appId },
    rawBody,
    headers,
    token: null,
  });
}

describe("native ingest", () => {
  it("stores events, turns object data into a JSON string, and reports duplicates", async () => {
    const app = await makeApp();
    const id = uniqueId("evt");
    const first = await ingest(app.id, {
      events: [
        {
          id,
          name: "client_event",
          channel: "private-a",
          event: "client-x",
          data: { hello: "world" },
          socket_id: "1.2",
          time_ms: 1234,
        },
      ],
    });
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ accepted: [id], duplicates: [] });
    const row = await db.event.findUniqueOrThrow({ where: { appId_id: { appId: app.id, id } } });
    expect(row.payload).toEqual({
      name: "client_event",
      channel: "private-a",
      event: "client-x",
      data: '{"hello":"world"}',
      socket_id: "1.2",
    });
    expect(row.timeMs).toBe(1234n);

    const again = await ingest(app.id, {
      events: [
        { id, name: "client_event", channel: "private-a" },
        { name: "channel_occupied", channel: "b" },
      ],
    });
    expect(again.status).toBe(202);
    expect(again.body.duplicates).toEqual([id]);
    expect(again.body.accepted).toHaveLength(1);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(2);
  });

  it("accepts a single event object and generates its id", async () => {
    const app = await makeApp();
    const result = await ingest(app.id, { name: "channel_occupied", channel: "presence-room" });
    expect(result.status).toBe(202);
    expect(result.body.accepted).toHaveLength(1);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(1);
    // Its errors name the fields as sent, not as if it had come in an envelope.
    const bad = await ingest(app.id, { channel: "presence-room" });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ field: "name", issue: expect.any(String) }]);
    // Neither an envelope nor an event: what is missing is the events.
    const empty = await ingest(app.id, {});
    expect(empty.body.error.details).toEqual([{ field: "events", issue: expect.any(String) }]);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(1);
  });

  it("generates ids ordered by time (UUID v7), in the order the events came", async () => {
    const app = await makeApp();
    const names = Array.from({ length: 5 }, (_, index) => ({
      name: "client_event",
      channel: `private-c${index}`,
      event: "client-x",
    }));
    expect((await ingest(app.id, { events: names })).status).toBe(202);
    expect((await ingest(app.id, { events: names })).status).toBe(202);
    const events = await db.event.findMany({ where: { appId: app.id }, orderBy: { seq: "asc" } });
    const ids = events.map((event) => event.id);
    expect(ids).toHaveLength(10);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
  });

  it("rejects bad input with the field named and stores nothing", async () => {
    const app = await makeApp();
    const missing = await ingest(app.id, {
      events: [{ name: "channel_occupied", channel: "ok" }, { name: "channel_occupied" }],
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toContainEqual({
      field: "events.1.channel",
      issue: expect.any(String),
    });
    const tooMany = await ingest(app.id, {
      events: Array.from({ length: 1001 }, () => ({ name: "a", channel: "b" })),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details[0].field).toBe("events");
    const tooLarge = await ingest(app.id, {
      events: [{ name: "a", channel: "b", data: "x".repeat(1024 * 1024) }],
    });
    expect(tooLarge.status).toBe(413);
    const malformed = await call(eventsRoute.POST, "POST", `/api/v1/apps/${app.id}/events`, {
      params: { appId: app.id },
      rawBody: "{",
    });
    expect(malformed.status).toBe(400);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("answers 404 for an unknown app and 409 for a disabled one", async () => {
    expect((await ingest("no-such-app-xyz", { name: "a", channel: "b" })).status).toBe(404);
    const app = await makeApp();
    await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
      body: { enabled: false },
    });
    const disabled = await ingest(app.id, { name: "a", channel: "b" });
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.code).toBe("app_disabled");
  });

  it("validates events against their custom type's JSON Schema, naming the event", async () => {
    const app = await makeApp();
    const type = await makeEventType({
      schema: {
        type: "object",
        required: ["order_id"],
        properties: { order_id: { type: "string" } },
      },
    });
    const result = await ingest(app.id, {
      events: [
        { name: type.name, channel: "c", order_id: "1" },
        { name: type.name, channel: "c" },
      ],
    });
    expect(result.status).toBe(422);
    expect(result.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([
      "events.1",
    ]);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("checks data decoded against the schema, whether it came as an object or as a JSON string", async () => {
    const app = await makeApp();
    const type = await makeEventType({
      schema: { type: "object", properties: { data: { type: "object", required: ["orderId"] } } },
    });
    const good = await ingest(app.id, {
      events: [
        { name: type.name, channel: "c", data: { orderId: "o1" } },
        { name: type.name, channel: "c", data: '{"orderId":"o2"}' },
      ],
    });
    expect(good.status).toBe(202);
    const bad = await ingest(app.id, {
      events: [{ name: type.name, channel: "c", data: { order: "o3" } }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details[0].issue).toContain("orderId");
  });

  it("collapses identical cache_miss events for one channel within the window", async () => {
    const app = await makeApp();
    const [first, second] = await Promise.all([
      ingest(app.id, {
        events: [
          { name: "cache_miss", channel: "cache-x" },
          { name: "cache_miss", channel: "cache-x" },
          { name: "cache_miss", channel: "cache-y" },
        ],
      }),
      ingest(app.id, { events: [{ name: "cache_miss", channel: "cache-x" }] }),
    ]);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const rows = await db.event.findMany({ where: { appId: app.id }, orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(4);
    const primaries = rows.filter((row) => row.collapsedInto === null);
    expect(primaries.map((row) => row.channel).sort()).toEqual(["cache-x", "cache-y"]);
    const primaryX = primaries.find((row) => row.channel === "cache-x")!;
    for (const row of rows.filter((entry) => entry.collapsedInto !== null)) {
      expect(row.collapsedInto).toBe(primaryX.id);
      expect(await db.unroutedEvent.count({ where: { appId: app.id, seq: row.seq } })).toBe(0); // never routed
    }
  });
});

describe("Pusher-compatible intake", () => {
  // Recent: a webhook further than HERALD_INTAKE_MAX_SKEW_SECONDS from now is refused.
  const sentAt = Date.now() - 1000;
  const body = (events: unknown[]) => JSON.stringify({ time_ms: sentAt, events });

  it("accepts a correctly signed webhook and stamps events with their own time_ms, else the body's", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const raw = body([
      { name: "channel_occupied", channel: "presence-1" },
      { name: "member_added", channel: "presence-1", user_id: "7", time_ms: sentAt - 100 },
    ]);
    const result = await pusherPost(app.id, raw, {
      "x-pusher-key": app.key,
      "x-pusher-signature": pusherSignature("intake-secret-value", raw),
      "content-type": "application/json",
    });
    expect(result.status).toBe(202);
    expect(result.body.accepted).toHaveLength(2);
    const rows = await db.event.findMany({ where: { appId: app.id }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.timeMs)).toEqual([BigInt(sentAt), BigInt(sentAt - 100)]);
  });

  it("accepts a single event object, Sockudo's other documented shape", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const headers = (raw: string) => signedHeaders(app.key, "intake-secret-value", raw);
    const raw = JSON.stringify({
      name: "member_added",
      channel: "presence-globalchat",
      event: "pusher_internal:member_added",
      user_id: "user-123",
      time_ms: sentAt,
    });
    const result = await pusherPost(app.id, raw, headers(raw));
    expect(result.status).toBe(202);
    const row = await db.event.findFirstOrThrow({ where: { appId: app.id } });
    expect([row.name, row.channel, row.userId, row.timeMs]).toEqual([
      "member_added",
      "presence-globalchat",
      "user-123",
      BigInt(sentAt),
    ]);
    const noChannel = JSON.stringify({ name: "member_added" });
    const refused = await pusherPost(app.id, noChannel, headers(noChannel));
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([{ field: "channel", issue: expect.any(String) }]);
    const noEvents = JSON.stringify({ time_ms: sentAt, event: [] });
    const misnamed = await pusherPost(app.id, noEvents, headers(noEvents));
    expect(misnamed.status).toBe(422);
    expect(misnamed.body.error.details).toEqual([{ field: "events", issue: expect.any(String) }]);
  });

  it("answers 401 to a bad or missing signature or key and stores nothing", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const raw = body([{ name: "channel_occupied", channel: "c" }]);
    const good = pusherSignature("intake-secret-value", raw);
    const cases: Record<string, string>[] = [
      signedHeaders(app.key, "wrong", raw),
      { "x-pusher-key": app.key },
      { "x-pusher-signature": good },
      { "x-pusher-key": "other-key", "x-pusher-signature": good },
      {
        "x-pusher-key": app.key,
        "x-pusher-signature": pusherSignature("intake-secret-value", raw + " "),
      },
    ];
    for (const headers of cases) {
      const result = await pusherPost(app.id, raw, headers);
      expect(result.status, JSON.stringify(headers)).toBe(401);
    }
    // A signed body that is not JSON is rejected only after the signature check passes.
    const notJson = "not json";
    expect(
      (await pusherPost(app.id, notJson, signedHeaders(app.key, "wrong", notJson))).status,
    ).toBe(401);
    expect(
      (await pusherPost(app.id, notJson, signedHeaders(app.key, "intake-secret-value", notJson)))
        .status,
    ).toBe(400);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("checks the signature over the bytes received: a signed body that is not UTF-8 is a 400, not a 401", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const raw = Buffer.concat([
      Buffer.from(body([{ name: "channel_vacated", channel: "c", data: "x" }]).replace('"x"', '"')),
      Buffer.from([0xff]),
      Buffer.from('"}]}'),
    ]);
    const result = await pusherPost(
      app.id,
      raw,
      signedHeaders(app.key, "intake-secret-value", raw),
    );
    expect(result.status).toBe(400);
    expect(result.body.error.message).toBe("Request body is not valid UTF-8");
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("refuses an unpaired surrogate with a 422 naming the field (Postgres jsonb cannot hold it)", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const raw = body([{ name: "channel_vacated", channel: "c", data: "PLACEHOLDER" }]).replace(
      "PLACEHOLDER",
      "\\udc00",
    );
    const signed = await pusherPost(
      app.id,
      raw,
      signedHeaders(app.key, "intake-secret-value", raw),
    );
    expect(signed.status).toBe(422);
    expect(signed.body.error.details).toEqual([
      { field: "events.0.data", issue: expect.stringContaining("unpaired UTF-16 surrogate") },
    ]);
    const native = await call(eventsRoute.POST, "POST", `/api/v1/apps/${app.id}/events`, {
      params: { appId: app.id },
      rawBody: '{"events":[{"name":"channel_vacated","channel":"c1","data":"\\ud800"}]}',
    });
    expect(native.status).toBe(422);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("refuses what JavaScript would change silently: numbers a double cannot hold exactly and __proto__ keys", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    const cases: Array<[string, string, string]> = [
      [
        '{"events":[{"name":"client_event","channel":"c","data":1e999}]}',
        "events.0.data",
        "too large",
      ],
      [
        '{"events":[{"name":"client_event","channel":"c","data":{"n":-1e999}}]}',
        "events.0.data.n",
        "too large",
      ],
      [
        '{"events":[{"name":"client_event","channel":"c","order_id":12345678901234567890}]}',
        "events.0.order_id",
        "send it as a string",
      ],
      [
        '{"events":[{"name":"client_event","channel":"c","data":[0,1e-400]}]}',
        "events.0.data.1",
        "too small",
      ],
      [
        '{"events":[{"name":"client_event","channel":"c","__proto__":{"polluted":1}}]}',
        "events.0",
        "__proto__",
      ],
    ];
    for (const [rawBody, field, issue] of cases) {
      const native = await call(eventsRoute.POST, "POST", `/api/v1/apps/${app.id}/events`, {
        params: { appId: app.id },
        rawBody,
      });
      expect(native.status, rawBody).toBe(422);
      expect(native.body.error.details, rawBody).toEqual([
        { field, issue: expect.stringContaining(issue) },
      ]);
    }
    const raw = body([{ name: "channel_vacated", channel: "c", data: "x" }]).replace(
      '"data":"x"',
      '"data":"x","seq":1e400',
    );
    const signed = await pusherPost(
      app.id,
      raw,
      signedHeaders(app.key, "intake-secret-value", raw),
    );
    expect(signed.status).toBe(422);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
    // The largest exact integer, floats at double precision and long digit strings go through.
    const fine = await call(eventsRoute.POST, "POST", `/api/v1/apps/${app.id}/events`, {
      params: { appId: app.id },
      rawBody:
        '{"events":[{"id":"fine","name":"client_event","channel":"c","big":9007199254740991,"ratio":0.1,"avogadro":6.022e23,"pi":3.14159265358979323846,"data":{"n":-9007199254740991,"id":"12345678901234567890"}}]}',
    });
    expect(fine.status).toBe(202);
    const stored = await db.event.findFirstOrThrow({ where: { appId: app.id, id: "fine" } });
    expect(stored.payload).toMatchObject({
      big: 9007199254740991,
      ratio: 0.1,
      avogadro: 6.022e23,
      pi: Math.PI,
      data: '{"n":-9007199254740991,"id":"12345678901234567890"}',
    });
  });

  it("refuses a body without a length as soon as it passes the limit, without reading the rest", async () => {
    const app = await makeApp({ secret: "intake-secret-value" });
    let sent = 0;
    let cancelled = false;
    // Endless: a handler that read the whole body would never answer.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
      },
      cancel() {
        cancelled = true;
      },
    });
    const result = await pusherPost(app.id, endless, {
      "x-pusher-key": app.key,
      "x-pusher-signature": "0".repeat(64),
    });
    expect(result.status).toBe(413);
    expect(cancelled).toBe(true);
    expect(sent).toBeLessThan(4 * 1024 * 1024);
  });

  it("accepts the previous secret during a rotation grace period", async () => {
    const app = await makeApp({ secret: "old-intake-secret" });
    await call(rotateRoute.POST, "POST", `/api/v1/apps/${app.id}/rotate-secret`, {
      params: { appId: app.id },
      body: { graceSeconds: 60 },
    });
    const raw = body([{ name: "channel_vacated", channel: "c" }]);
    const result = await pusherPost(app.id, raw, signedHeaders(app.key, "old-intake-secret", raw));
    expect(result.status).toBe(202);
  });
});
