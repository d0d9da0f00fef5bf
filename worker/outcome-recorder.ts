import { logger } from "../lib/logger";
import {
  recordOutcomes,
  scheduleRetries,
  updateFailureStreak,
  type Outcome,
} from "../lib/engine/record";
import type { WorkerContext } from "./context";
import { recordDeliveryOutcomes } from "../lib/metrics/deliveries";
import { notifyFailedDeliveries } from "../lib/services/operational-events";

/**
 * Outcomes are written every this many finished requests, at most RECORD_WITHIN_MS after one
 * finished, when the job ends, and at once while the worker is stopping.
 */
const RECORD_EVERY = 50;
const RECORD_WITHIN_MS = 1000;
/** For an endpoint that orders per channel: the next delivery of a channel waits for the record. */
const ORDERED_RECORD_WITHIN_MS = 5;

/** Shutdown: write every buffered outcome now, so a hand-back finds answered requests recorded. */
export function recordBufferedOutcomes(ctx: WorkerContext): void {
  for (const recorder of ctx.outcomeRecorders) recorder.flush();
}

/**
 * Buffers outcomes and writes them in order, a statement per RECORD_EVERY, then schedules retries.
 * The timer bounds how long an answered request stays unrecorded while slower ones hold the job.
 */
export class OutcomeRecorder {
  private buffer: Outcome[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly endpointId: string,
    private knownFailures: number,
    private readonly appId: string,
    private readonly ordered = false,
  ) {
    ctx.outcomeRecorders.add(this);
  }

  add(outcome: Outcome): void {
    this.buffer.push(outcome);
    if (this.buffer.length >= RECORD_EVERY || this.ctx.shutdown.stopping) this.flush();
    else
      this.timer ??= setTimeout(
        () => this.flush(),
        this.ordered ? ORDERED_RECORD_WITHIN_MS : RECORD_WITHIN_MS,
      );
  }

  async close(): Promise<void> {
    this.flush();
    this.ctx.outcomeRecorders.delete(this);
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
    const written = await withRetries(() => recordOutcomes(batch, { ordered: this.ordered }));
    // Settled either way: written now, or taken over by the reconciler, which logged the attempt.
    for (const outcome of batch) this.ctx.sendingDeliveries.delete(outcome.delivery.id);
    const recorded = batch.filter((outcome) => written.has(outcome.delivery.id));
    recordDeliveryOutcomes(this.appId, this.endpointId, recorded);
    await notifyFailedDeliveries(this.appId, this.endpointId, recorded);
    await updateFailureStreak(this.endpointId, recorded, this.knownFailures).catch((error) =>
      logger.warn({ err: error, endpointId: this.endpointId }, "failure streak not updated"),
    );
    if (recorded.some((outcome) => outcome.status !== "succeeded"))
      this.knownFailures = -1; // unknown now
    else if (recorded.length > 0) this.knownFailures = 0;
    await scheduleRetries(recorded);
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
