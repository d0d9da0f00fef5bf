import { DelayedError, type Job } from "bullmq";
import { env } from "../../lib/env";
import { logger } from "../../lib/logger";
import { DELIVER_CHUNK, type JobPayload, type QUEUES } from "../../lib/jobs/definitions";
import { retryPolicy } from "../../lib/engine/retry-policy";
import { prepareEndpoint } from "../../lib/engine/endpoint-config";
import { decideOutcome, failUndeliverable } from "../../lib/engine/record";
import {
  claimDeliveries,
  claimNextDue,
  failedResult,
  sendWithConfig,
  type ClaimedRow,
  type SentAttempt,
} from "../../lib/engine/send";
import { disabledDeliveryReason } from "../../lib/engine/deliveries";
import { RateLimitGate } from "../../lib/engine/rate-limit";
import { refusedJobDelayMs } from "../limiter";
import type { WorkerContext } from "../context";
import { OutcomeRecorder } from "../outcome-recorder";

/**
 * Claims per deliver job: its own deliveries, then up to this many more chunks of its endpoint's.
 */
const MAX_DRAIN_ROUNDS = 20;

/** Time a request may take beyond its timeout: signing, connecting, the Lambda SDK's first load. */
const PREPARE_MS = 5000;

/**
 * One deliver job: up to 100 deliveries of one endpoint, claimed with one statement, sent
 * concurrently under the worker's and the endpoint's request limits, recorded in a few statements;
 * then further chunks of the endpoint's new deliveries while any are due. When the endpoint
 * already has enough jobs in this worker the job goes back to the queue (delayed) instead of
 * holding a slot, so one slow endpoint cannot starve the others.
 */
export async function processDeliver(
  { endpointId, deliveryIds }: JobPayload<typeof QUEUES.deliver>,
  ctx: WorkerContext,
  job: Job,
  token?: string,
): Promise<void> {
  if (!ctx.endpointLimits.admit(endpointId)) {
    await job.moveToDelayed(Date.now() + refusedJobDelayMs(job.attemptsStarted), token);
    throw new DelayedError();
  }
  try {
    // The job's Redis key: its lock (key + ":lock") is what tells the reconciler the job is alive.
    const jobKey = `${job.queueQualifiedName}:${job.id}`;
    let claimed = await claimDeliveries(deliveryIds, jobKey);
    // Then keep draining the endpoint's new deliveries while there are any (a bounded number of
    // rounds, never while stopping): jobs turned away by the endpoint limit would otherwise leave
    // its request slots idle until they come back.
    for (let round = 1; claimed.length > 0; round++) {
      for (const delivery of claimed) ctx.inFlightDeliveries.add(delivery.id);
      let limited: boolean;
      try {
        limited = await deliverClaimed(ctx, endpointId, claimed);
      } finally {
        for (const delivery of claimed) {
          ctx.inFlightDeliveries.delete(delivery.id);
          ctx.sendingDeliveries.delete(delivery.id);
        }
      }
      // At its rate limit the endpoint has no room for more now: its held deliveries are queued.
      if (limited || round >= MAX_DRAIN_ROUNDS || ctx.shutdown.stopping) break;
      claimed = await claimNextDue(endpointId, jobKey, DELIVER_CHUNK, newestCreatedAt(claimed));
    }
  } finally {
    ctx.endpointLimits.finish(endpointId);
  }
}

const newestCreatedAt = (rows: ClaimedRow[]) =>
  new Date(Math.max(...rows.map((row) => row.createdAt.getTime())));

/** Returns whether the endpoint's rate limit held any of them back. */
async function deliverClaimed(
  ctx: WorkerContext,
  endpointId: string,
  claimed: ClaimedRow[],
): Promise<boolean> {
  const first = claimed[0];
  if (!first) return false;
  const prepared = await prepareEndpoint(first.endpointId, first.version);
  if (!prepared) return false; // deleted meanwhile: its unsent deliveries were cancelled
  // Secrets that cannot be decrypted: the deliveries still get a failed attempt each, saying why,
  // and the retry schedule runs its course (a job that threw would leave them for the reconciler
  // to take back, round and round).
  if (prepared.problem) logger.error({ endpointId }, prepared.problem);
  const { endpoint, config } = prepared;
  const disabled = disabledDeliveryReason(endpoint, endpoint.app);
  if (disabled) {
    await failUndeliverable(claimed, disabled);
    return false;
  }
  // Only a limited endpoint costs a Redis call per request.
  const rateLimit = endpoint.rateLimitPerSecond
    ? new RateLimitGate(
        endpointId,
        endpoint.rateLimitPerSecond,
        (endpoint.timeoutMs ?? env.HERALD_REQUEST_TIMEOUT_MS) + PREPARE_MS,
      )
    : null;

  const policy = retryPolicy(endpoint);
  const recorder = new OutcomeRecorder(
    ctx,
    first.endpointId,
    first.consecutiveFailures,
    endpoint.appId,
    first.ordered,
  );
  let sendError = false;
  const send = (delivery: ClaimedRow): Promise<SentAttempt> => {
    if (!config) return Promise.resolve(unsent(prepared.problem));
    // Until its outcome is recorded: a shutdown hand-back must not take a request that was
    // answered (or may have arrived) for one never sent.
    ctx.sendingDeliveries.add(delivery.id);
    return sendWithConfig(config, delivery.id, delivery.body, delivery.attemptNumber).catch(
      (error: Error) => {
        if (!sendError)
          logger.error({ err: error, endpointId }, "could not send a request to this endpoint");
        sendError = true;
        return unsent(`Herald could not send the request: ${error.message}`);
      },
    );
  };
  const sends = await Promise.allSettled(
    claimed.map(async (delivery) => {
      const sentAttempt = await ctx.endpointLimits.run(endpointId, () =>
        ctx.requestSlots.run(async () => {
          if (ctx.shutdown.handedBack) return null;
          return rateLimit && config
            ? rateLimit.run(delivery, () => send(delivery))
            : send(delivery);
        }),
      );
      if (!sentAttempt) return;
      recorder.add(decideOutcome(delivery, sentAttempt, policy));
    }),
  );
  await recorder.close();
  await rateLimit?.holdBack();
  const failed = sends.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  return rateLimit?.holding ?? false;
}

/** An attempt that never left Herald: no response, the reason as its error. */
const unsent = (error: string): SentAttempt => ({
  result: failedResult(error),
  requestHeaders: {},
  startedAt: new Date(),
  target: null,
});
