import { z } from "zod";
import {
  deliverySchema,
  evenWithOtherIssues,
  isoDateTime,
  pageFields,
  sinceBeforeUntil,
} from "./deliveries";

// Query and response schemas of the event log (GET /api/v1/apps/{appId}/events[/{eventId}]).

/** What became of an event itself, before any endpoint (docs/presence.md#event-states). */
const EVENT_STATES = ["waiting", "routed", "held", "suppressed", "collapsed"] as const;
export type EventState = (typeof EVENT_STATES)[number];

const ROUTING_OUTCOMES = [
  "delivered",
  "pending",
  "in_batch",
  "failed",
  "not_subscribed",
  "filtered_out",
  "endpoint_disabled",
] as const;

export const eventsQuery = z
  .object({
    ...pageFields,
    name: z.string().min(1).max(200).optional(),
    channel: z.string().min(1).max(200).optional(),
    userId: z.string().min(1).max(200).optional().describe("The event's user_id"),
    state: z
      .enum(["routed", "held", "suppressed", "collapsed"], {
        error: "must be one of routed, held, suppressed, collapsed",
      })
      .optional()
      .describe("routed: matched to endpoints (or waiting to be); see Event.state"),
    since: isoDateTime.optional().describe("Received at or after (inclusive)"),
    until: isoDateTime.optional().describe("Received before (exclusive)"),
  })
  .superRefine(sinceBeforeUntil, evenWithOtherIssues)
  .meta({ id: "EventsQuery" });

export type EventsQuery = z.infer<typeof eventsQuery>;

const routingEntrySchema = z
  .object({
    endpointId: z.uuid(),
    outcome: z.enum(ROUTING_OUTCOMES),
    deliveryId: z.string().optional().describe("The delivery that carries the event, if any"),
    reason: z.string().describe("The rule that decided it, in words"),
  })
  .meta({ id: "EventRouting" });

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
    routed: z
      .boolean()
      .describe("false while the event waits to be matched to endpoints or is held"),
    state: z
      .enum(EVENT_STATES)
      .describe(
        "waiting: queued for routing; routed: matched to endpoints; held: waiting for its presence grace or subscription_count window (heldUntil); suppressed: a presence flap cancelled out (suppressedBy); collapsed: replaced by a later event (collapsedInto)",
      ),
    heldUntil: z
      .string()
      .nullable()
      .describe("When its hold ends (or ended); null if it was never held"),
    suppressedBy: z
      .string()
      .nullable()
      .describe("For a suppressed event: the id of the event it cancelled out with"),
    collapsedInto: z
      .string()
      .nullable()
      .describe(
        "For a collapsed cache_miss or subscription_count: the id of the event that stands for it",
      ),
    deliveries: z.array(deliverySchema).optional().describe("Only on the single-event read"),
    routing: z
      .array(routingEntrySchema)
      .optional()
      .describe("Only on the single-event read: one entry per endpoint of the app"),
  })
  .meta({ id: "Event" });
