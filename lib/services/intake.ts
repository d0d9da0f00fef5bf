import { db } from "../db";
import { AppError, notFound } from "../errors";
import { safeEqual } from "../crypto";
import { decodeUtf8Body, parseJson } from "../validation/json";
import { verifyPusherSignature } from "../signing/pusher";
import { pusherWebhookSchema } from "../validation/ingest";
import { appVerificationSecrets } from "./apps";
import { ingestEvents, type IngestResult } from "../engine/ingest";

/**
 * A Pusher-compatible server's webhook: key and HMAC are checked against the raw bytes before
 * anything is parsed; then the events are ingested exactly like the native API's, each with its own
 * time_ms or else the body's.
 */
export async function ingestPusherWebhook(
  appId: string,
  rawBody: Buffer,
  headers: Headers,
): Promise<IngestResult> {
  const app = await db.app.findUnique({ where: { id: appId } });
  if (!app) throw notFound("App", appId);
  const key = headers.get("x-pusher-key");
  const signature = headers.get("x-pusher-signature");
  if (!key || !signature)
    throw new AppError("unauthorized", "X-Pusher-Key and X-Pusher-Signature headers are required");
  if (!safeEqual(key, app.key))
    throw new AppError("unauthorized", "X-Pusher-Key does not match this app's key");
  if (!verifyPusherSignature(appVerificationSecrets(app), rawBody, signature)) {
    throw new AppError(
      "unauthorized",
      "X-Pusher-Signature does not match the body signed with this app's secret",
    );
  }
  if (!app.enabled)
    throw new AppError("app_disabled", `App '${appId}' is disabled; enable it to ingest events`);
  const body = pusherWebhookSchema.parse(parseJson(decodeUtf8Body(rawBody)));
  if (body.events.length === 0) return { accepted: [], duplicates: [] };
  return ingestEvents(appId, body.events, { defaultTimeMs: body.time_ms });
}
