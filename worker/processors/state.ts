// Per-process bookkeeping the graceful shutdown needs.

/** Endpoints this worker scheduled batch flushes for: flushed on shutdown. */
export const openBatches = new Set<string>();

/** Deliveries this worker is sending right now, and how many per endpoint. */
export const inFlightDeliveries = new Set<string>();
export const inFlightByEndpoint = new Map<string, number>();
