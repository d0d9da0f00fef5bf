import { env } from "../lib/env";
import { EndpointLimits, Semaphore } from "./limiter";

// Per-process bookkeeping of the delivery engine and the graceful shutdown.

/** Endpoints this worker scheduled batch flushes for: flushed on shutdown. */
export const openBatches = new Set<string>();

/** Deliveries this worker has claimed and not yet recorded (handed back if shutdown times out). */
export const inFlightDeliveries = new Set<string>();

/**
 * Of those, the ones whose request has started and whose outcome is not yet recorded: a hand-back
 * logs them as interrupted attempts.
 */
export const sendingDeliveries = new Set<string>();

/** Requests open per worker, and per endpoint. */
export const requestSlots = new Semaphore(env.HERALD_WORKER_CONCURRENCY);
export const endpointLimits = new EndpointLimits(env.HERALD_ENDPOINT_CONCURRENCY);

/**
 * stopping: set when shutdown begins (deliver jobs stop draining their endpoint); handedBack: set
 * when shutdown hands back in-flight deliveries (sends not yet started are dropped).
 */
export const shutdown = { stopping: false, handedBack: false };
