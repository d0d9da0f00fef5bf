import { db } from "../db";
import { notFound } from "../errors";
import type { Attempt, Delivery } from "../generated/prisma/client";
import type { DeliveriesQuery } from "../validation/deliveries";
import { getAppRecord } from "./apps";
import { decodeCursor, encodeCursor, type Page } from "./pagination";

// The read side of the delivery log: newest first, cursor on the delivery id (UUID v7,
// time-ordered).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are user input: anything that is not a UUID names nothing (404, never a 500). */
export const isUuid = (value: string) => UUID.test(value);

/** A delivery as listed (no body: it can be large) or read singly (with body and attempts). */
type DeliveryRow = Omit<Delivery, "body"> & { body?: string };

function presentAttempt(attempt: Attempt) {
  return {
    id: attempt.id,
    number: attempt.number,
    trigger: attempt.trigger,
    requestHeaders: (attempt.requestHeaders ?? {}) as Record<string, string>,
    responseStatus: attempt.responseStatus,
    responseHeaders: (attempt.responseHeaders ?? null) as Record<string, string> | null,
    responseBody: attempt.responseBody,
    durationMs: attempt.durationMs,
    error: attempt.error,
    startedAt: attempt.startedAt.toISOString(),
  };
}

export function presentDelivery(
  delivery: DeliveryRow,
  options: { attempts?: Attempt[]; includeBody?: boolean } = {},
) {
  return {
    id: delivery.id,
    appId: delivery.appId,
    endpointId: delivery.endpointId,
    eventIds: delivery.eventIds,
    eventNames: delivery.eventNames,
    channels: delivery.channels,
    status: delivery.status,
    test: delivery.test,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    lastResponseStatus: delivery.lastResponseStatus,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    updatedAt: delivery.updatedAt.toISOString(),
    ...(options.includeBody && delivery.body !== undefined ? { body: delivery.body } : {}),
    ...(options.attempts ? { attempts: options.attempts.map(presentAttempt) } : {}),
  };
}

export type DeliveryView = ReturnType<typeof presentDelivery>;

export async function listDeliveries(
  appId: string,
  query: DeliveriesQuery,
): Promise<Page<DeliveryView>> {
  await getAppRecord(appId);
  const before = decodeCursor(query.cursor, isUuid);
  const rows = await db.delivery.findMany({
    where: {
      appId,
      ...(query.status ? { status: { in: query.status } } : {}),
      ...(query.endpointId ? { endpointId: query.endpointId } : {}),
      ...(query.eventName ? { eventNames: { has: query.eventName } } : {}),
      ...(query.channel ? { channels: { has: query.channel } } : {}),
      ...(query.since || query.until ? { createdAt: { gte: query.since, lt: query.until } } : {}),
      ...(before ? { id: { lt: before } } : {}),
    },
    omit: { body: true },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  return {
    data: page.map((row) => presentDelivery(row)),
    nextCursor: hasMore ? encodeCursor(page.at(-1)!.id) : null,
  };
}

/** One delivery with its exact body and every attempt, oldest attempt first. */
export async function getDelivery(appId: string, deliveryId: string) {
  if (!isUuid(deliveryId)) throw notFound("Delivery", deliveryId);
  const delivery = await db.delivery.findFirst({
    where: { id: deliveryId, appId },
    include: { attempts: { orderBy: { number: "asc" } } },
  });
  if (!delivery) throw notFound("Delivery", deliveryId);
  return presentDelivery(delivery, { attempts: delivery.attempts, includeBody: true });
}
