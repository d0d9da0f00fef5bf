import { describe, expect, it } from "vitest";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import * as eventTypeRoute from "@/app/api/v1/event-types/[name]/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import { db } from "@/lib/db";
import { knownEventTypeNames } from "@/lib/services/event-types";
import { validateEventAgainstType } from "@/lib/services/event-validation";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";
import { makeEndpoint, makeEventType } from "../factories/endpoints";

const BUILT_IN = [
  "channel_occupied",
  "channel_vacated",
  "member_added",
  "member_removed",
  "client_event",
  "cache_miss",
  "subscription_count",
  "member_updated",
  "push.publish_accepted",
  "push.publish_dispatched",
  "push.provider_accepted",
  "push.provider_rejected",
  "push.publish_failed",
  "push.device_invalidated",
  "push.scheduled_cancelled",
  "push.delivery_status",
  "herald.endpoint.disabled",
  "herald.endpoint.enabled",
  "herald.delivery.failed",
  "herald.backlog.stalled",
  "herald.backlog.recovered",
];

const orderSchema = {
  type: "object",
  required: ["data"],
  properties: {
    data: {
      type: "object",
      required: ["orderId"],
      properties: { orderId: { type: "string", format: "uuid" } },
    },
  },
};

const typeName = () => uniqueId("order").replace("-", ".placed_");
const byName = (name: string) =>
  call(eventTypeRoute.GET, "GET", `/api/v1/event-types/${name}`, { params: { name } });

describe("event types API", () => {
  it("lists the built-in catalog", async () => {
    // Other tests add custom types to the shared database, so read every page.
    const all: { name: string; builtIn: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const listed = await call(eventTypesRoute.GET, "GET", "/api/v1/event-types", {
        query: { limit: "20", ...(cursor ? { cursor } : {}) },
      });
      expect(listed.status).toBe(200);
      expect(listed.body.data.length).toBeLessThanOrEqual(20);
      all.push(...listed.body.data);
      cursor = listed.body.nextCursor ?? undefined;
    } while (cursor);
    const names = all.map((eventType) => eventType.name);
    expect(new Set(names).size).toBe(names.length);
    expect(
      all
        .filter((eventType) => eventType.builtIn)
        .map((eventType) => eventType.name)
        .sort(),
    ).toEqual([...BUILT_IN].sort());
    expect(all.find((eventType) => eventType.name === "channel_occupied")).toMatchObject({
      description: expect.any(String),
      schema: null,
      builtIn: true,
    });
  });

  it("creates a custom type with a JSON Schema and validates events against it", async () => {
    const name = typeName();
    const created = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name, description: "An order was placed", schema: orderSchema },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name,
      description: "An order was placed",
      schema: orderSchema,
      builtIn: false,
    });
    expect((await byName(name)).body.name).toBe(name);
    expect((await knownEventTypeNames()).has(name)).toBe(true);

    expect(
      await validateEventAgainstType(name, {
        name,
        channel: "c",
        data: { orderId: "0193a5b0-0000-7000-8000-000000000000" },
      }),
    ).toBeNull();
    const errors = await validateEventAgainstType(name, {
      name,
      channel: "c",
      data: { orderId: "not-a-uuid" },
    });
    expect(errors).toEqual([expect.stringContaining("/data/orderId")]);
    expect(await validateEventAgainstType("channel_occupied", { anything: true })).toBeNull();
    expect(await validateEventAgainstType(uniqueId("missing"), {})).toBeNull();

    const duplicate = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name },
    });
    expect(duplicate.status).toBe(409);
  });

  it("rejects bad names and invalid or unsafe schemas with 422 naming the field", async () => {
    const badName = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: "Order Placed" },
    });
    expect(badName.status).toBe(422);
    expect(badName.body.error.details[0].field).toBe("name");
    const badSchema = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: typeName(), schema: { type: "objekt" } },
    });
    expect(badSchema.status).toBe(422);
    expect(badSchema.body.error.details[0].field).toBe("schema");
    const notObject = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: typeName(), schema: "string" },
    });
    expect(notObject.status).toBe(422);
    expect(notObject.body.error.details[0].field).toBe("schema");
    const redos = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: {
        name: typeName(),
        schema: { type: "object", properties: { channel: { type: "string", pattern: "^(a+)+$" } } },
      },
    });
    expect(redos.status).toBe(422);
    expect(redos.body.error.message).toMatch(/catastrophic backtracking/);
    // Safe as a plain regex, exponential under the u flag Ajv runs schema patterns with.
    const unicodeRedos = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: {
        name: typeName(),
        schema: {
          type: "object",
          properties: { channel: { type: "string", pattern: "^(\\p{L}+)+$" } },
        },
      },
    });
    expect(unicodeRedos.status).toBe(422);
    expect(unicodeRedos.body.error.message).toMatch(/catastrophic backtracking/);
    const manyPatterns = Object.fromEntries(
      Array.from({ length: 21 }, (_, index) => [
        `f${index}`,
        { type: "string", pattern: `^a${index}$` },
      ]),
    );
    const tooMany = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: typeName(), schema: { type: "object", properties: manyPatterns } },
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.message).toMatch(/21 regular expressions.*at most 20/);
    const malformed = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      rawBody: "{",
    });
    expect(malformed.status).toBe(400);
  });

  it("accepts a 2020-12 schema, removes a schema with null and rejects an invalid one", async () => {
    const eventType = await makeEventType({
      schema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        required: ["channel"],
      },
    });
    expect(await validateEventAgainstType(eventType.name, {})).toEqual([
      expect.stringContaining("channel"),
    ]);
    const patched = await call(eventTypeRoute.PATCH, "PATCH", "/x", {
      params: { name: eventType.name },
      body: { schema: null, description: "loose" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ schema: null, description: "loose" });
    const invalid = await call(eventTypeRoute.PATCH, "PATCH", "/x", {
      params: { name: eventType.name },
      body: { schema: { minimum: "five" } },
    });
    expect(invalid.status).toBe(422);
  });

  it("does not fail intake when a stored schema no longer compiles", async () => {
    const eventType = await makeEventType();
    await db.eventType.update({
      where: { name: eventType.name },
      data: { schema: { type: "no-such-type" } },
    });
    expect(await validateEventAgainstType(eventType.name, { anything: 1 })).toBeNull();
  });

  it("lets built-ins change only their description (403 otherwise)", async () => {
    const original = (await byName("cache_miss")).body.description;
    const described = await call(eventTypeRoute.PATCH, "PATCH", "/x", {
      params: { name: "cache_miss" },
      body: { description: original },
    });
    expect(described.status).toBe(200);
    const withSchema = await call(eventTypeRoute.PATCH, "PATCH", "/x", {
      params: { name: "cache_miss" },
      body: { schema: { type: "object" } },
    });
    expect(withSchema.status).toBe(403);
    const deleted = await call(eventTypeRoute.DELETE, "DELETE", "/x", {
      params: { name: "cache_miss" },
    });
    expect(deleted.status).toBe(403);
    expect(await db.eventType.findUnique({ where: { name: "cache_miss" } })).not.toBeNull();
  });

  it("refuses to delete a type endpoints subscribe to (409), then deletes it", async () => {
    const eventType = await makeEventType();
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id, { eventTypes: [eventType.name] });
    await makeEndpoint(app.id, { eventTypes: ["channel_occupied", eventType.name] });
    const refused = await call(eventTypeRoute.DELETE, "DELETE", "/x", {
      params: { name: eventType.name },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/2 endpoints/);

    await db.endpoint.deleteMany({ where: { appId: app.id } });
    expect(endpoint.eventTypes).toEqual([eventType.name]);
    const deleted = await call(eventTypeRoute.DELETE, "DELETE", "/x", {
      params: { name: eventType.name },
    });
    expect(deleted.status).toBe(204);
    expect((await byName(eventType.name)).status).toBe(404);
  });

  it("answers 404 to unknown and malformed names", async () => {
    expect((await byName("no_such_type_here")).status).toBe(404);
    expect((await byName("Not A Name")).status).toBe(404);
    const patchMissing = await call(eventTypeRoute.PATCH, "PATCH", "/x", {
      params: { name: "no_such_type_here" },
      body: { description: "x" },
    });
    expect(patchMissing.status).toBe(404);
  });

  it("needs a token not limited to one app for writes", async () => {
    const app = await makeApp();
    const token = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "app token", scopes: ["read", "write"], appId: app.id },
      })
    ).body.token;
    const create = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name: typeName() },
      token,
    });
    expect(create.status).toBe(403);
    const list = await call(eventTypesRoute.GET, "GET", "/api/v1/event-types", { token });
    expect(list.status).toBe(200);
    const readOnly = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "reader", scopes: ["read"] },
      })
    ).body.token;
    expect(
      (
        await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
          body: { name: typeName() },
          token: readOnly,
        })
      ).status,
    ).toBe(403);
  });

  it("a token grants only scopes it has itself", async () => {
    const writer = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "writer", scopes: ["write"] },
      })
    ).body.token;
    const escalate = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "escalated", scopes: ["read", "write", "ingest"] },
      token: writer,
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.error.message).toContain("lacks 'ingest'");
    expect(await db.apiToken.count({ where: { name: "escalated" } })).toBe(0);
    // read comes with write, so a write token may mint a read-only one.
    const reader = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "reader from writer", scopes: ["read"] },
      token: writer,
    });
    expect(reader.status).toBe(201);
  });

  it("a token cannot create a token that outlives it", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000);
    const expiring = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "hour", scopes: ["write"], expiresAt: expiresAt.toISOString() },
      })
    ).body.token;
    const create = (body: Record<string, unknown>) =>
      call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "child", scopes: ["read"], ...body },
        token: expiring,
      });
    expect((await create({})).status).toBe(403);
    expect(
      (await create({ expiresAt: new Date(expiresAt.getTime() + 60_000).toISOString() })).status,
    ).toBe(403);
    expect(
      (await create({ expiresAt: new Date(expiresAt.getTime() - 60_000).toISOString() })).status,
    ).toBe(201);
  });
});
