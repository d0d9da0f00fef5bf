import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import * as appsRoute from "@/app/api/v1/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as eventsRoute from "@/app/api/v1/apps/[appId]/events/route";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import * as importRoute from "@/app/api/v1/import/route";
import { closeQueues } from "@/lib/jobs/queues";
import { pusherSignature } from "@/lib/signing/pusher";
import { call, type ApiResult } from "../helpers/api";
import { makeApp } from "../factories";
import { makeEndpoint, makeEventType } from "../factories/endpoints";
import { uniquePrefix } from "../helpers/worker-process";

// Hostile bodies get a 4xx naming what is wrong, never a 5xx: both intake routes and the management
// API, with bodies built to break parsers (deep nesting, numbers JavaScript would change, NUL and
// lone surrogates, __proto__ keys, bytes that are not UTF-8) and random mutations of valid ones.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("hostile");
afterAll(() => closeQueues());

type Target = { name: string; send: (body: Uint8Array) => Promise<ApiResult> };

let targets: Target[] = [];
let customType = "";

beforeAll(async () => {
  const app = await makeApp({ secret: "hostile-input-secret-0123456789" });
  const endpoint = await makeEndpoint(app.id);
  customType = (
    await makeEventType({
      schema: {
        type: "object",
        properties: { data: { type: "object", required: ["n"], maxProperties: 10 } },
      },
    })
  ).name;
  const params = { appId: app.id, endpointId: endpoint.id };
  const management = (
    name: string,
    handler: Parameters<typeof call>[0],
    method: string,
  ): Target => ({
    name,
    send: (body) => call(handler, method, "/x", { params, rawBody: body }),
  });
  targets = [
    management("native ingest", eventsRoute.POST, "POST"),
    {
      name: "Pusher intake",
      // Signed, so each body reaches the parser instead of stopping at the signature check.
      send: (body) =>
        call(intakeRoute.POST, "POST", "/x", {
          params,
          rawBody: body,
          token: null,
          headers: {
            "x-pusher-key": app.key,
            "x-pusher-signature": pusherSignature(app.secret, Buffer.from(body)),
          },
        }),
    },
    management("create app", appsRoute.POST, "POST"),
    management("update app", appRoute.PATCH, "PATCH"),
    management("create endpoint", endpointsRoute.POST, "POST"),
    management("update endpoint", endpointRoute.PATCH, "PATCH"),
    management("create event type", eventTypesRoute.POST, "POST"),
    management("import", importRoute.POST, "POST"),
  ];
});

const nesting = (depth: number, inner: string, open = "[", close = "]") =>
  open.repeat(depth) + inner + close.repeat(depth);

/** Values that have broken parsers or storage before. */
const hostileAtom = fc.constantFrom(
  "1234567890123456",
  "12345678901234567890",
  "1e999",
  "-1e-400",
  "-0",
  '"\\u0000"',
  '"\\ud800"',
  '"\\udc00x"',
  '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}',
  "[]",
  "{}",
  "null",
  "true",
  '"' + "x".repeat(5000) + '"',
);

const deepBody = fc
  .tuple(
    fc.integer({ min: 1, max: 20_000 }),
    hostileAtom,
    fc.constantFrom(["[", "]"], ['{"a":', "}"], ['{"events":[', "]}"]),
  )
  .map(([depth, atom, [open, close]]) => nesting(depth, atom, open, close));

const eventBody = fc
  .record({
    name: fc.oneof(fc.constantFrom("channel_occupied", "client_event"), fc.string()),
    channel: fc.oneof(fc.constant("private-a"), fc.string()),
    data: fc.oneof(fc.jsonValue(), fc.string()),
    time_ms: fc.oneof(fc.integer(), fc.double(), fc.constant(Date.now())),
  })
  .map((event) => ({ time_ms: Date.now(), events: [event] }));

const PLACEHOLDER = "hostile-value-goes-here";

/** A valid-looking body with one value replaced by a hostile atom. */
const mutatedBody = fc
  .tuple(eventBody, hostileAtom, fc.constantFrom("name", "channel", "data", "time_ms"))
  .map(([body, atom, field]) => {
    const withPlaceholder = { ...body, events: [{ ...body.events[0], [field]: PLACEHOLDER }] };
    return JSON.stringify(withPlaceholder).replace(`"${PLACEHOLDER}"`, atom);
  });

const customTypeBody = fc
  .tuple(fc.jsonValue(), fc.integer({ min: 0, max: 2000 }))
  .map(([data, depth]) =>
    JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: customType, channel: "private-a", data: JSON.stringify(data) }],
    }).replace('"data":"', `"data":"${"[".repeat(depth)}`),
  );

const textBody = fc.oneof(
  deepBody,
  mutatedBody,
  customTypeBody,
  fc.json(),
  fc.string({ unit: "binary" }),
  eventBody.map((body) => JSON.stringify(body)),
);
const bytesBody = fc.oneof(
  textBody.map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 2000 }),
);

describe("hostile request bodies", () => {
  it("never answer 5xx, on either intake route or the management API (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 1000 }), bytesBody, async (pick, body) => {
        const target = targets[pick % targets.length]!;
        const answer = await target.send(body);
        expect(answer.status, `${target.name}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.body.error.message).toEqual(expect.any(String));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses deep nesting around a 16-digit number with a 422 before parsing it", async () => {
    const body = new TextEncoder().encode(nesting(10_000, "1234567890123456"));
    for (const target of targets) {
      const answer = await target.send(body);
      expect(answer.status, target.name).toBe(422);
      expect(answer.body.error.message, target.name).toBe(
        "Request body is nested deeper than 32 levels",
      );
    }
  });
});
