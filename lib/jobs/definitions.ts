import { z } from "zod";
import {
  deliverChunkJobId,
  deliverJobId,
  flushJobId,
  fullBatchFlushJobId,
  handBackJobIdPrefix,
  rateLimitJobIdPrefix,
  maintenanceSchedulerId,
  orderReleaseJobIdPrefix,
  retentionMoreJobId,
  reconcileJobIdPrefix,
  recoverJobId,
  recoverRestartJobId,
  reflushJobId,
  releaseJobId,
  rereleaseJobId,
  rerouteJobId,
  routeCollapseKey,
  routeJobId,
} from "./ids";

// The job table: every queue's name, its payload schema (checked when a job is added and again
// when it runs) and the builders of its job ids. Payloads carry ids only: bodies and secrets are
// read from Postgres when a job runs, so a flushed Redis loses nothing the reconciler cannot
// rebuild. worker/registry.ts maps each queue to its processor.

export const QUEUES = {
  route: "route-events",
  flush: "flush-batches",
  deliver: "deliver",
  recover: "recover",
  maintenance: "maintenance",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

type JobDefinition = {
  schema: z.ZodType;
  ids: Record<string, (...args: never[]) => string>;
};

/** Deliveries per deliver job: one job, one claim statement and one outcome statement per chunk. */
export const DELIVER_CHUNK = 100;

export const JOBS = {
  // A routing pass takes every waiting event of the app (unrouted_events), so the app is all it
  // needs.
  // `release`: first move the app's due held events to the routing queue (docs/presence.md).
  [QUEUES.route]: {
    schema: z.object({ appId: z.string().min(1), release: z.boolean().optional() }),
    ids: {
      afterIngest: routeJobId,
      collapseKey: routeCollapseKey,
      reconcile: rerouteJobId,
      release: releaseJobId,
      reconcileRelease: rereleaseJobId,
    },
  },
  [QUEUES.flush]: {
    schema: z.object({ endpointId: z.uuid() }),
    ids: { window: flushJobId, fullBatch: fullBatchFlushJobId, reconcile: reflushJobId },
  },
  // Up to DELIVER_CHUNK deliveries of one endpoint; retries are single-delivery jobs.
  [QUEUES.deliver]: {
    schema: z.object({
      endpointId: z.uuid(),
      deliveryIds: z.array(z.uuid()).min(1).max(DELIVER_CHUNK),
    }),
    ids: {
      attempt: deliverJobId,
      chunk: deliverChunkJobId,
      handBackPrefix: handBackJobIdPrefix,
      rateLimitPrefix: rateLimitJobIdPrefix,
      orderReleasePrefix: orderReleaseJobIdPrefix,
      reconcilePrefix: reconcileJobIdPrefix,
    },
  },
  [QUEUES.recover]: {
    schema: z.object({ backgroundJobId: z.uuid() }),
    ids: { start: recoverJobId, reconcile: recoverRestartJobId },
  },
  [QUEUES.maintenance]: {
    schema: z.object({ task: z.enum(["reconcile", "retention"]) }),
    ids: { scheduler: maintenanceSchedulerId, more: retentionMoreJobId },
  },
} as const satisfies { [Name in QueueName]: JobDefinition };

export type JobPayload<Name extends QueueName> = z.infer<(typeof JOBS)[Name]["schema"]>;

/** A job's data checked against its queue's schema (throws a ZodError when it does not fit). */
export function parseJobPayload<Name extends QueueName>(
  name: Name,
  data: unknown,
): JobPayload<Name> {
  return JOBS[name].schema.parse(data) as JobPayload<Name>;
}
