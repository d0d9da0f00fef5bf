import { z } from "zod";

/**
 * Numeric limits of endpoint and batching settings: the API's schemas and the dashboard's forms
 * check these.
 */
export const LIMITS = {
  timeoutMs: { min: 100, max: 60_000 },
  retryDelaySeconds: { min: 0, max: 86_400 },
  retryDelays: 25,
  retryMaxAgeSeconds: { min: 60, max: 30 * 86_400 },
  batchDurationMs: { min: 1, max: 60_000 },
  batchSize: { min: 1, max: 1000 },
  rateLimitPerSecond: { min: 1, max: 10_000 },
  presenceGraceMs: { min: 0, max: 60_000 },
  subscriptionCountWindowMs: { min: 1000, max: 60_000 },
} as const;

/** How long a rotated-out secret stays valid after a rotation, in seconds (at most 7 days). */
export const secretGraceSeconds = (fallback: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600, "must be at most 604800 (7 days)")
    .default(fallback);

/** Text of at most `max` characters, with a message a form can put after the field's label. */
export const maxText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/**
 * A whole number in range, with one message for every way to miss it ("must be a whole number of ms
 * from 1 to 60000").
 */
export function wholeNumber(range: { min: number; max: number }, unit = "") {
  const message = `must be a whole number${unit ? ` of ${unit}` : ""} from ${range.min} to ${range.max}`;
  return z.number({ error: message }).int(message).min(range.min, message).max(range.max, message);
}

const batchDurationMs = wholeNumber(LIMITS.batchDurationMs, "ms");
const batchSize = wholeNumber(LIMITS.batchSize);

export const batchingSchema = z
  .object({
    enabled: z.boolean().default(true),
    durationMs: batchDurationMs.default(50),
    maxBatchSize: batchSize.default(100),
  })
  .strict()
  .meta({ id: "Batching" });

export type Batching = z.infer<typeof batchingSchema>;

/** For PATCH: only the fields sent change (no defaults filled in). */
export const batchingPatchSchema = z
  .object({
    enabled: z.boolean(),
    durationMs: batchDurationMs,
    maxBatchSize: batchSize,
  })
  .partial()
  .strict()
  .meta({ id: "BatchingPatch" });

const presenceGraceMs = wholeNumber(LIMITS.presenceGraceMs, "ms");

/** docs/presence.md#presence-grace */
export const presenceGraceSchema = z
  .object({
    enabled: z.boolean().default(false),
    durationMs: presenceGraceMs
      .default(3000)
      .describe(
        "How long member_removed and channel_vacated wait; a member_added (channel_occupied) for the same channel and user_id within it suppresses both",
      ),
  })
  .strict()
  .meta({ id: "PresenceGrace" });

export type PresenceGrace = z.infer<typeof presenceGraceSchema>;

export const presenceGracePatchSchema = z
  .object({ enabled: z.boolean(), durationMs: presenceGraceMs })
  .partial()
  .strict()
  .meta({ id: "PresenceGracePatch" });

const subscriptionCountWindowMs = wholeNumber(LIMITS.subscriptionCountWindowMs, "ms");

/** docs/presence.md#subscription-count */
export const subscriptionCountThrottleSchema = z
  .object({
    enabled: z.boolean().default(false),
    windowMs: subscriptionCountWindowMs
      .default(5000)
      .describe(
        "Per channel: the first subscription_count in a quiet channel goes at once; later ones within the window collapse into one carrying the latest count, sent when the window ends",
      ),
  })
  .strict()
  .meta({ id: "SubscriptionCountThrottle" });

export type SubscriptionCountThrottle = z.infer<typeof subscriptionCountThrottleSchema>;

export const subscriptionCountThrottlePatchSchema = z
  .object({ enabled: z.boolean(), windowMs: subscriptionCountWindowMs })
  .partial()
  .strict()
  .meta({ id: "SubscriptionCountThrottlePatch" });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ field: z.string(), issue: z.string() })),
    }),
  })
  .meta({ id: "Error" });

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });
