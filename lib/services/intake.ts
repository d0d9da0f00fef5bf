import { randomBytes } from "node:crypto";
import { db } from "../db";
import { AppError } from "../errors";
import { safeEqual } from "../crypto";
import { logger } from "../logger";
import { decodeUtf8Body, parseJson } from "../validation/json";
import { verifyPusherSignature } from "../signing/pusher";
import { pusherWebhookSchema } from "../validation/ingest";
import { appVerificationSecrets } from "./apps";
import { ingestEvents, type IngestResult } from "../engine/ingest";
import { assertFresh, claimWebhook } from "./intake-replay";

/** `replay`: this signed webhook was ingested before; nothing was ingested again. */
export type PusherIntakeResult = IngestResult & { replay?: true };

/**
 * One answer for a wrong key, a wrong signature and an unknown app alike: telling them apart would
 * let anyone enumerate app ids (the log says which it was).
 */
const NOT_SIGNED_FOR_THIS_APP =
  "X-Pusher-Key and X-Pusher-Signature do not match this app's key and the body signed with its secret";

/** Signs nothing: an unknown app's request is checked against it so it costs what others do. */
const UNKNOWN_APP_SECRET = randomBytes(32).toString("hex");

/**
 * A Pusher-compatible server's webhook: key and HMAC are checked against the raw bytes before
 * anything is parsed; then the events are ingested exactly like the native API's, each with its own
 * time_ms or else the body's.
 */
export async function ingestPusherWebhook(
  appId: string,
  rawBody: Buffer,
  headers: Headers,
): Promise<PusherIntakeResult> {
  const app = await db.app.findUnique({ where: { id: appId } });
  const key = headers.get("x-pusher-key");
  const signature = headers.get("x-pusher-signature");
  if (!key || !signature)
    throw new AppError("unauthorized", "X-Pusher-Key and X-Pusher-Signature headers are required");
  // Both checks always run, for a known app or not, so neither answer nor timing tells them apart.
  const keyMatches = safeEqual(key, app?.key ?? "");
  const secrets = app ? appVerificationSecrets(app) : [UNKNOWN_APP_SECRET];
  const signatureMatches = verifyPusherSignature(secrets, rawBody, signature);
  if (!app || !keyMatches || !signatureMatches) {
    const reason = !app
      ? "no such app"
      : !keyMatches
        ? "X-Pusher-Key is not the app's key"
        : "X-Pusher-Signature does not match the body signed with the app's secret";
    logger.warn({ appId, reason }, "Pusher intake refused");
    throw new AppError("unauthorized", NOT_SIGNED_FOR_THIS_APP);
  }
  if (!app.enabled)
    throw new AppError("app_disabled", `App '${appId}' is disabled; enable it to ingest events`);
  const body = pusherWebhookSchema.parse(parseJson(decodeUtf8Body(rawBody)));
  assertFresh(body.time_ms);
  if (body.events.length === 0) return { accepted: [], duplicates: [] };
  const claim = await claimWebhook(appId, signature, body.time_ms);
  if (claim.kind === "replay") {
    logger.warn({ appId, timeMs: body.time_ms }, "Pusher intake: replayed webhook ignored");
    return { accepted: [], duplicates: [], replay: true };
  }
  if (claim.kind === "in_progress")
    throw new AppError(
      "conflict",
      "This signed webhook is being ingested by another request right now; retry it in a moment",
    );
  let result: IngestResult;
  try {
    result = await ingestEvents(appId, body.events, { defaultTimeMs: body.time_ms });
  } catch (error) {
    await claim.failed().catch(() => undefined);
    throw error;
  }
  // Stored and acknowledged either way: if Redis fails here, a replay within 30 s is still refused.
  await claim
    .ingested()
    .catch((error: unknown) =>
      logger.warn({ err: error, appId }, "Pusher intake: webhook not remembered for replays"),
    );
  return result;
}
