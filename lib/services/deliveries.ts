import { db } from "../db";
import { notFound } from "../errors";
import type { Attempt, Delivery } from "../generated/prisma/client";
import type { DeliveriesQuery } from "../validation/deliveries";
import { attemptRequestHeaders } from "../engine/header-sets";
import { getAppRecord } from "./apps";
import { decodeCursor, encodeCursor, type Page } from "./pagination";
import { uuidAtTime } from "../util";

// The read side of the delivery log: newest first, cursor on the delivery id (UUID v7,
// time-ordered).

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are user input: anything that is not a UUID names nothing (404, never a 500). */
export const isUuid = (value: string) => UUID.test(value);

/** A delivery as listed (no body: it can be large) or read singly (with body and attempts). */
type DeliveryRow = Omit<Delivery, "body"> & { body?: string };

/** An attempt with its request headers as recorded (attemptRequestHeaders). */
type AttemptRow = Attempt & { headers: Record<string, string> };

function presentAttempt(attempt: AttemptRow) {
  return {
    id: attempt.id,
    number: attempt.number,
    trigger: attempt.trigger,
    requestHeaders: attempt.headers,
    responseStatus: attempt.responseStatus,
    responseHeaders: (attempt.responseHeaders ?? null) as Record<string, string> | null,
    responseBody: attempt.responseBody,
    durationMs: attempt.durationMs,
    error: attempt.error,
    startedAt: attempt.startedAt.toISOString(),
    target: attempt.target,
  };
}

export function presentDelivery(
  delivery: DeliveryRow,
  options: { attempts?: AttemptRow[]; includeBody?: boolean; lastTarget?: string | null } = {},
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
    lastTarget: options.lastTarget ?? options.attempts?.at(-1)?.target ?? null,
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
  // A name no delivery of the app ever carried matches nothing: no need to read the log.
  if (query.eventName) {
    const known = await db.deliveryEventName.findUnique({
      where: { appId_name: { appId, name: query.eventName } },
      select: { name: true },
    });
    if (!known) return { data: [], nextCursor: null };
  }
  const until = query.until ? uuidAtTime(query.until) : undefined;
  const upper = before && until ? (before < until ? before : until) : (before ?? until);
  const rows = await db.delivery.findMany({
    where: {
      appId,
      ...(query.status ? { status: { in: query.status } } : {}),
      ...(query.endpointId ? { endpointId: query.endpointId } : {}),
      ...(query.eventName ? { eventNames: { has: query.eventName } } : {}),
      ...(query.channel ? { channels: { has: query.channel } } : {}),
      ...(query.since || upper
        ? {
            id: {
              ...(query.since ? { gte: uuidAtTime(query.since) } : {}),
              ...(upper ? { lt: upper } : {}),
            },
          }
        : {}),
    },
    omit: { body: true },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const targets = await lastTargets(page.map((row) => row.id));
  return {
    data: page.map((row) => presentDelivery(row, { lastTarget: targets.get(row.id) })),
    nextCursor: hasMore ? encodeCursor(page.at(-1)!.id) : null,
  };
}

/**
 * Where each delivery's last attempt went, as recorded then: the endpoint's URL may have changed
 * since, and a row must not show an old 500 next to the new URL. One index read per row.
 */
async function lastTargets(deliveryIds: string[]): Promise<Map<string, string | null>> {
  if (deliveryIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ delivery_id: string; target: string | null }[]>`
    SELECT DISTINCT ON (delivery_id) delivery_id::text, target
    FROM attempts
    WHERE delivery_id = ANY(${deliveryIds}::uuid[])
    ORDER BY delivery_id, number DESC`;
  return new Map(rows.map((row) => [row.delivery_id, row.target]));
}

/** One delivery with its exact body and every attempt, oldest attempt first. */
export async function getDelivery(appId: string, deliveryId: string) {
  if (!isUuid(deliveryId)) throw notFound("Delivery", deliveryId);
  const delivery = await db.delivery.findFirst({
    where: { id: deliveryId, appId },
    include: { attempts: { orderBy: { number: "asc" } } },
  });
  if (!delivery) throw notFound("Delivery", deliveryId);
  const headers = await attemptRequestHeaders(delivery.attempts);
  const attempts = delivery.attempts.map((attempt, index) => ({
    ...attempt,
    headers: headers[index]!,
  }));
  return presentDelivery(delivery, { attempts, includeBody: true });
}
