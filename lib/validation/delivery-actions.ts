import { z } from "zod";
import { evenWithOtherIssues, isoDateTime, sinceBeforeUntil } from "./deliveries";

// Bodies of the operator actions on the delivery engine: recover and test.

export const recoverSchema = z
  .object({
    since: isoDateTime.describe("Failed deliveries created at or after this time"),
    until: isoDateTime.optional().describe("...and before this time (default: now)"),
    eventTypes: z
      .array(z.string().min(1, "must not be empty").max(200, "must be at most 200 characters"))
      .min(1, "must name at least one event type")
      .max(100, "must name at most 100 event types")
      .optional()
      .describe("Only deliveries carrying one of these event names"),
  })
  .strict()
  .superRefine(sinceBeforeUntil, evenWithOtherIssues)
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
