import { afterAll, describe, expect, it } from "vitest";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import { db } from "@/lib/db";
import { closeQueues } from "@/lib/jobs/queues";
import { pusherSignature } from "@/lib/signing/pusher";
import { call } from "../helpers/api";
import { makeApp } from "../factories";
import { makeEventType } from "../factories/endpoints";
import { intakeInChild } from "../helpers/unavailable-services";
import { uniquePrefix } from "../helpers/worker-process";

// A receiver holds bodies Herald signed with the app's key and secret, in the format the Pusher
// intake accepts. Posting one back must not fan its events out again: stale bodies are refused,
// and a body accepted once is acknowledged as a replay, by any web process, without ingesting it.

const prefix = uniquePrefix("intake-replay");
process.env.HERALD_QUEUE_PREFIX = prefix;
afterAll(() => closeQueues());

const SECRET = "replay-secret-0123456789";
const MAX_SKEW_MS = 600_000;

/** A body as Herald delivers it, signed as Herald signs it. */
function delivery(app: { key: string }, timeMs: number, channel = "presence-replay") {
  const rawBody = JSON.stringify({
    time_ms: timeMs,
    events: [{ name: "member_added", channel, user_id: "42" }],
  });
  return {
    rawBody,
    headers: {
      "content-type": "application/json",
      "x-pusher-key": app.key,
      "x-pusher-signature": pusherSignature(SECRET, rawBody),
    },
  };
}

const post = (appId: string, request: { rawBody: string; headers: Record<string, string> }) =>
  call(intakeRoute.POST, "POST", `/api/intake/pusher/${appId}`, {
    params: { appId },
    ...request,
    token: null,
  });

const storedEvents = (appId: string) => db.event.count({ where: { appId } });

describe("Pusher intake replay protection", () => {
  it("refuses a signed body whose time_ms is too old or too far ahead, saying why", async () => {
    const app = await makeApp({ secret: SECRET });
    const fromLastYear = delivery(app, Date.parse("2023-11-14T22:13:20Z"));
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await post(app.id, fromLastYear);
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(
        /^time_ms 1700000000000 is \d+ s behind Herald's clock; webhooks more than 600 s \(HERALD_INTAKE_MAX_SKEW_SECONDS\) from now are refused/,
      );
    }
    const ahead = await post(app.id, delivery(app, Date.now() + MAX_SKEW_MS + 60_000));
    expect(ahead.status).toBe(401);
    expect(ahead.body.error.message).toMatch(/ahead of Herald's clock/);
    expect(await storedEvents(app.id)).toBe(0);

    const withinWindow = await post(app.id, delivery(app, Date.now() - MAX_SKEW_MS + 30_000));
    expect(withinWindow.status).toBe(202);
  });

  it("acknowledges a repeat of an accepted body as a replay and ingests nothing again", async () => {
    const app = await makeApp({ secret: SECRET });
    const webhook = delivery(app, Date.now());
    const first = await post(app.id, webhook);
    expect(first.status).toBe(202);
    expect(first.body.accepted).toHaveLength(1);
    for (let attempt = 0; attempt < 3; attempt++) {
      const again = await post(app.id, webhook);
      expect(again).toMatchObject({
        status: 200,
        body: { accepted: [], duplicates: [], replay: true },
      });
    }
    expect(await storedEvents(app.id)).toBe(1);
    // Another web process shares the memory (Redis): it refuses the replay too.
    const elsewhere = await intakeInChild(
      { route: "pusher", appId: app.id, ...webhook },
      { HERALD_QUEUE_PREFIX: prefix },
    );
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    expect(elsewhere.body.replay).toBe(true);
    expect(await storedEvents(app.id)).toBe(1);
    // A different body (another signature) is a new webhook.
    expect((await post(app.id, delivery(app, Date.now(), "presence-other"))).status).toBe(202);
  });

  it("ingests two identical webhooks sent at the same time once", async () => {
    const app = await makeApp({ secret: SECRET });
    const webhook = delivery(app, Date.now());
    const answers = await Promise.all([post(app.id, webhook), post(app.id, webhook)]);
    // One ingests; the other finds it being ingested (409, retry) or already ingested (replay).
    const statuses = answers.map((answer) => answer.status).sort((a, b) => a - b);
    expect([
      [200, 202],
      [202, 409],
    ]).toContainEqual(statuses);
    expect(await storedEvents(app.id)).toBe(1);
  });

  it("does not remember a webhook that was refused after its signature was checked", async () => {
    const app = await makeApp({ secret: SECRET });
    const strict = await makeEventType({
      schema: { type: "object", required: ["user_id"] },
    });
    const rawBody = JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: strict.name, channel: "c" }],
    });
    const webhook = {
      rawBody,
      headers: { "x-pusher-key": app.key, "x-pusher-signature": pusherSignature(SECRET, rawBody) },
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      const refused = await post(app.id, webhook);
      expect(refused.status, "refused again, not acknowledged as a replay").toBe(422);
    }
  });

  it("requires time_ms, in the envelope and in a single event object", async () => {
    const app = await makeApp({ secret: SECRET });
    for (const body of [
      { events: [{ name: "channel_occupied", channel: "c" }] },
      { name: "channel_occupied", channel: "c" },
    ]) {
      const rawBody = JSON.stringify(body);
      const refused = await post(app.id, {
        rawBody,
        headers: {
          "x-pusher-key": app.key,
          "x-pusher-signature": pusherSignature(SECRET, rawBody),
        },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toEqual([
        { field: "time_ms", issue: expect.stringContaining("is required") },
      ]);
    }
    expect(await storedEvents(app.id)).toBe(0);
  });
});
