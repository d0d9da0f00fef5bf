import { z } from "zod";
import { RESERVED_EVENT_PREFIX, RESERVED_PREFIX_ISSUE } from "./event-types";

// Events as producers send them (native API) and as Pusher-compatible servers send them (intake).

const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

const shortString = (max: number) =>
  z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
/** Pusher sends ids as strings; numbers are accepted and turned into strings. */
const stringish = (max: number) =>
  z.union([shortString(max), z.number().finite()]).transform(String);

const ingestEventSchema = z
  .looseObject({
    id: stringish(200)
      .optional()
      .describe(
        "Unique per app; repeats are acknowledged as duplicates. Generated when absent (a UUID v7, ordered by time).",
      ),
    name: shortString(200).refine(
      (name) => !name.startsWith(RESERVED_EVENT_PREFIX),
      RESERVED_PREFIX_ISSUE,
    ),
    channel: shortString(200),
    user_id: stringish(200).optional(),
    event: shortString(200).optional(),
    data: z
      .unknown()
      .optional()
      .describe("A string, or any JSON value (sent on as a JSON-encoded string)"),
    socket_id: shortString(100).optional(),
    time_ms: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("When it happened (ms since epoch); defaults to now"),
  })
  .meta({ id: "IngestEvent" });

const eventList = z
  .array(ingestEventSchema)
  .min(1, "must contain at least one event")
  .max(MAX_EVENTS_PER_REQUEST, `must contain at most ${MAX_EVENTS_PER_REQUEST} events`);

/**
 * An event object sent bare: it has a name or a channel, and no `events` (else the envelope reports
 * what is missing).
 */
const isSingleEvent = (body: unknown): body is Record<string, unknown> =>
  body !== null &&
  typeof body === "object" &&
  !Array.isArray(body) &&
  !("events" in body) &&
  ("name" in body || "channel" in body);

/**
 * A single event object in place of an envelope becomes `wrap(event)`. Checked as an event first,
 * so an error names the field as it was sent (`name`, not `events.0.name`).
 */
const singleEventOr = <T extends z.ZodType>(
  envelope: T,
  wrap: (event: Record<string, unknown>) => unknown,
) =>
  z.preprocess((body, ctx) => {
    if (!isSingleEvent(body)) return body;
    const checked = ingestEventSchema.safeParse(body);
    if (checked.success) return wrap(body);
    for (const issue of checked.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }, envelope);

/** `{"events": [...]}`, or a single event object. */
export const ingestBodySchema = singleEventOr(
  z.object({ events: eventList }).strict(),
  (event) => ({ events: [event] }),
).meta({ id: "IngestEvents" });

/**
 * The body a Pusher-compatible server posts to its webhook URL: `{time_ms, events}`, or one event
 * object with its own time_ms (Sockudo documents both shapes). time_ms is required in both: every
 * realtime server sends it, and replay protection needs it.
 */
export const pusherWebhookSchema = singleEventOr(
  z.looseObject({
    time_ms: z
      .number({
        error: (issue) =>
          issue.input === undefined
            ? "is required: when the webhook was sent (ms since epoch), so a recorded one cannot be replayed later"
            : undefined,
      })
      .int()
      .nonnegative()
      .describe(
        "When the webhook was sent (ms since epoch); refused when further than HERALD_INTAKE_MAX_SKEW_SECONDS from now",
      ),
    events: z
      .array(ingestEventSchema)
      .max(MAX_EVENTS_PER_REQUEST, `must contain at most ${MAX_EVENTS_PER_REQUEST} events`),
  }),
  (event) => ({ time_ms: event.time_ms, events: [event] }),
);

export const ingestResultSchema = z
  .object({
    accepted: z
      .array(z.string())
      .describe("Ids stored now (including collapsed cache_miss events)"),
    duplicates: z.array(z.string()).describe("Ids already received earlier; not delivered again"),
    replay: z
      .literal(true)
      .optional()
      .describe(
        "Pusher intake only (status 200): this signed webhook was ingested before; nothing was ingested again",
      ),
  })
  .meta({ id: "IngestResult" });

export type IngestEvent = z.infer<typeof ingestEventSchema>;
export type IngestBody = z.infer<typeof ingestBodySchema>;
