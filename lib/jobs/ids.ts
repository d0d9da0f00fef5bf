// Deterministic BullMQ job ids (no ':' allowed): re-adding an id that is still queued is a no-op,
// which is what makes the reconciler and racing workers safe.

export const deliverJobId = (deliveryId: string, attemptNumber: number) =>
  `${deliveryId}-${attemptNumber}`;

/** One flush per endpoint per window slot: a burst inside one window schedules one flush. */
export const flushJobId = (endpointId: string, windowMs: number, now = Date.now()) =>
  `flush-${endpointId}-${Math.floor(now / Math.max(windowMs, 1))}`;

export const fullBatchFlushJobId = (endpointId: string, firstEventSeq: string) =>
  `flushfull-${endpointId}-${firstEventSeq}`;

export const routeJobId = (appId: string, firstEventSeq: string) =>
  `route-${appId}-${firstEventSeq}`;
