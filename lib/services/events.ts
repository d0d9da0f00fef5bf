import { db } from "../db";
import { notFound } from "../errors";
import type { Event } from "../generated/prisma/client";
import type { EventsQuery } from "../validation/events";
import { getAppRecord } from "./apps";
import { presentDelivery } from "./deliveries";
import { decodeCursor, encodeCursor, type Page } from "./pagination";

// The read side of the event log: newest first, cursor on the arrival sequence number.

/** Deliveries shown with one event: one per matching endpoint, so this bound is generous. */
const MAX_DELIVERIES_PER_EVENT = 250;
const MAX_SEQ = 2n ** 63n - 1n;

/**
 * `routed`: false while the event waits in the routing queue (a collapsed cache_miss never waits).
 */
function presentEvent(event: Event, waiting: boolean) {
  return {
    id: event.id,
    name: event.name,
    channel: event.channel,
    userId: event.userId,
    payload: event.payload as Record<string, unknown>,
    timeMs: Number(event.timeMs),
    receivedAt: event.receivedAt.toISOString(),
    routed: !waiting,
    collapsedInto: event.collapsedInto,
  };
}

export type EventView = ReturnType<typeof presentEvent>;

const isSeq = (key: string) => /^\d{1,19}$/.test(key) && BigInt(key) <= MAX_SEQ;

function decodeSeqCursor(cursor: string | undefined): bigint | undefined {
  const seq = decodeCursor(cursor, isSeq);
  return seq === undefined ? undefined : BigInt(seq);
}

/** Which of these events still wait to be routed. */
async function waitingSeqs(appId: string, seqs: bigint[]): Promise<Set<bigint>> {
  if (seqs.length === 0) return new Set();
  const rows = await db.unroutedEvent.findMany({
    where: { appId, seq: { in: seqs } },
    select: { seq: true },
  });
  return new Set(rows.map((row) => row.seq));
}

export async function listEvents(appId: string, query: EventsQuery): Promise<Page<EventView>> {
  await getAppRecord(appId);
  const beforeSeq = decodeSeqCursor(query.cursor);
  const rows = await db.event.findMany({
    where: {
      appId,
      ...(query.name ? { name: query.name } : {}),
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.since || query.until ? { receivedAt: { gte: query.since, lt: query.until } } : {}),
      ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}),
    },
    orderBy: { seq: "desc" },
    take: query.limit + 1,
  });
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const waiting = await waitingSeqs(
    appId,
    page.map((event) => event.seq),
  );
  return {
    data: page.map((event) => presentEvent(event, waiting.has(event.seq))),
    nextCursor: hasMore ? encodeCursor(page.at(-1)!.seq.toString()) : null,
  };
}

/** One event with the deliveries that carry it (found through the GIN index on event_ids). */
export async function getEvent(appId: string, eventId: string) {
  const event = await db.event.findUnique({ where: { appId_id: { appId, id: eventId } } });
  if (!event) throw notFound("Event", eventId);
  const [deliveries, waiting] = await Promise.all([
    db.delivery.findMany({
      where: { appId, eventIds: { has: eventId } },
      omit: { body: true },
      orderBy: { id: "asc" },
      take: MAX_DELIVERIES_PER_EVENT,
    }),
    waitingSeqs(appId, [event.seq]),
  ]);
  return {
    ...presentEvent(event, waiting.has(event.seq)),
    deliveries: deliveries.map((delivery) => presentDelivery(delivery)),
  };
}
