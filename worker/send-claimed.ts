import { env } from "../lib/env";
import { logger } from "../lib/logger";
import { retryPolicy } from "../lib/engine/retry-policy";
import { prepareEndpoint } from "../lib/engine/endpoint-config";
import { decideOutcome, endUnsent } from "../lib/engine/record";
import {
  failedResult,
  sendWithConfig,
  type ClaimedRow,
  type SentAttempt,
} from "../lib/engine/send";
import { disabledDeliveryReason } from "../lib/engine/deliveries";
import { RateLimitGate } from "../lib/engine/rate-limit";
import type { WorkerContext } from "./context";
import { OutcomeRecorder } from "./outcome-recorder";

// Sending deliveries this worker has claimed, whoever claimed them: a deliver job, or routing on
// the direct path (worker/direct-sends.ts).

/** Time a request may take beyond its timeout: signing, connecting, the Lambda SDK's first load. */
const PREPARE_MS = 5000;

/**
 * Sends claimed deliveries of one endpoint under the worker's and the endpoint's request limits and
 * records their outcomes; until then they count as in flight for a shutdown hand-back. Returns
 * whether the endpoint's rate limit held any of them back.
 */
export async function sendClaimed(
  ctx: WorkerContext,
  endpointId: string,
  claimed: ClaimedRow[],
): Promise<boolean> {
  for (const delivery of claimed) ctx.inFlightDeliveries.add(delivery.id);
  try {
    return await deliverClaimed(ctx, endpointId, claimed);
  } finally {
    for (const delivery of claimed) {
      ctx.inFlightDeliveries.delete(delivery.id);
      ctx.sendingDeliveries.delete(delivery.id);
    }
  }
}

async function deliverClaimed(
  ctx: WorkerContext,
  endpointId: string,
  claimed: ClaimedRow[],
): Promise<boolean> {
  const first = claimed[0];
  if (!first) return false;
  const prepared = await prepareEndpoint(first.endpointId, first.version);
  if (!prepared) {
    // Deleted since they were claimed: nothing to send them to.
    await endUnsent(
      claimed,
      "cancelled",
      "cancelled: its endpoint was deleted before they were sent",
    );
    return false;
  }
  // Secrets that cannot be decrypted: the deliveries still get a failed attempt each, saying why,
  // and the retry schedule runs its course (a job that threw would leave them for the reconciler
  // to take back, round and round).
  if (prepared.problem) logger.error({ endpointId }, prepared.problem);
  const { endpoint, config } = prepared;
  const disabled = disabledDeliveryReason(endpoint, endpoint.app);
  if (disabled) {
    await endUnsent(claimed, "failed", disabled);
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
