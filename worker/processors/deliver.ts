import { DelayedError, type Job } from "bullmq";
import { logger } from "../../lib/logger";
import { DELIVER_CHUNK, enqueue, jobSchemas, QUEUES } from "../../lib/jobs/queues";
import { deliverJobId } from "../../lib/jobs/ids";
import { judge } from "../../lib/delivery/policy";
import { prepareEndpoint } from "../../lib/delivery/config-cache";
import {
  claimDeliveries,
  claimNextDue,
  failUndeliverableMany,
  recordOutcomes,
  updateEndpointHealth,
  type ClaimedRow,
  type Outcome,
} from "../../lib/delivery/bulk";
import {
  failedResult,
  nextState,
  sendWithConfig,
  type SentAttempt,
} from "../../lib/services/attempts";
import { disabledDeliveryReason } from "../../lib/services/routing";
import { refusedJobDelayMs } from "../../lib/delivery/limiter";
import { recordDeliveryOutcomes } from "../../lib/metrics/deliveries";
import { notifyFailedDeliveries } from "../../lib/services/operational-events";
import {
  endpointLimits,
  inFlightDeliveries,
  requestSlots,
  sendingDeliveries,
  shutdown,
} from "./state";

/**
 * Claims per deliver job: its own deliveries, then up to this many more chunks of its endpoint's.
 */
const MAX_DRAIN_ROUNDS = 20;

/**
 * Outcomes are written every this many finished requests, at most RECORD_WITHIN_MS after one
 * finished, when the job ends, and at once while the worker is stopping.
 */
const RECORD_EVERY = 50;
const RECORD_WITHIN_MS = 1000;

/**
 * One deliver job: up to 100 deliveries of one endpoint, claimed with one statement, sent
 * concurrently under the worker's and the endpoint's request limits, recorded in a few statements;
 * then further chunks of the endpoint's new deliveries while any are due. When the endpoint
 * already has enough jobs in this worker the job goes back to the queue (delayed) instead of
 * holding a slot, so one slow endpoint cannot starve the others.
 */
export async function processDeliver(job: Job, token?: string): Promise<void> {
  const { endpointId, deliveryIds } = jobSchemas[QUEUES.deliver].parse(job.data);
  if (!endpointLimits.admit(endpointId)) {
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
      for (const delivery of claimed) inFlightDeliveries.add(delivery.id);
      try {
        await deliverClaimed(endpointId, claimed);
      } finally {
        for (const delivery of claimed) {
          inFlightDeliveries.delete(delivery.id);
          sendingDeliveries.delete(delivery.id);
        }
      }
      if (round >= MAX_DRAIN_ROUNDS || shutdown.stopping) break;
      claimed = await claimNextDue(endpointId, jobKey, DELIVER_CHUNK, newestCreatedAt(claimed));
    }
  } finally {
    endpointLimits.finish(endpointId);
  }
}

const newestCreatedAt = (rows: ClaimedRow[]) =>
  new Date(Math.max(...rows.map((row) => row.createdAt.getTime())));

async function deliverClaimed(endpointId: string, claimed: ClaimedRow[]): Promise<void> {
  const first = claimed[0];
  if (!first) return;
  const prepared = await prepareEndpoint(first.endpointId, first.version);
  if (!prepared) return; // deleted meanwhile: its unsent deliveries were cancelled
  // Secrets that cannot be decrypted: the deliveries still get a failed attempt each, saying why,
  // and the retry schedule runs its course (a job that threw would leave them for the reconciler
  // to take back, round and round).
  if (prepared.problem) logger.error({ endpointId }, prepared.problem);
  const { endpoint, config } = prepared;
  const disabled = disabledDeliveryReason(endpoint, endpoint.app);
  if (disabled) return failUndeliverableMany(claimed, disabled);

  const recorder = new OutcomeRecorder(first.endpointId, first.consecutiveFailures, endpoint.appId);
  let sendError = false;
  const send = (delivery: ClaimedRow): Promise<SentAttempt> => {
    if (!config) return Promise.resolve(unsent(prepared.problem));
    // Until its outcome is recorded: a shutdown hand-back must not take a request that was
    // answered (or may have arrived) for one never sent.
    sendingDeliveries.add(delivery.id);
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
      const sentAttempt = await endpointLimits.run(endpointId, () =>
        requestSlots.run(async () => (shutdown.handedBack ? null : send(delivery))),
      );
      if (!sentAttempt) return;
      const verdict = judge(sentAttempt.result);
      const next = nextState(delivery, endpoint, verdict, sentAttempt.result, "engine");
      recorder.add({
        delivery,
        sent: sentAttempt,
        verdict,
        status: next.status,
        nextAttemptAt: next.nextAttemptAt,
        lastError: verdict.outcome === "success" ? null : next.error,
      });
    }),
  );
  await recorder.close();
  const failed = sends.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** An attempt that never left Herald: no response, the reason as its error. */
const unsent = (error: string): SentAttempt => ({
  result: failedResult(error),
  requestHeaders: {},
  startedAt: new Date(),
});

const liveRecorders = new Set<OutcomeRecorder>();

/** Shutdown: write every buffered outcome now, so a hand-back finds answered requests recorded. */
export function recordBufferedOutcomes(): void {
  for (const recorder of liveRecorders) recorder.flush();
}

/**
 * Buffers outcomes and writes them in order, a statement per RECORD_EVERY, then schedules retries.
 * The timer bounds how long an answered request stays unrecorded while slower ones hold the job.
 */
class OutcomeRecorder {
  private buffer: Outcome[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly endpointId: string,
    private knownFailures: number,
    private readonly appId: string,
  ) {
    liveRecorders.add(this);
  }

  add(outcome: Outcome): void {
    this.buffer.push(outcome);
    if (this.buffer.length >= RECORD_EVERY || shutdown.stopping) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), RECORD_WITHIN_MS);
  }

  async close(): Promise<void> {
    this.flush();
    liveRecorders.delete(this);
    await this.writing;
    // Unrecorded outcomes stay `delivering`: the job fails, its lock goes, and the reconciler
    // logs those attempts as interrupted and sends them again.
    if (this.failure) throw this.failure;
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length === 0) return;
    this.writing = this.writing
      .then(() => this.write(batch))
      .catch((error) => {
        this.failure = error;
      });
  }

  private async write(batch: Outcome[]): Promise<void> {
    const written = await withRetries(() => recordOutcomes(batch));
    // Settled either way: written now, or taken over by the reconciler, which logged the attempt.
    for (const outcome of batch) sendingDeliveries.delete(outcome.delivery.id);
    const recorded = batch.filter((outcome) => written.has(outcome.delivery.id));
    recordDeliveryOutcomes(this.appId, this.endpointId, recorded);
    await notifyFailedDeliveries(this.appId, this.endpointId, recorded);
    await updateEndpointHealth(this.endpointId, recorded, this.knownFailures).catch((error) =>
      logger.warn({ err: error, endpointId: this.endpointId }, "endpoint health not updated"),
    );
    if (recorded.some((outcome) => outcome.status !== "succeeded"))
      this.knownFailures = -1; // unknown now
    else if (recorded.length > 0) this.knownFailures = 0;
    const retries = recorded.filter(
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
        { err: error, endpointId: this.endpointId },
        "retries not enqueued; the reconciler will schedule them",
      ),
    );
  }
}

async function withRetries<T>(task: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
