import { z } from "zod";

// Events as producers send them (native API) and as Pusher-compatible servers send them (intake).

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_INGEST_BODY_BYTES = 1024 * 1024;

const shortString = (max: number) => z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
/** Pusher sends ids as strings; numbers are accepted and turned into strings. */
const stringish = (max: number) => z.union([shortString(max), z.number().finite()]).transform(String);

export const ingestEventSchema = z
  .looseObject({
    id: stringish(200).optional().describe("Unique per app; repeats are acknowledged as duplicates. Generated when absent."),
    name: shortString(200),
    channel: shortString(200),
    user_id: stringish(200).optional(),
    event: shortString(200).optional(),
    data: z.unknown().optional().describe("A string, or any JSON value (sent on as a JSON-encoded string)"),
    socket_id: shortString(100).optional(),
    time_ms: z.number().int().nonnegative().optional().describe("When it happened (ms since epoch); defaults to now"),
  })
  .meta({ id: "IngestEvent" });

const eventList = z
  .array(ingestEventSchema)
  .min(1, "must contain at least one event")
  .max(MAX_EVENTS_PER_REQUEST, `must contain at most ${MAX_EVENTS_PER_REQUEST} events`);

/** `{"events": [...]}`, or a single event object. */
export const ingestBodySchema = z
  .preprocess(
    (body) => (body && typeof body === "object" && !Array.isArray(body) && !("events" in body) ? { events: [body] } : body),
    z.object({ events: eventList }).strict(),
  )
  .meta({ id: "IngestEvents" });

/** The body a Pusher-compatible server posts to its webhook URL. */
export const pusherWebhookSchema = z.looseObject({
  time_ms: z.number().int().nonnegative(),
  events: z.array(ingestEventSchema).max(MAX_EVENTS_PER_REQUEST, `must contain at most ${MAX_EVENTS_PER_REQUEST} events`),
});

export const ingestResultSchema = z
  .object({
    accepted: z.array(z.string()).describe("Ids stored now (including collapsed cache_miss events)"),
    duplicates: z.array(z.string()).describe("Ids already received earlier; not delivered again"),
  })
  .meta({ id: "IngestResult" });

export type IngestEvent = z.infer<typeof ingestEventSchema>;
export type IngestBody = z.infer<typeof ingestBodySchema>;
