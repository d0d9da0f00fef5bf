import { v7 as uuidv7 } from "uuid";
import { db } from "../db";
import { hotQuery } from "../pg";
import { env } from "../env";
import type { AttemptTrigger } from "../generated/prisma/client";
import type { ConfigVersion } from "./endpoint-config";
import type { Verdict } from "./retry-policy";
import type { ClaimedDelivery, SentAttempt } from "./send";
import { disableEndpoint } from "./send";

// The deliver job's Postgres work in a few statements per chunk instead of several per delivery:
// one conditional claim UPDATE, one statement that writes every outcome and its attempt row
// (atomically: a statement is a transaction), one endpoint-health UPDATE per endpoint at most.

export type ClaimedRow = ClaimedDelivery & { version: ConfigVersion; consecutiveFailures: number };

type ClaimRow = {
  id: string;
  endpoint_id: string;
  body: string;
  created_at: Date;
  attempt_count: number;
  trigger: AttemptTrigger;
  endpoint_updated_at: Date;
  app_updated_at: Date;
  consecutive_failures: number;
};

/** One claim statement: `which` selects the deliveries (d); $1 is the job key, $2… are `values`. */
async function claim(
  which: string,
  jobKey: string | null,
  ...values: unknown[]
): Promise<ClaimedRow[]> {
  const rows = await hotQuery<ClaimRow>(
    `UPDATE deliveries d SET status = 'delivering', attempt_count = d.attempt_count + 1, last_attempt_at = now(), claim_job_id = $1, updated_at = now()
     FROM endpoints e JOIN apps a ON a.id = e.app_id
     WHERE ${which} AND e.id = d.endpoint_id
     RETURNING d.id::text, d.endpoint_id::text, d.body, d.created_at, d.attempt_count, d.next_attempt_trigger::text AS trigger,
       e.updated_at AS endpoint_updated_at, a.updated_at AS app_updated_at, e.consecutive_failures`,
    [jobKey, ...values],
  );
  return rows
    .map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      body: row.body,
      createdAt: row.created_at,
      attemptNumber: row.attempt_count,
      trigger: row.trigger,
      version: { endpointUpdatedAt: row.endpoint_updated_at, appUpdatedAt: row.app_updated_at },
      consecutiveFailures: row.consecutive_failures,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1)); // uuid v7: creation (arrival) order
}

/**
 * Claims the deliveries that are still due, for the job at `jobKey` (the reconciler checks its
 * lock).
 */
export function claimDeliveries(
  deliveryIds: string[],
  jobKey: string | null,
): Promise<ClaimedRow[]> {
  return claim(
    `d.id = ANY($2::uuid[]) AND d.status IN ('pending', 'retrying')
     AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= now() + interval '1 second')`,
    jobKey,
    deliveryIds,
  );
}

/**
 * The endpoint's next new deliveries (status pending, due, created at or after `after`), up to
 * `limit`: a deliver job that finished its own keeps draining its endpoint, so the endpoint's
 * requests never wait for the queue. Their own jobs then find nothing left to claim; older pending
 * deliveries are not lost by the bound, each has its own deliver job.
 * The query is shaped for the planner's stale view during a burst (statistics say almost nothing
 * is pending): no ORDER BY, so whichever index it picks is read only until `limit` rows match
 * (with ORDER BY it sorted the whole backlog, ~5 ms per claim at a 30k backlog), and the bound is
 * also on next_attempt_at (equal to created_at for a routed delivery) so an index scan on
 * (status, next_attempt_at) starts at the newest entries instead of the not-yet-vacuumed ones of
 * deliveries already sent. The rows come back in index order, oldest first.
 */
export function claimNextDue(
  endpointId: string,
  jobKey: string,
  limit: number,
  after: Date,
): Promise<ClaimedRow[]> {
  return claim(
    `d.id IN (SELECT id FROM deliveries WHERE endpoint_id = $2::uuid AND status = 'pending'
                AND created_at >= $3 AND next_attempt_at >= $3 AND next_attempt_at <= now()
              LIMIT ${Math.max(1, Math.floor(limit))} FOR UPDATE SKIP LOCKED)`,
    jobKey,
    endpointId,
    after,
  );
}

/**
 * Deliveries whose endpoint or app was disabled after they were queued: failed, kept for Recover.
 */
export async function failUndeliverableMany(
  deliveries: ClaimedDelivery[],
  reason: string,
): Promise<void> {
  if (deliveries.length === 0) return;
  await db.$executeRaw`
    UPDATE deliveries d SET status = 'failed', attempt_count = d.attempt_count - 1, next_attempt_at = NULL, next_attempt_trigger = 'auto',
      last_error = ${reason}, updated_at = now()
    FROM unnest(${deliveries.map((row) => row.id)}::uuid[], ${deliveries.map((row) => row.attemptNumber)}::int[]) AS c(id, attempt)
    WHERE d.id = c.id AND d.status = 'delivering' AND d.attempt_count = c.attempt`;
}

export type Outcome = {
  delivery: ClaimedDelivery;
  sent: SentAttempt;
  verdict: Verdict;
  status: "succeeded" | "retrying" | "failed";
  nextAttemptAt: Date | null;
  lastError: string | null;
};

const json = (value: unknown) =>
  value === null || value === undefined ? null : JSON.stringify(value);

/**
 * Writes outcomes and attempt rows in ONE statement. Only deliveries still in the attempt this
 * worker claimed are written (the reconciler may have taken one over); returns their ids.
 */
export async function recordOutcomes(outcomes: Outcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const column = <T>(pick: (outcome: Outcome) => T) => outcomes.map(pick);
  const rows = await hotQuery<{ id: string }>(
    `WITH v AS (
      SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[], $8::uuid[],
        $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::timestamptz[])
        AS v(id, attempt, status, next_at, response_status, last_error, trigger, attempt_id, request_headers, response_headers, response_body, duration_ms, error, started_at)
    ), updated AS (
      UPDATE deliveries d SET status = v.status::"DeliveryStatus", next_attempt_at = v.next_at, next_attempt_trigger = 'auto',
        last_response_status = v.response_status, last_error = v.last_error, updated_at = now()
      FROM v WHERE d.id = v.id AND d.status = 'delivering' AND d.attempt_count = v.attempt
      RETURNING d.id
    ), logged AS (
      INSERT INTO attempts (id, delivery_id, number, trigger, request_headers, response_status, response_headers, response_body, duration_ms, error, started_at)
      SELECT v.attempt_id, v.id, v.attempt, v.trigger::"AttemptTrigger", v.request_headers::jsonb, v.response_status, v.response_headers::jsonb,
        v.response_body, v.duration_ms, v.error, v.started_at
      FROM v JOIN updated ON updated.id = v.id
      ON CONFLICT (delivery_id, number) DO NOTHING
    )
    SELECT id::text FROM updated`,
    [
      column((o) => o.delivery.id),
      column((o) => o.delivery.attemptNumber),
      column((o) => o.status),
      column((o) => o.nextAttemptAt?.toISOString() ?? null),
      column((o) => o.sent.result.status),
      column((o) => o.lastError),
      column((o) => o.delivery.trigger),
      column(() => uuidv7()),
      column((o) => json(o.sent.requestHeaders)),
      column((o) => json(o.sent.result.headers)),
      column((o) => o.sent.result.body),
      column((o) => Math.round(o.sent.result.durationMs)),
      column(
        (o) => o.sent.result.error ?? (o.verdict.outcome === "success" ? null : o.verdict.reason),
      ),
      column((o) => o.sent.startedAt.toISOString()),
    ],
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * Auto-disable counts deliveries that END failed (not attempts), in completion order, with one
 * atomic UPDATE per endpoint: a success resets the count; 410 Gone disables at once.
 */
export async function updateEndpointHealth(
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
