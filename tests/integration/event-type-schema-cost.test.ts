import { afterAll, describe, expect, it } from "vitest";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { closeQueues } from "@/lib/jobs/queues";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";
import { uniquePrefix } from "../helpers/worker-process";

// A custom event type's JSON Schema runs on every incoming event of the type, on the web
// process's event loop. Constructs whose work grows faster than the event are refused when the
// schema is saved, and the work one request may take is bounded.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("schema-cost");
afterAll(() => closeQueues());

const typeName = () => uniqueId("costly").replace("-", ".");
const save = (schema: unknown) =>
  call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
    body: { name: typeName(), schema },
  });
const ingest = (appId: string, events: unknown[]) =>
  call(eventsRoute.POST, "POST", `/api/v1/apps/${appId}/events`, {
    params: { appId },
    body: { events },
  });
const tagsSchema = (tags: Record<string, unknown>) => ({
  type: "object",
  properties: { data: { type: "object", properties: { tags: { type: "array", ...tags } } } },
});

/** An event type stored directly, as one saved before these checks existed would be. */
async function storedBeforeTheChecks(schema: Record<string, unknown>) {
  const name = typeName();
  await db.eventType.create({
    data: { name, description: "", schema: schema as Prisma.InputJsonValue, builtIn: false },
  });
  return name;
}

describe("custom event type schemas: what they may cost", () => {
  it("refuses super-linear constructs without a bound when saved, saying what to add", async () => {
    // Each level tries the next one twice: 2^24 checks of one value, from 49 subschemas.
    const defs: Record<string, unknown> = { d24: { type: "string" } };
    for (let level = 0; level < 24; level++) {
      const next = { $ref: `#/$defs/d${level + 1}` };
      defs[`d${level}`] = { anyOf: [next, { type: "null" }, next] };
    }
    const cases: [string, unknown, RegExp][] = [
      [
        "uniqueItems without maxItems",
        tagsSchema({ uniqueItems: true }),
        /add maxItems of at most 100/,
      ],
      [
        "uniqueItems with a large maxItems",
        tagsSchema({ uniqueItems: true, maxItems: 5000 }),
        /maxItems of at most 100/,
      ],
      [
        "uniqueItems on objects",
        tagsSchema({ uniqueItems: true, items: { type: "object" } }),
        /maxItems/,
      ],
      [
        "format url without maxLength",
        { properties: { link: { format: "url" } } },
        /add a maxLength/,
      ],
      ["a $ref cycle on one value", { anyOf: [{ $ref: "#" }, { type: "string" }] }, /never finish/],
      [
        "$refs that fan out exponentially",
        { $defs: defs, $ref: "#/$defs/d0" },
        /more than 500 subschemas/,
      ],
      [
        "a huge enum",
        { properties: { kind: { enum: Array.from({ length: 600 }, (_, i) => `k${i}`) } } },
        /more than 500/,
      ],
    ];
    for (const [what, schema, issue] of cases) {
      const refused = await save(schema);
      expect(refused.status, what).toBe(422);
      expect(refused.body.error.details[0], what).toEqual({
        field: "schema",
        issue: expect.stringMatching(issue),
      });
    }
  });

  it("accepts the same constructs within bounds, and recursion that descends", async () => {
    for (const schema of [
      tagsSchema({ uniqueItems: true, maxItems: 100 }),
      tagsSchema({ uniqueItems: true, items: { type: "string" } }),
      { properties: { link: { format: "url", maxLength: 2048 } } },
      {
        $defs: {
          node: {
            type: "object",
            properties: { children: { type: "array", items: { $ref: "#/$defs/node" } } },
          },
        },
        $ref: "#/$defs/node",
      },
    ])
      expect((await save(schema)).status, JSON.stringify(schema)).toBe(201);
  });

  // Bounded, not fast: the item limit is checked before the quadratic uniqueness check runs. How
  // long the event loop is held is the benchmark's to measure, not a test's.
  it("bounds uniqueItems in a schema saved before the checks: 20k items are refused at the limit", async () => {
    const app = await makeApp();
    const name = await storedBeforeTheChecks(tagsSchema({ uniqueItems: true }));
    const tags = Array.from({ length: 20_000 }, (_, index) => `tag-${index}`);
    const posted = await ingest(app.id, [{ name, channel: "c", data: { tags } }]);
    expect(posted.status).toBe(422);
    expect(posted.body.error.details).toEqual([
      { field: "events.0", issue: "/data/tags must NOT have more than 100 items" },
    ]);
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
  });

  it("does not run a stored schema whose $ref never ends (it would overflow the stack)", async () => {
    const app = await makeApp();
    const name = await storedBeforeTheChecks({ anyOf: [{ $ref: "#" }, { type: "string" }] });
    const posted = await ingest(app.id, [{ name, channel: "c", data: "x" }]);
    expect(posted.status).toBe(202);
  });

  it("refuses a request whose events would take more schema checks than one request may", async () => {
    const app = await makeApp();
    const wide = await save({
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: 400 }, (_, index) => [`field${index}`, { type: "string" }]),
      ),
    });
    expect(wide.status).toBe(201);
    const fat = Object.fromEntries(Array.from({ length: 60 }, (_, index) => [`k${index}`, index]));
    const events = Array.from({ length: 500 }, () => ({
      name: wide.body.name,
      channel: "c",
      data: fat,
    }));
    const refused = await ingest(app.id, events);
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(
      /more than the 10000000 one request may take: send fewer events per request/,
    );
    expect(await db.event.count({ where: { appId: app.id } })).toBe(0);
    expect((await ingest(app.id, events.slice(0, 100))).status).toBe(202);
  });
});
