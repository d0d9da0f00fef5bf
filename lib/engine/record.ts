import { v7 as uuidv7 } from "uuid";
import { db, type Tx } from "../db";
import { env } from "../env";
import { logger } from "../logger";
import { hotQuery } from "../pg";
import { enqueue } from "../jobs/queues";
import { QUEUES } from "../jobs/definitions";
import { deliverJobId } from "../jobs/ids";
import { recordAudit } from "../services/audit";
import { emitEndpointDisabled } from "../services/operational-events";
import { headerSetDigest, headerSetOf, headerSetsJson } from "./header-sets";
import { judge, nextState, type RetryPolicy, type Verdict } from "./retry-policy";
import { idRangeCondition } from "./deliveries";
import { RELEASE_CTES, wakeHeads } from "./ordering";
import type { ClaimedDelivery, SentAttempt } from "./send";

// Recording, the one way an attempt's outcome is written (the deliver job's and the Test
// button's): one statement writes every outcome of a batch and its attempt row (atomically: a
// statement is a transaction), then one failure-streak UPDATE per endpoint at most, then the
// durable retries.

export type Outcome = {
  delivery: ClaimedDelivery;
  sent: SentAttempt;
  verdict: Verdict;
  status: "succeeded" | "retrying" | "failed";
  nextAttemptAt: Date | null;
  lastError: string | null;
};

/** What the answer means for this delivery under the endpoint's retry policy. */
export function decideOutcome(
  delivery: ClaimedDelivery,
  sent: SentAttempt,
  policy: RetryPolicy,
): Outcome {
  const verdict = judge(sent.result);
  const next = nextState(delivery, verdict, sent.result.retryAfterSeconds, policy);
  return {
    delivery,
    sent,
    verdict,
    status: next.status,
    nextAttemptAt: next.nextAttemptAt,
    lastError: next.error,
  };
}

/**
 * Claimed deliveries that will not be sent, their claim undone (no attempt was made, so none is
 * logged): `failed` when their endpoint or app was disabled after they were queued (kept for
 * Recover), `cancelled` when their endpoint was deleted. Either way they release their channels
 * (lib/engine/ordering.ts).
 */
export async function endUnsent(
  deliveries: ClaimedDelivery[],
  status: "failed" | "cancelled",
  reason: string,
): Promise<void> {
  if (deliveries.length === 0) return;
  const range = idRangeCondition(
    "d.id",
    deliveries.map((row) => row.id),
    5,
  );
  const heads = await hotQuery<{ id: string; endpoint_id: string; attempt_count: number }>(
    `WITH updated AS (
      UPDATE deliveries d SET status = $4::"DeliveryStatus", attempt_count = d.attempt_count - 1, next_attempt_at = NULL,
        next_attempt_trigger = 'auto', last_error = $3, updated_at = now()
      FROM unnest($1::uuid[], $2::int[]) AS c(id, attempt)
      WHERE d.id = c.id AND d.status = 'delivering' AND d.attempt_count = c.attempt ${range.sql}
      RETURNING d.id, d.status::text AS status
    ), ${RELEASE_CTES}
    SELECT * FROM heads`,
    [
      deliveries.map((row) => row.id),
      deliveries.map((row) => row.attemptNumber),
      reason,
      status,
      ...range.values,
    ],
  );
  await wakeHeads(heads, deliveries[0]!.id);
}

const json = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value);

/**
 * Writes outcomes and attempt rows in ONE statement. Only deliveries still in the attempt this
 * worker claimed are written (the reconciler may have taken one over); returns their ids. For an
 * endpoint that orders per channel (`ordered`), the same statement releases the channels of the
 * deliveries that ended, and the deliveries now first in them are queued.
 */
export async function recordOutcomes(
  outcomes: Outcome[],
  { ordered = false }: { ordered?: boolean } = {},
): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const column = <T>(pick: (outcome: Outcome) => T) => outcomes.map(pick);
  // Request headers are kept once per set (lib/engine/header-sets.ts), written by this statement.
  const sets = outcomes.map(({ delivery, sent }) =>
    headerSetOf(sent.requestHeaders, {
      deliveryId: delivery.id,
      number: delivery.attemptNumber,
      startedAt: sent.startedAt,
    }),
  );
  const digests = sets.map(headerSetDigest);
  const range = idRangeCondition(
    "d.id",
    outcomes.map((o) => o.delivery.id),
    17,
  );
  const rows = await hotQuery<{
    id: string;
    heads?: { id: string; endpoint_id: string; attempt_count: number }[] | null;
  }>(
    `WITH v AS (
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::uuid[],
        $9::uuid[], $10::text[], $11::text[], $12::int[], $13::text[], $14::timestamptz[], $15::text[])
        AS v(id, attempt, status, next_at, response_status, last_error, trigger, attempt_id, request_header_set, response_headers, response_body, duration_ms, error, started_at, target)
    ), header_sets AS (
      INSERT INTO request_header_sets (digest, headers, derived)
      SELECT r.digest, r.headers, ARRAY(SELECT jsonb_array_elements_text(r.derived))
      FROM jsonb_to_recordset($16::jsonb) AS r(digest uuid, headers jsonb, derived jsonb)
      ON CONFLICT (digest) DO NOTHING
    ), updated AS (
      UPDATE deliveries d SET status = v.status::"DeliveryStatus", next_attempt_at = v.next_at, next_attempt_trigger = 'auto',
        last_response_status = v.response_status, last_error = v.last_error, updated_at = now()
      FROM v WHERE d.id = v.id AND d.status = 'delivering' AND d.attempt_count = v.attempt ${range.sql}
      RETURNING d.id${ordered ? ", d.status::text AS status" : ""}
    )${ordered ? `, ${RELEASE_CTES}` : ""}, logged AS (
      INSERT INTO attempts (id, delivery_id, number, trigger, request_header_set, response_status, response_headers, response_body, duration_ms, error, started_at, target)
      SELECT v.attempt_id, v.id, v.attempt, v.trigger::"AttemptTrigger", v.request_header_set, v.response_status, v.response_headers::jsonb,
        v.response_body, v.duration_ms, v.error, v.started_at, v.target
      FROM v JOIN updated ON updated.id = v.id
      ON CONFLICT (delivery_id, number) DO NOTHING
    )
    SELECT id::text${ordered ? ", (SELECT json_agg(heads) FROM heads) AS heads" : ""} FROM updated`,
    [
      column((o) => o.delivery.id),
      column((o) => o.delivery.attemptNumber),
      column((o) => o.status),
      column((o) => o.nextAttemptAt?.toISOString() ?? null),
      column((o) => o.sent.result.status),
      column((o) => o.lastError),
      column((o) => o.delivery.trigger),
      column(() => uuidv7()),
      digests,
      column((o) => json(o.sent.result.headers)),
      column((o) => o.sent.result.body),
      column((o) => Math.round(o.sent.result.durationMs)),
      column(
        (o) => o.sent.result.error ?? (o.verdict.outcome === "success" ? null : o.verdict.reason),
      ),
      column((o) => o.sent.startedAt.toISOString()),
      column((o) => o.sent.target),
      headerSetsJson(sets, digests),
      ...range.values,
    ],
  );
  if (ordered) {
    const ended = outcomes.find((o) => o.status !== "retrying");
    if (ended) await wakeHeads(rows[0]?.heads ?? [], ended.delivery.id);
  }
  return new Set(rows.map((row) => row.id));
}

/**
 * The endpoint's failure streak (consecutive_failures), which disables it at the threshold. It
 * counts deliveries that END failed (not attempts; manual tries not at all), in completion order,
 * with one atomic UPDATE per endpoint: a success resets it; 410 Gone disables at once.
 * `knownFailures` is the streak as the claim read it (-1 = unknown), so a success need not write
 * a streak that is already 0.
 */
export async function updateFailureStreak(
  endpointId: string,
  outcomes: Outcome[],
  knownFailures: number,
): Promise<void> {
  if (outcomes.some((o) => o.verdict.outcome === "final" && o.verdict.gone)) {
    await db.$transaction((tx) =>
      disableEndpoint(
        tx,
        endpointId,
        `The endpoint answered 410 Gone on ${new Date().toISOString()}; Herald disabled it. Re-enable it once it accepts webhooks again.`,
      ),
    );
    return;
  }
  const lastSuccess = outcomes.findLastIndex((o) => o.status === "succeeded");
  const counted = outcomes
    .slice(lastSuccess + 1)
    .filter((o) => o.status === "failed" && o.delivery.trigger !== "manual");
  if (counted.length === 0) {
    if (lastSuccess >= 0 && knownFailures !== 0) {
      await db.$executeRaw`UPDATE endpoints SET consecutive_failures = 0 WHERE id = ${endpointId}::uuid AND consecutive_failures <> 0`;
    }
    return;
  }
  const rows =
    lastSuccess >= 0
      ? await db.$queryRaw<{ consecutive_failures: number }[]>`
          UPDATE endpoints SET consecutive_failures = ${counted.length} WHERE id = ${endpointId}::uuid RETURNING consecutive_failures`
      : await db.$queryRaw<{ consecutive_failures: number }[]>`
          UPDATE endpoints SET consecutive_failures = consecutive_failures + ${counted.length} WHERE id = ${endpointId}::uuid RETURNING consecutive_failures`;
  const failures = rows[0]?.consecutive_failures ?? 0;
  const threshold = env.HERALD_AUTO_DISABLE_THRESHOLD;
  if (threshold > 0 && failures >= threshold) {
    const last = counted.at(-1)!;
    const reason = last.verdict.outcome === "success" ? "" : last.verdict.reason;
    await db.$transaction((tx) =>
      disableEndpoint(
        tx,
        endpointId,
        `Disabled automatically after ${failures} failed deliveries in a row (last error: ${reason}). Failed deliveries are kept: re-enable the endpoint and use Recover.`,
      ),
    );
  }
}

/**
 * Durable retries: a delayed deliver job per delivery to retry, named after its next attempt.
 * Should Redis fail here the delivery is already `retrying` in Postgres and the reconciler
 * schedules it.
 */
export async function scheduleRetries(outcomes: Outcome[]): Promise<void> {
  const retries = outcomes.filter(
    (outcome) => outcome.status === "retrying" && outcome.nextAttemptAt,
  );
  await enqueue(
    QUEUES.deliver,
    retries.map(({ delivery, nextAttemptAt }) => ({
      jobId: deliverJobId(delivery.id, delivery.attemptNumber + 1),
      data: { endpointId: delivery.endpointId, deliveryIds: [delivery.id] },
      delayMs: nextAttemptAt!.getTime() - Date.now(),
    })),
  ).catch((error) =>
    logger.warn(
      { err: error, endpointId: retries[0]?.delivery.endpointId },
      "retries not enqueued; the reconciler will schedule them",
    ),
  );
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
