import { env } from "../lib/env";
import { EndpointLimits, Semaphore } from "./limiter";
import { DirectSends } from "./direct-sends";

/**
 * What one worker process's jobs share: its request limits and the bookkeeping its graceful
 * shutdown reads. startWorker() creates it and hands it to every processor; nothing of it is a
 * module global, so each context (a test's, say) starts empty.
 */
export type WorkerContext = {
  /** Requests open at once in this worker. */
  requestSlots: Semaphore;
  /** Requests, and deliver jobs, per endpoint. */
  endpointLimits: EndpointLimits;
  /** Endpoints this worker scheduled batch flushes for: flushed on shutdown. */
  openBatches: Set<string>;
  /** Deliveries claimed and not yet recorded (handed back if shutdown times out). */
  inFlightDeliveries: Set<string>;
  /**
   * Of those, the ones whose request has started and whose outcome is not yet recorded: a
   * hand-back logs them as interrupted attempts.
   */
  sendingDeliveries: Set<string>;
  /** Deliveries routing claimed for this worker to send at once (the direct path). */
  directSends: DirectSends;
  /** Running deliver jobs' outcome buffers: written at once when shutdown begins. */
  outcomeRecorders: Set<{ flush(): void }>;
  /**
   * stopping: set when shutdown begins (deliver jobs stop draining their endpoint); handedBack:
   * set when shutdown hands back in-flight deliveries (sends not yet started are dropped).
   */
  shutdown: { stopping: boolean; handedBack: boolean };
};

export function createWorkerContext(): WorkerContext {
  return {
    requestSlots: new Semaphore(env.HERALD_WORKER_CONCURRENCY),
    endpointLimits: new EndpointLimits(env.HERALD_ENDPOINT_CONCURRENCY),
    openBatches: new Set(),
    inFlightDeliveries: new Set(),
    sendingDeliveries: new Set(),
    outcomeRecorders: new Set(),
    // By default room for 200 deliveries per request slot (10,000): a burst of that many goes out
    // with no deliver job (with 40 per slot, 80 % of a 10,000-event burst still took the slower
    // deliver-job path; benchmark in bench/RESULTS.md), at a few MB of bodies waiting in memory.
    directSends: new DirectSends(env.HERALD_DIRECT_SENDS ?? env.HERALD_WORKER_CONCURRENCY * 200),
    shutdown: { stopping: false, handedBack: false },
  };
}
