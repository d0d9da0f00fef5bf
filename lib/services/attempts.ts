import { db } from "../db";
import { env } from "../env";
import { decryptSecret } from "../crypto";
import { logger } from "../logger";
import { Prisma, type App, type AttemptTrigger, type Endpoint } from "../generated/prisma/client";
import { buildRequestHeaders, maskRequestHeaders } from "../delivery/headers";
import { sendHttp } from "../delivery/http";
import { invokeLambda } from "../delivery/lambda";
import { judge, retryDelaySeconds, type Verdict } from "../delivery/policy";
import type { LambdaConfig, TransportResult } from "../delivery/types";
import { enqueue, QUEUES } from "../jobs/queues";
import { deliverJobId } from "../jobs/ids";
import { endpointSecrets } from "./endpoints";
import { recordAudit } from "./audit";

// One attempt of one delivery: claim it in Postgres, sign and send with secrets read now, record
// the attempt and decide what comes next (success, durable retry, or failed = dead letter).

export type ClaimedDelivery = {
  id: string;
  endpointId: string;
  body: string;
  createdAt: Date;
  attemptNumber: number;
  trigger: AttemptTrigger;
};

export type EndpointWithApp = Endpoint & { app: App };

export type SentAttempt = { result: TransportResult; requestHeaders: Record<string, string>; startedAt: Date };

export async function claimDelivery(deliveryId: string): Promise<ClaimedDelivery | null> {
  const rows = await db.$queryRaw<{ id: string; endpoint_id: string; body: string; created_at: Date; attempt_count: number; trigger: AttemptTrigger }[]>`
    UPDATE deliveries SET status = 'delivering', attempt_count = attempt_count + 1, last_attempt_at = now(), updated_at = now()
    WHERE id = ${deliveryId}::uuid AND status IN ('pending', 'retrying')
      AND (next_attempt_at IS NULL OR next_attempt_at <= now() + interval '1 second')
    RETURNING id::text, endpoint_id::text, body, created_at, attempt_count, next_attempt_trigger::text AS trigger`;
  const row = rows[0];
  if (!row) return null;
  return { id: row.id, endpointId: row.endpoint_id, body: row.body, createdAt: row.created_at, attemptNumber: row.attempt_count, trigger: row.trigger };
}

/** Signs and sends one request; secrets are decrypted here and never leave this function unmasked. */
export async function sendToEndpoint(endpoint: EndpointWithApp, deliveryId: string, body: string, attemptNumber: number): Promise<SentAttempt> {
  const startedAt = new Date();
  const secrets = endpointSecrets(endpoint, startedAt);
  const headers = buildRequestHeaders({
    body,
    appKey: endpoint.app.key,
    appSecret: decryptSecret(endpoint.app.secretEncrypted),
    deliveryId,
    attemptNumber,
    customHeaders: endpoint.kind === "http" ? secrets.headers : {},
    standardWebhookSecrets: endpoint.standardWebhooksEnabled ? secrets.standardWebhookSecrets : null,
    now: startedAt,
  });
  const request = { body, headers, timeoutMs: endpoint.timeoutMs ?? env.HERALD_REQUEST_TIMEOUT_MS };
  const result =
    endpoint.kind === "lambda"
      ? await invokeLambda(endpoint.lambda as LambdaConfig, request).catch((error: Error) => failedResult(error))
      : await sendHttp(endpoint.url ?? "", request);
  return { result, requestHeaders: maskRequestHeaders(headers, secrets.headers), startedAt };
}

const failedResult = (error: Error): TransportResult => ({ status: null, headers: null, body: null, error: error.message, durationMs: 0 });

export type AttemptRecord = { verdict: Verdict; status: "succeeded" | "retrying" | "failed"; nextAttemptAt: Date | null } | { superseded: true };

type OutcomeMode = "engine" | "test";

/** Writes the attempt and the delivery's new state in one transaction; schedules the retry after commit. */
export async function recordOutcome(delivery: ClaimedDelivery, endpoint: EndpointWithApp, sent: SentAttempt, mode: OutcomeMode = "engine"): Promise<AttemptRecord> {
  const { result } = sent;
  const verdict = judge(result);
  const next = nextState(delivery, endpoint, verdict, result, mode);
  const lastError = verdict.outcome === "success" ? null : next.error;
  const record = await db.$transaction(async (tx) => {
    const updated = await tx.delivery.updateMany({
      where: { id: delivery.id, status: "delivering", attemptCount: delivery.attemptNumber },
      data: {
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        nextAttemptTrigger: "auto",
        lastResponseStatus: result.status,
        lastError,
      },
    });
    // The reconciler already took this attempt over (its worker looked dead): keep its record.
    if (updated.count === 0) return { superseded: true } as const;
    await tx.attempt.create({
      data: {
        deliveryId: delivery.id,
        number: delivery.attemptNumber,
        trigger: delivery.trigger,
        requestHeaders: sent.requestHeaders,
        responseStatus: result.status,
        responseHeaders: result.headers ?? Prisma.DbNull,
        responseBody: result.body,
        durationMs: result.durationMs,
        error: result.error ?? (verdict.outcome === "success" ? null : verdict.reason),
        startedAt: sent.startedAt,
      },
    });
    if (mode === "engine") await updateEndpointHealth(tx, endpoint, delivery, verdict, next.status);
    return { verdict, status: next.status, nextAttemptAt: next.nextAttemptAt };
  });
  if ("verdict" in record && record.status === "retrying" && record.nextAttemptAt) {
    await enqueue(QUEUES.deliver, [
      { jobId: deliverJobId(delivery.id, delivery.attemptNumber + 1), data: { deliveryId: delivery.id }, delayMs: record.nextAttemptAt.getTime() - Date.now() },
    ]).catch((error) => logger.warn({ err: error, deliveryId: delivery.id }, "retry not enqueued; the reconciler will schedule it"));
  }
  return record;
}

function nextState(delivery: ClaimedDelivery, endpoint: Endpoint, verdict: Verdict, result: TransportResult, mode: OutcomeMode) {
  if (verdict.outcome === "success") return { status: "succeeded" as const, nextAttemptAt: null, error: null };
  // Manual attempts (redeliver, recover, test) are single tries: a failure goes straight back to failed.
  if (verdict.outcome === "final" || delivery.trigger === "manual" || mode === "test") {
    return { status: "failed" as const, nextAttemptAt: null, error: verdict.reason };
  }
  const schedule = (endpoint.retryScheduleSeconds as number[] | null) ?? env.HERALD_RETRY_SCHEDULE_SECONDS;
  const delay = retryDelaySeconds(schedule, delivery.attemptNumber, result.retryAfterSeconds);
  if (delay === null) {
    return { status: "failed" as const, nextAttemptAt: null, error: `gave up after ${delivery.attemptNumber} attempts; last: ${verdict.reason}` };
  }
  const nextAttemptAt = new Date(Date.now() + delay * 1000);
  const maxAgeSeconds = endpoint.retryMaxAgeSeconds ?? env.HERALD_MAX_DELIVERY_AGE_SECONDS;
  if (nextAttemptAt.getTime() - delivery.createdAt.getTime() > maxAgeSeconds * 1000) {
    return { status: "failed" as const, nextAttemptAt: null, error: `gave up: older than ${maxAgeSeconds} s; last: ${verdict.reason}` };
  }
  return { status: "retrying" as const, nextAttemptAt, error: verdict.reason };
}

type Tx = Prisma.TransactionClient;

/**
 * Auto-disable counts deliveries that END failed (not attempts), atomically, so any number of
 * workers count right; a success resets the count. 410 Gone disables at once.
 */
async function updateEndpointHealth(tx: Tx, endpoint: Endpoint, delivery: ClaimedDelivery, verdict: Verdict, status: string): Promise<void> {
  if (status === "succeeded") {
    await tx.$executeRaw`UPDATE endpoints SET consecutive_failures = 0 WHERE id = ${endpoint.id}::uuid AND consecutive_failures <> 0`;
    return;
  }
  if (verdict.outcome === "final" && verdict.gone) {
    await disableEndpoint(tx, endpoint.id, `The endpoint answered 410 Gone on ${new Date().toISOString()}; Herald disabled it. Re-enable it once it accepts webhooks again.`);
    return;
  }
  if (status !== "failed" || delivery.trigger === "manual") return;
  const rows = await tx.$queryRaw<{ consecutive_failures: number }[]>`
    UPDATE endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ${endpoint.id}::uuid RETURNING consecutive_failures`;
  const failures = rows[0]?.consecutive_failures ?? 0;
  const threshold = env.HERALD_AUTO_DISABLE_THRESHOLD;
  if (threshold > 0 && failures >= threshold) {
    const reason = verdict.outcome === "success" ? "" : verdict.reason;
    await disableEndpoint(tx, endpoint.id, `Disabled automatically after ${failures} failed deliveries in a row (last error: ${reason}). Failed deliveries are kept: re-enable the endpoint and use Recover.`);
  }
}

async function disableEndpoint(tx: Tx, endpointId: string, reason: string): Promise<void> {
  const rows = await tx.$queryRaw<{ app_id: string }[]>`
    UPDATE endpoints SET enabled = false, disabled_reason = ${reason}, disabled_at = now(), updated_at = now()
    WHERE id = ${endpointId}::uuid AND enabled RETURNING app_id`;
  const appId = rows[0]?.app_id;
  if (!appId) return; // already disabled by another worker
  await recordAudit(tx, "system", { action: "endpoint.disabled", resourceType: "endpoint", resourceId: endpointId, appId, changes: { reason } });
  logger.warn({ endpointId, appId }, "endpoint disabled by the delivery engine");
}

/** The endpoint or app was disabled after this delivery was queued: keep it failed for Recover. */
export async function failUndeliverable(delivery: ClaimedDelivery, reason: string): Promise<void> {
  await db.delivery.updateMany({
    where: { id: delivery.id, status: "delivering", attemptCount: delivery.attemptNumber },
    data: { status: "failed", attemptCount: delivery.attemptNumber - 1, nextAttemptAt: null, nextAttemptTrigger: "auto", lastError: reason },
  });
}

export function disabledReason(endpoint: EndpointWithApp): string | null {
  if (!endpoint.app.enabled) return `app disabled: ${endpoint.appId}`;
  if (!endpoint.enabled) return `endpoint disabled: ${endpoint.disabledReason ?? "disabled by an operator"}`;
  return null;
}

export async function loadEndpoint(endpointId: string): Promise<EndpointWithApp | null> {
  return db.endpoint.findUnique({ where: { id: endpointId }, include: { app: true } });
}

/** The whole attempt as the deliver job runs it. */
export async function performDeliveryAttempt(deliveryId: string): Promise<AttemptRecord | "skipped"> {
  const delivery = await claimDelivery(deliveryId);
  if (!delivery) return "skipped";
  const endpoint = await loadEndpoint(delivery.endpointId);
  if (!endpoint) return "skipped"; // deleted: its deliveries go with it
  const disabled = disabledReason(endpoint);
  if (disabled) {
    await failUndeliverable(delivery, disabled);
    return "skipped";
  }
  const sent = await sendToEndpoint(endpoint, delivery.id, delivery.body, delivery.attemptNumber);
  return recordOutcome(delivery, endpoint, sent);
}
