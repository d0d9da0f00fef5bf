// Every BullMQ job id Herald builds, by queue (lib/jobs/definitions.ts lists which queue uses
// which). Ids are deterministic and contain no ':' (BullMQ refuses it): re-adding an id that is
// still queued is a no-op, which is what makes the reconciler and racing workers safe.

// route-events

/** The routing job a request queues after its commit, named after its first event. */
export const routeJobId = (appId: string, firstEventSeq: string) =>
  `route-${appId}-${firstEventSeq}`;

/** Routing jobs of one app collapse into one (BullMQ deduplication id, not a job id). */
export const routeCollapseKey = (appId: string) => `route-${appId}`;

/** The reconciler's routing job for an app whose oldest waiting event is `seq`, per run slot. */
export const rerouteJobId = (appId: string, seq: bigint | string, slot: number) =>
  `reroute-${appId}-${seq}-${slot}`;

/** The delayed routing job that releases held events, named after the first one it holds. */
export const releaseJobId = (appId: string, firstHeldSeq: string) =>
  `release-${appId}-${firstHeldSeq}`;

/** The reconciler's release of an app's overdue held events, per run slot. */
export const rereleaseJobId = (appId: string, slot: number) => `rerelease-${appId}-${slot}`;

// flush-batches

/** One flush per endpoint per window slot: a burst inside one window schedules one flush. */
export const flushJobId = (endpointId: string, windowMs: number, now = Date.now()) =>
  `flush-${endpointId}-${Math.floor(now / Math.max(windowMs, 1))}`;

/** An immediate flush of a full batch, named after its first event. */
export const fullBatchFlushJobId = (endpointId: string, firstEventSeq: string) =>
  `flushfull-${endpointId}-${firstEventSeq}`;

/** The reconciler's flush of a batch window that should have closed, per run slot. */
export const reflushJobId = (endpointId: string, slot: number) => `reflush-${endpointId}-${slot}`;

// deliver

/** One delivery's attempt: retries and redelivers are single-delivery jobs. */
export const deliverJobId = (deliveryId: string, attemptNumber: number) =>
  `${deliveryId}-${attemptNumber}`;

/** A chunk of one endpoint's deliveries, named after its first delivery. */
export const deliverChunkJobId = (firstDeliveryId: string, attemptNumber: number) =>
  `chunk-${firstDeliveryId}-${attemptNumber}`;

/**
 * Put before the ids of deliveries a stopping worker hands back: their plain ids may still be
 * taken by the jobs being closed.
 */
export const handBackJobIdPrefix = (now = Date.now()) => `handback-${now}-`;

/** Put before the ids of deliveries held back by their endpoint's rate limit. */
export const rateLimitJobIdPrefix = (now = Date.now()) => `ratelimit-${now}-`;

/** Put before the ids of deliveries a finished delivery let go first in their channel. */
export const orderReleaseJobIdPrefix = (releasedBy: string) => `order-${releasedBy}-`;

/** Put before the ids of deliveries the reconciler re-enqueues, per run slot. */
export const reconcileJobIdPrefix = (slot: number) => `re${slot}-`;

// recover

export const recoverJobId = (backgroundJobId: string) => `recover-${backgroundJobId}`;

/** The reconciler's restart of a recovery that never started or whose worker died, per slot. */
export const recoverRestartJobId = (backgroundJobId: string, slot: number) =>
  `recover-${backgroundJobId}-${slot}`;

// maintenance

/** Job schedulers (one schedule per id across all workers). */
export const maintenanceSchedulerId = (task: "reconcile" | "retention") => task;

/** The next retention run, queued by one that ran out of time before the old rows were gone. */
export const retentionMoreJobId = (queuedAtMs: number) => `retention-more-${queuedAtMs}`;
