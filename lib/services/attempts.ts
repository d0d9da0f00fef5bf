import { db } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { Prisma, type AttemptTrigger, type Endpoint } from "../generated/prisma/client";
import { buildRequestHeaders, maskRequestHeaders } from "../delivery/headers";
import { sendHttp } from "../delivery/http";
import { invokeLambda } from "../delivery/lambda";
import { judge, retryDelaySeconds, type Verdict } from "../delivery/policy";
import type { LambdaConfig, TransportResult } from "../delivery/types";
import { enqueue, QUEUES } from "../jobs/queues";
import { deliverJobId } from "../jobs/ids";
import {
  buildEndpointConfig,
  type EndpointConfig,
  type EndpointWithApp,
} from "../delivery/config-cache";
import { recordAudit } from "./audit";
import { emitEndpointDisabled } from "./operational-events";

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

export type { EndpointWithApp };

export type SentAttempt = {
  result: TransportResult;
  requestHeaders: Record<string, string>;
  startedAt: Date;
};

/**
 * Signs and sends one request; secrets are decrypted here and never leave this function unmasked.
 */
export async function sendToEndpoint(
  endpoint: EndpointWithApp,
  deliveryId: string,
  body: string,
  attemptNumber: number,
): Promise<SentAttempt> {
  return sendWithConfig(buildEndpointConfig(endpoint, new Date()), deliveryId, body, attemptNumber);
}

/** The same with the endpoint's secrets already decrypted (the worker's per-process cache). */
export async function sendWithConfig(
  config: EndpointConfig,
  deliveryId: string,
  body: string,
  attemptNumber: number,
): Promise<SentAttempt> {
  const { endpoint } = config;
  const startedAt = new Date();
  const headers = buildRequestHeaders({
    body,
    appKey: endpoint.app.key,
    appSecret: config.appSecret,
    deliveryId,
    attemptNumber,
    customHeaders: config.customHeaders,
    standardWebhookSecrets: endpoint.standardWebhooksEnabled ? config.standardWebhookSecrets : null,
    now: startedAt,
  });
  const request = { body, headers, timeoutMs: endpoint.timeoutMs ?? env.HERALD_REQUEST_TIMEOUT_MS };
  const result =
    endpoint.kind === "lambda"
      ? await invokeLambda(endpoint.lambda as LambdaConfig, request).catch((error: Error) =>
          failedResult(error.message),
        )
      : await sendHttp(endpoint.url ?? "", request);
  return { result, requestHeaders: maskRequestHeaders(headers, config.customHeaders), startedAt };
}

/** A request that got no response: the reason as its error. */
export const failedResult = (error: string): TransportResult => ({
  status: null,
  headers: null,
  body: null,
  error,
  durationMs: 0,
});

export type AttemptRecord =
  | { verdict: Verdict; status: "succeeded" | "retrying" | "failed"; nextAttemptAt: Date | null }
  | { superseded: true };

type OutcomeMode = "engine" | "test";

/**
 * Writes the attempt and the delivery's new state in one transaction; schedules the retry after
 * commit.
 */
export async function recordOutcome(
  delivery: ClaimedDelivery,
  endpoint: EndpointWithApp,
  sent: SentAttempt,
  mode: OutcomeMode = "engine",
): Promise<AttemptRecord> {
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
      {
        jobId: deliverJobId(delivery.id, delivery.attemptNumber + 1),
        data: { endpointId: delivery.endpointId, deliveryIds: [delivery.id] },
        delayMs: record.nextAttemptAt.getTime() - Date.now(),
      },
    ]).catch((error) =>
      logger.warn(
        { err: error, deliveryId: delivery.id },
        "retry not enqueued; the reconciler will schedule it",
      ),
    );
  }
  return record;
}

export function nextState(
  delivery: ClaimedDelivery,
  endpoint: Endpoint,
  verdict: Verdict,
  result: TransportResult,
  mode: OutcomeMode,
) {
  if (verdict.outcome === "success")
    return { status: "succeeded" as const, nextAttemptAt: null, error: null };
  // Manual attempts (redeliver, recover, test) are single tries: a failure goes straight back to
  // failed.
  if (verdict.outcome === "final" || delivery.trigger === "manual" || mode === "test") {
    return { status: "failed" as const, nextAttemptAt: null, error: verdict.reason };
  }
  const schedule =
    (endpoint.retryScheduleSeconds as number[] | null) ?? env.HERALD_RETRY_SCHEDULE_SECONDS;
  const delay = retryDelaySeconds(schedule, delivery.attemptNumber, result.retryAfterSeconds);
  if (delay === null) {
    return {
      status: "failed" as const,
      nextAttemptAt: null,
      error: `gave up after ${delivery.attemptNumber} attempts; last: ${verdict.reason}`,
    };
  }
  const nextAttemptAt = new Date(Date.now() + delay * 1000);
  const maxAgeSeconds = endpoint.retryMaxAgeSeconds ?? env.HERALD_MAX_DELIVERY_AGE_SECONDS;
  if (nextAttemptAt.getTime() - delivery.createdAt.getTime() > maxAgeSeconds * 1000) {
    return {
      status: "failed" as const,
      nextAttemptAt: null,
      error: `gave up: older than ${maxAgeSeconds} s; last: ${verdict.reason}`,
    };
  }
  return { status: "retrying" as const, nextAttemptAt, error: verdict.reason };
}

type Tx = Prisma.TransactionClient;

/**
 * Auto-disable counts deliveries that END failed (not attempts), atomically, so any number of
 * workers count right; a success resets the count. 410 Gone disables at once.
 */
async function updateEndpointHealth(
  tx: Tx,
  endpoint: Endpoint,
  delivery: ClaimedDelivery,
  verdict: Verdict,
  status: string,
): Promise<void> {
  if (status === "succeeded") {
    await tx.$executeRaw`UPDATE endpoints SET consecutive_failures = 0 WHERE id = ${endpoint.id}::uuid AND consecutive_failures <> 0`;
    return;
  }
  if (verdict.outcome === "final" && verdict.gone) {
    await disableEndpoint(
      tx,
      endpoint.id,
      `The endpoint answered 410 Gone on ${new Date().toISOString()}; Herald disabled it. Re-enable it once it accepts webhooks again.`,
    );
    return;
  }
  if (status !== "failed" || delivery.trigger === "manual") return;
  const rows = await tx.$queryRaw<{ consecutive_failures: number }[]>`
    UPDATE endpoints SET consecutive_failures = consecutive_failures + 1 WHERE id = ${endpoint.id}::uuid RETURNING consecutive_failures`;
  const failures = rows[0]?.consecutive_failures ?? 0;
  const threshold = env.HERALD_AUTO_DISABLE_THRESHOLD;
  if (threshold > 0 && failures >= threshold) {
    const reason = verdict.outcome === "success" ? "" : verdict.reason;
    await disableEndpoint(
      tx,
      endpoint.id,
      `Disabled automatically after ${failures} failed deliveries in a row (last error: ${reason}). Failed deliveries are kept: re-enable the endpoint and use Recover.`,
    );
  }
}

export async function disableEndpoint(tx: Tx, endpointId: string, reason: string): Promise<void> {
  const rows = await tx.$queryRaw<{ app_id: string }[]>`
    UPDATE endpoints SET enabled = false, disabled_reason = ${reason}, disabled_at = now(), disabled_automatically = true, updated_at = now()
    WHERE id = ${endpointId}::uuid AND enabled RETURNING app_id`;
  const appId = rows[0]?.app_id;
  if (!appId) return; // already disabled by another worker
  await recordAudit(tx, "system", {
    action: "endpoint.disabled",
    resourceType: "endpoint",
    resourceId: endpointId,
    appId,
    changes: { reason },
  });
  logger.warn({ endpointId, appId }, "endpoint disabled by the delivery engine");
  await emitEndpointDisabled(appId, endpointId, { reason, automatic: true, disabledBy: "herald" });
}
