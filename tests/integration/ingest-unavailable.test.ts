import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { pusherSignature } from "@/lib/signing/pusher";
import { makeApp, uniqueId } from "../factories";
import {
  DEAD_DATABASE_URL,
  DEAD_REDIS_URL,
  intakeInChild,
  keysUnderPrefix,
  type ChildIntakeRequest,
} from "../helpers/unavailable-services";
import { uniquePrefix } from "../helpers/worker-process";

// Intake with Redis or Postgres unreachable for the web side only: the route handlers run in a
// child process whose REDIS_URL / DATABASE_URL point at a closed port, while this process checks
// the real Postgres and Redis for anything half-stored.

const SECRET = "unavailable-intake-secret";

function nativeRequest(appId: string, ids: string[]): ChildIntakeRequest {
  const rawBody = JSON.stringify({
    events: ids.map((id) => ({
      id,
      name: "client_event",
      channel: "private-down",
      event: "client-x",
      data: { id },
    })),
  });
  return { route: "native", appId, rawBody };
}

function pusherRequest(app: { id: string; key: string }, ids: string[]): ChildIntakeRequest {
  const rawBody = JSON.stringify({
    time_ms: Date.now(),
    events: ids.map((id) => ({ id, name: "channel_occupied", channel: `presence-${id}` })),
  });
  return {
    route: "pusher",
    appId: app.id,
    rawBody,
    headers: {
      "content-type": "application/json",
      "x-pusher-key": app.key,
      "x-pusher-signature": pusherSignature(SECRET, rawBody),
    },
  };
}

function expectUnavailable(result: { status: number; body: any; elapsedMs: number }) {
  expect(result.status, JSON.stringify(result.body)).toBe(503);
  expect(result.body).toEqual({
    error: {
      code: "service_unavailable",
      message: expect.stringMatching(/unavailable/i),
      details: [],
    },
  });
  // Fails fast instead of hanging the producer.
  expect(result.elapsedMs).toBeLessThan(10_000);
}

const storedEvents = (appId: string) => db.event.count({ where: { appId } });

describe("intake with a dependency down", () => {
  it("stores and enqueues when both are up (the harness itself works)", async () => {
    const app = await makeApp({ secret: SECRET });
    const prefix = uniquePrefix("up");
    const ids = [uniqueId("evt"), uniqueId("evt")];
    const native = await intakeInChild(nativeRequest(app.id, ids), { HERALD_QUEUE_PREFIX: prefix });
    expect(native.status, JSON.stringify(native.body)).toBe(202);
    expect(native.body.accepted).toEqual(ids);
    const pusher = await intakeInChild(pusherRequest(app, [uniqueId("evt")]), {
      HERALD_QUEUE_PREFIX: prefix,
    });
    expect(pusher.status, JSON.stringify(pusher.body)).toBe(202);
    expect(await storedEvents(app.id)).toBe(3);
    expect(
      (await keysUnderPrefix(prefix)).some((key) => key.startsWith(`${prefix}:route-events:`)),
    ).toBe(true);
  });

  it("answers 503 on native ingest when Redis is unreachable and stores no event", async () => {
    const app = await makeApp({ secret: SECRET });
    const result = await intakeInChild(
      nativeRequest(app.id, [uniqueId("evt"), uniqueId("evt"), uniqueId("evt")]),
      { REDIS_URL: DEAD_REDIS_URL, HERALD_QUEUE_PREFIX: uniquePrefix("noredis") },
    );
    expectUnavailable(result);
    expect(await storedEvents(app.id)).toBe(0);
  });

  it("answers 503 on Pusher intake when Redis is unreachable and stores no event", async () => {
    const app = await makeApp({ secret: SECRET });
    const result = await intakeInChild(pusherRequest(app, [uniqueId("evt"), uniqueId("evt")]), {
      REDIS_URL: DEAD_REDIS_URL,
      HERALD_QUEUE_PREFIX: uniquePrefix("noredis"),
    });
    expectUnavailable(result);
    expect(await storedEvents(app.id)).toBe(0);
  });

  it("answers 503 on native ingest when Postgres is unreachable and enqueues nothing", async () => {
    const app = await makeApp({ secret: SECRET });
    const prefix = uniquePrefix("nopg");
    const result = await intakeInChild(nativeRequest(app.id, [uniqueId("evt")]), {
      DATABASE_URL: DEAD_DATABASE_URL,
      HERALD_QUEUE_PREFIX: prefix,
    });
    expectUnavailable(result);
    expect(await keysUnderPrefix(prefix)).toEqual([]);
    expect(await storedEvents(app.id)).toBe(0);
  });

  it("answers 503 on Pusher intake when Postgres is unreachable and enqueues nothing", async () => {
    const app = await makeApp({ secret: SECRET });
    const prefix = uniquePrefix("nopg");
    const result = await intakeInChild(pusherRequest(app, [uniqueId("evt")]), {
      DATABASE_URL: DEAD_DATABASE_URL,
      HERALD_QUEUE_PREFIX: prefix,
    });
    expectUnavailable(result);
    expect(await keysUnderPrefix(prefix)).toEqual([]);
    expect(await storedEvents(app.id)).toBe(0);
  });
});
