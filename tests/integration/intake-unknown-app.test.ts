import { afterAll, describe, expect, it } from "vitest";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import { closeQueues } from "@/lib/jobs/queues";
import { pusherSignature } from "@/lib/signing/pusher";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";
import { uniquePrefix } from "../helpers/worker-process";

// The Pusher intake must not tell anyone which app ids exist: an unknown app is answered exactly
// as a known app with a wrong key or signature.

process.env.HERALD_QUEUE_PREFIX = uniquePrefix("intake-unknown");
afterAll(() => closeQueues());

const post = (appId: string, raw: string, headers: Record<string, string>) =>
  call(intakeRoute.POST, "POST", `/api/intake/pusher/${appId}`, {
    params: { appId },
    rawBody: raw,
    headers,
    token: null,
  });

describe("Pusher intake and unknown app ids", () => {
  it("answers an unknown app exactly as a wrong signature or a wrong key", async () => {
    const app = await makeApp({ secret: "enumeration-secret-value" });
    const raw = JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: "channel_occupied", channel: "c" }],
    });
    const forged = pusherSignature("guessed-secret-value", raw);
    const wrongSignature = await post(app.id, raw, {
      "x-pusher-key": app.key,
      "x-pusher-signature": forged,
    });
    const wrongKey = await post(app.id, raw, {
      "x-pusher-key": "guessed-key",
      "x-pusher-signature": forged,
    });
    const unknownApp = await post(uniqueId("no-such-app"), raw, {
      "x-pusher-key": "guessed-key",
      "x-pusher-signature": forged,
    });
    const unknownAppWithTheKey = await post(`${app.id}0`, raw, {
      "x-pusher-key": app.key,
      "x-pusher-signature": forged,
    });
    expect(wrongSignature.status).toBe(401);
    for (const answer of [wrongKey, unknownApp, unknownAppWithTheKey]) {
      expect(answer.status).toBe(wrongSignature.status);
      expect(answer.body).toEqual(wrongSignature.body);
    }
    expect(wrongSignature.body.error.message).not.toMatch(/not found|exist/i);
  });

  it("answers an unknown app without headers as a known one without headers", async () => {
    const app = await makeApp();
    const raw = JSON.stringify({ time_ms: Date.now(), events: [] });
    const known = await post(app.id, raw, {});
    const unknown = await post(uniqueId("no-such-app"), raw, {});
    expect(known.status).toBe(401);
    expect(unknown).toMatchObject({ status: known.status, body: known.body });
  });
});
