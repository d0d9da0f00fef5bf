import { z } from "zod";
import {
  deliverySchema,
  evenWithOtherIssues,
  isoDateTime,
  pageFields,
  sinceBeforeUntil,
} from "./deliveries";

// Query and response schemas of the event log (GET /api/v1/apps/{appId}/events[/{eventId}]).

export const eventsQuery = z
  .object({
    ...pageFields,
    name: z.string().min(1).max(200).optional(),
    channel: z.string().min(1).max(200).optional(),
    since: isoDateTime.optional().describe("Received at or after (inclusive)"),
    until: isoDateTime.optional().describe("Received before (exclusive)"),
  })
  .superRefine(sinceBeforeUntil, evenWithOtherIssues)
  .meta({ id: "EventsQuery" });

export type EventsQuery = z.infer<typeof eventsQuery>;

export const eventSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    channel: z.string(),
    userId: z.string().nullable(),
    payload: z
      .record(z.string(), z.unknown())
      .describe("The event object exactly as it goes into outgoing bodies"),
    timeMs: z.number().int(),
    receivedAt: z.string(),
    routed: z.boolean().describe("false while the event waits to be matched to endpoints"),
    collapsedInto: z
      .string()
      .nullable()
      .describe("For a collapsed cache_miss: the id of the event that stands for it"),
    deliveries: z.array(deliverySchema).optional().describe("Only on the single-event read"),
  })
  .meta({ id: "Event" });
