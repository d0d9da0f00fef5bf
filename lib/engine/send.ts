import { env } from "../env";
import type { AttemptTrigger } from "../generated/prisma/client";
import { hotQuery } from "../pg";
import { endpointTarget } from "../endpoint-target";
import { buildRequestHeaders, maskRequestHeaders } from "../delivery/headers";
import { sendHttp } from "../delivery/http";
import { invokeLambda } from "../delivery/lambda";
import type { LambdaConfig, TransportResult } from "../delivery/types";
import {
  buildEndpointConfig,
  type ConfigVersion,
  type EndpointConfig,
  type EndpointWithApp,
} from "./endpoint-config";
import { idsMadeSince } from "./deliveries";
import { HEAD_RULE } from "./ordering";

// Sending: claim the deliveries that are due (one conditional UPDATE for a whole chunk, so any
// number of workers send each attempt once), then sign and send one request per delivery with
// secrets read now. What the answer means and what follows is record.ts's job.

export type ClaimedDelivery = {
  id: string;
  endpointId: string;
  body: string;
  createdAt: Date;
  /** When its first event was received; null for older rows and test deliveries. */
  receivedAt: Date | null;
  attemptNumber: number;
  trigger: AttemptTrigger;
};

/** A claimed delivery with what the deliver job checks its cache and failure streak against. */
export type ClaimedRow = ClaimedDelivery & {
  version: ConfigVersion;
  consecutiveFailures: number;
  /** The endpoint delivers in order per channel: ending this delivery releases its channels. */
  ordered: boolean;
};

type ClaimRow = {
  id: string;
  endpoint_id: string;
  body: string;
  created_at: Date;
  received_at: Date | null;
  attempt_count: number;
  trigger: AttemptTrigger;
  endpoint_updated_at: Date;
  app_updated_at: Date;
  consecutive_failures: number;
  ordered: boolean;
};

/**
 * One claim statement: `which` selects the deliveries (d); $1 is the job key, $2… are `values`.
 * A delivery of an endpoint that orders per channel is claimed only when first in its channels.
 */
async function claim(
  which: string,
  jobKey: string | null,
  ...values: unknown[]
): Promise<ClaimedRow[]> {
  const rows = await hotQuery<ClaimRow>(
    `UPDATE deliveries d SET status = 'delivering', attempt_count = d.attempt_count + 1, last_attempt_at = now(), claim_job_id = $1, updated_at = now()
     FROM endpoints e JOIN apps a ON a.id = e.app_id
     WHERE ${which} AND e.id = d.endpoint_id AND ${HEAD_RULE}
     RETURNING d.id::text, d.endpoint_id::text, d.body, d.created_at, d.received_at, d.attempt_count, d.next_attempt_trigger::text AS trigger,
       e.updated_at AS endpoint_updated_at, a.updated_at AS app_updated_at, e.consecutive_failures, e.ordering = 'channel' AS ordered`,
    [jobKey, ...values],
  );
  return rows
    .map((row) => ({
      id: row.id,
      endpointId: row.endpoint_id,
      body: row.body,
      createdAt: row.created_at,
      receivedAt: row.received_at,
      attemptNumber: row.attempt_count,
      trigger: row.trigger,
      version: { endpointUpdatedAt: row.endpoint_updated_at, appUpdatedAt: row.app_updated_at },
      consecutiveFailures: row.consecutive_failures,
      ordered: row.ordered,
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
  // Ids bound too, so only the days they can be in are planned (docs/engine.md#partitions).
  const ids = idsMadeSince(after);
  return claim(
    `d.id BETWEEN $4::uuid AND $5::uuid
     AND d.id IN (SELECT id FROM deliveries WHERE endpoint_id = $2::uuid AND status = 'pending'
                AND created_at >= $3 AND next_attempt_at >= $3 AND next_attempt_at <= now()
                AND id BETWEEN $4::uuid AND $5::uuid
              LIMIT ${Math.max(1, Math.floor(limit))} FOR UPDATE SKIP LOCKED)`,
    jobKey,
    endpointId,
    after,
    ids.lowest,
    ids.highest,
  );
}

export type SentAttempt = {
  result: TransportResult;
  requestHeaders: Record<string, string>;
  startedAt: Date;
  /** Where it went (see endpointTarget); null if it never left. */
  target: string | null;
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
      : await sendHttp(endpoint.url ?? "", request, config.egress);
  const target = endpointTarget(
    endpoint.kind === "lambda"
      ? { lambda: endpoint.lambda as LambdaConfig }
      : { url: endpoint.url },
  );
  return {
    result,
    requestHeaders: maskRequestHeaders(headers, config.customHeaders),
    startedAt,
    target,
  };
}

/** A request that got no response: the reason as its error. */
export const failedResult = (error: string): TransportResult => ({
  status: null,
  headers: null,
  body: null,
  error,
  durationMs: 0,
});
