import { z } from "zod";

export const batchingSchema = z
  .object({
    enabled: z.boolean().default(true),
    durationMs: z.number().int().min(1, "must be at least 1 ms").max(60_000, "must be at most 60000 ms").default(50),
    maxBatchSize: z.number().int().min(1).max(1000, "must be at most 1000").default(100),
  })
  .strict()
  .meta({ id: "Batching" });

export type Batching = z.infer<typeof batchingSchema>;

/** For PATCH: only the fields sent change (no defaults filled in). */
export const batchingPatchSchema = z
  .object({
    enabled: z.boolean(),
    durationMs: z.number().int().min(1, "must be at least 1 ms").max(60_000, "must be at most 60000 ms"),
    maxBatchSize: z.number().int().min(1).max(1000, "must be at most 1000"),
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

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });
