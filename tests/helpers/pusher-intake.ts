import Pusher from "pusher";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import { pusherSignature } from "@/lib/signing/pusher";
import { call } from "./api";

// Webhooks as a Pusher-compatible server (Soketi, Sockudo) sends them to Herald's intake: signed
// with the app secret, and checked with the official `pusher` package before they go out, so the
// tests post exactly what a real server's signature would look like.

export const INTAKE_SECRET = "presence-intake-secret";

/** The headers that authenticate a raw intake body: the app's key and its signature with `secret`. */
export const signedHeaders = (key: string, secret: string, rawBody: string | Buffer) => ({
  "x-pusher-key": key,
  "x-pusher-signature": pusherSignature(secret, rawBody),
});

export async function pusherIntake(
  app: { id: string; key: string },
  events: Record<string, unknown>[],
  timeMs = Date.now(),
) {
  const rawBody = JSON.stringify({ time_ms: timeMs, events });
  const headers = {
    ...signedHeaders(app.key, INTAKE_SECRET, rawBody),
    "content-type": "application/json",
  };
  const pusher = new Pusher({ appId: app.id, key: app.key, secret: INTAKE_SECRET, cluster: "mt1" });
  if (!pusher.webhook({ headers, rawBody }).isValid())
    throw new Error("the official pusher package does not accept this webhook's signature");
  const result = await call(intakeRoute.POST, "POST", `/api/intake/pusher/${app.id}`, {
    params: { appId: app.id },
    rawBody,
    headers,
    token: null,
  });
  if (result.status !== 202) throw new Error(`intake answered ${result.status}`);
  return result.body as { accepted: string[]; duplicates: string[] };
}
