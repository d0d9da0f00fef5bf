import { z } from "zod";

// Query and response schemas of the delivery log, endpoint stats and background jobs.
// Kept free of Next.js imports so the worker can use them too.

export const DELIVERY_STATUSES = [
  "pending",
  "delivering",
  "succeeded",
  "retrying",
  "failed",
  "cancelled",
] as const;
export type DeliveryStatusName = (typeof DELIVERY_STATUSES)[number];

/**
 * `limit`/`cursor` like `pageQuery` in lib/api/handler.ts (which imports Next and cannot be
 * shared).
 */
export const pageFields = {
  limit: z.coerce.number().int().min(1).max(250).default(50),
  cursor: z.string().min(1).max(200).optional(),
};

export const isoDateTime = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" })
  .transform((value) => new Date(value));

/**
 * Refinement shared by every since/until pair: an empty or backwards range is a mistake. `names`
 * tells a form which field the message mentions, so it can say its label instead.
 */
export function sinceBeforeUntil(
  range: { since?: unknown; until?: unknown },
  ctx: z.RefinementCtx,
) {
  const { since, until } = range;
  if (since instanceof Date && until instanceof Date && since >= until) {
    ctx.addIssue({
      code: "custom",
      path: ["until"],
      message: "must be later than since",
      params: { names: ["since"] },
    });
  }
}

/**
 * For refinements across fields: run even when another field failed (zod skips them then), so a
 * form shows every error at once; not when the input is no object at all. The refinement must
 * check the types of the fields it reads.
 */
export const evenWithOtherIssues = {
  when: (payload: { value: unknown }) =>
    typeof payload.value === "object" && payload.value !== null,
};

const statusList = z
  .string()
  .transform((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(
        z.enum(DELIVERY_STATUSES, { message: `must be one of ${DELIVERY_STATUSES.join(", ")}` }),
      )
      .min(1, "must name at least one status"),
  );

export const deliveriesQuery = z
  .object({
    ...pageFields,
    status: statusList.optional().describe("One status or a comma-separated list"),
    endpointId: z.uuid({ message: "must be a UUID" }).optional(),
    eventName: z.string().min(1).max(200).optional(),
    channel: z.string().min(1).max(200).optional(),
    since: isoDateTime.optional().describe("Created at or after (inclusive)"),
    until: isoDateTime.optional().describe("Created before (exclusive)"),
  })
  .superRefine(sinceBeforeUntil, evenWithOtherIssues)
  .meta({ id: "DeliveriesQuery" });

export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

const WINDOW_UNITS = { m: 60, h: 3600, d: 86_400 } as const;
const MAX_WINDOW_SECONDS = 90 * 86_400;

const statsWindow = z
  .string()
  .regex(/^[1-9]\d{0,3}[mhd]$/, "must be a number and a unit m, h or d, e.g. 1h, 24h, 7d")
  .transform((value) => ({
    label: value,
    seconds:
      Number(value.slice(0, -1)) * WINDOW_UNITS[value.slice(-1) as keyof typeof WINDOW_UNITS],
  }))
  .refine(
    (window) => window.seconds >= 300 && window.seconds <= MAX_WINDOW_SECONDS,
    "must be between 5m and 90d",
  );

export const endpointStatsQuery = z
  .object({ window: statsWindow.prefault("24h") })
  .meta({ id: "EndpointStatsQuery" });
export type StatsWindow = z.infer<typeof statsWindow>;

const timestamp = z.string().describe("ISO 8601 date-time");

const attemptSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    trigger: z.enum(["auto", "manual"]),
    requestHeaders: z.record(z.string(), z.string()).describe("Secrets masked"),
    responseStatus: z
      .number()
      .int()
      .nullable()
      .describe("HTTP status or Lambda invoke status; null when there was no response"),
    responseHeaders: z.record(z.string(), z.string()).nullable(),
    responseBody: z.string().nullable().describe("Truncated to 16 KiB"),
    durationMs: z.number().int(),
    error: z.string().nullable().describe("Network failure, timeout or Lambda function error"),
    startedAt: timestamp,
    target: z
      .string()
      .nullable()
      .describe(
        "The URL this attempt was sent to, or lambda:<function>[:<qualifier>] for a Lambda endpoint (the endpoint may have changed since); null for attempts recorded before Herald kept it, or never sent",
      ),
  })
  .meta({ id: "Attempt" });

export const deliverySchema = z
  .object({
    id: z.string(),
    appId: z.string(),
    endpointId: z
      .string()
      .nullable()
      .describe("null once the endpoint was deleted: its deliveries stay in the log"),
    eventIds: z.array(z.string()),
    eventNames: z.array(z.string()),
    channels: z.array(z.string()),
    status: z.enum(DELIVERY_STATUSES),
    test: z
      .boolean()
      .describe("Sent by the endpoint's Test button (a sample event); Recover skips it"),
    attemptCount: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    lastAttemptAt: timestamp.nullable(),
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lastTarget: z
      .string()
      .nullable()
      .describe(
        "Where the last attempt was sent, as recorded then (URL, or lambda:<function>[:<qualifier>]); null before the first attempt and for attempts recorded without one",
      ),
    createdAt: timestamp,
    updatedAt: timestamp,
    body: z
      .string()
      .optional()
      .describe("The exact request body bytes sent; only on the single-delivery read"),
    attempts: z
      .array(attemptSchema)
      .optional()
      .describe("Ordered by number; only on the single-delivery read"),
  })
  .meta({ id: "Delivery" });

const latencySchema = z.object({
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

export const endpointStatsSchema = z
  .object({
    endpointId: z.string(),
    window: z.string(),
    since: timestamp,
    until: timestamp,
    bucketSeconds: z.number().int(),
    deliveries: z.object({
      total: z.number().int(),
      ...Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, z.number().int()])),
    }),
    successRate: z
      .number()
      .nullable()
      .describe(
        "succeeded / (succeeded + failed) deliveries in the window, 0..1; null when none finished",
      ),
    attempts: z.object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
    }),
    latencyMs: latencySchema.describe(
      "Percentiles of attempt durations in the window, estimated from a histogram whose buckets are at most 25 % wide",
    ),
    buckets: z.array(
      latencySchema.extend({
        start: timestamp,
        attempts: z.number().int(),
        succeeded: z.number().int(),
        failed: z.number().int(),
      }),
    ),
    recentFailures: z.array(
      z.object({
        attemptId: z.string(),
        deliveryId: z.string(),
        number: z.number().int(),
        responseStatus: z.number().int().nullable(),
        error: z.string().nullable(),
        startedAt: timestamp,
      }),
    ),
  })
  .meta({ id: "EndpointStats" });

export const backgroundJobSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed"]),
    appId: z.string().nullable(),
    params: z.unknown(),
    total: z.number().int(),
    processed: z.number().int(),
    progress: z.number().describe("processed / total, 0..1 (1 when finished)"),
    result: z.unknown().nullable(),
    outcome: z
      .object({
        succeeded: z.number().int(),
        failed: z.number().int(),
        pending: z.number().int().describe("Re-queued and not yet settled (pending, retrying)"),
      })
      .nullable()
      .describe(
        "Recover jobs: how the deliveries they re-queued have ended so far; null for other jobs",
      ),
    error: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: "BackgroundJob" });
