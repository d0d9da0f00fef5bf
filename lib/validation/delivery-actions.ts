import { z } from "zod";

// Bodies of the operator actions on the delivery engine: recover and test.

const dateTime = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z" })
  .transform((value) => new Date(value));

export const recoverSchema = z
  .object({
    since: dateTime.describe("Failed deliveries created at or after this time"),
    until: dateTime.optional().describe("...and before this time (default: now)"),
    eventTypes: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(100)
      .optional()
      .describe("Only deliveries carrying one of these event names"),
  })
  .strict()
  .superRefine((range, ctx) => {
    if (range.until && range.since >= range.until)
      ctx.addIssue({ code: "custom", path: ["until"], message: "must be later than since" });
  })
  .meta({ id: "RecoverRequest" });

export const testEventSchema = z
  .object({
    eventName: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Default: the endpoint's first event type"),
    channel: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Default: a channel the endpoint's filter lets through (presence-herald-test for member events where allowed), else herald-test",
      ),
  })
  .strict()
  .meta({ id: "TestEventRequest" });

export const testEventResultSchema = z
  .object({
    deliveryId: z.string(),
    status: z.enum(["succeeded", "failed"]),
    responseStatus: z.number().nullable(),
    responseBody: z.string().nullable(),
    durationMs: z.number(),
    error: z.string().nullable(),
  })
  .meta({ id: "TestEventResult" });

export const jobStartedSchema = z
  .object({ jobId: z.string().describe("Follow it at /api/v1/jobs/{jobId}") })
  .meta({ id: "JobStarted" });

export type RecoverInput = z.infer<typeof recoverSchema>;
export type TestEventInput = z.infer<typeof testEventSchema>;
