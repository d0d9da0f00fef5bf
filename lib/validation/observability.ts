import { z } from "zod";

// Response shapes of readiness and an app's backlog (OpenAPI and the dashboard's client).

const workerPresenceSchema = z.object({
  live: z.number().int().describe("Workers with a heartbeat within HERALD_WORKER_TIMEOUT_SECONDS"),
  lastSeenAt: z.string().nullable().describe("The newest heartbeat of any worker"),
});

const backlogTotalsSchema = z.object({
  deliveriesDue: z.number().int().describe("Deliveries whose next attempt is due now"),
  eventsWaiting: z.number().int().describe("Events stored but not yet routed"),
  oldestDueAgeSeconds: z.number().describe("Age of the oldest of them; 0 when nothing waits"),
});

export const readinessSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    problems: z.array(z.string()).describe("Why it is degraded; empty when ok"),
    postgres: z.boolean(),
    redis: z.boolean(),
    workers: workerPresenceSchema.nullable(),
    backlog: backlogTotalsSchema.nullable(),
    stallAlertSeconds: z.number().int(),
  })
  .meta({ id: "Readiness" });

export type ReadinessResponse = z.infer<typeof readinessSchema>;

export const appBacklogSchema = backlogTotalsSchema
  .extend({
    endpointsDisabled: z.number().int(),
    workers: workerPresenceSchema,
    problems: z.array(z.string()),
  })
  .meta({ id: "AppBacklog" });

export type AppBacklogResponse = z.infer<typeof appBacklogSchema>;
