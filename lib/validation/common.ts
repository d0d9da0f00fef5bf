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
} as const;

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
