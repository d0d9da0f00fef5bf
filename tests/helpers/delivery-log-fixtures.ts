import { v7 as uuidv7 } from "uuid";
import { db } from "../../lib/db";
import { encryptSecret } from "../../lib/crypto";
import type { Attempt, Delivery, Endpoint, Event } from "../../lib/generated/prisma/client";
import { createApiToken } from "../../lib/services/api-tokens";
import { systemPrincipal, uniqueId } from "../factories";

// Rows shaped exactly as prisma/schema.prisma says, written directly so the read APIs can be
// tested independently of the delivery engine.

export async function makeEndpoint(
  appId: string,
  overrides: Partial<Endpoint> = {},
): Promise<Endpoint> {
  return db.endpoint.create({
    data: {
      appId,
      kind: "http",
      url: "https://hooks.example.com/herald",
      eventTypes: ["channel_occupied", "channel_vacated", "client_event"],
      standardWebhooksSecretEncrypted: encryptSecret("whsec_dGVzdC1zZWNyZXQtZm9yLWZpeHR1cmVz"),
      ...overrides,
      lambda: overrides.lambda ?? undefined,
      filter: overrides.filter ?? {},
      retryScheduleSeconds: overrides.retryScheduleSeconds ?? undefined,
      batching: overrides.batching ?? undefined,
    },
  });
}

/** A stored event, already routed unless `waiting` (then it is in the routing queue too). */
export async function makeEvent(
  appId: string,
  overrides: Partial<
    Pick<
      Event,
      | "id"
      | "name"
      | "channel"
      | "userId"
      | "receivedAt"
      | "collapsedInto"
      | "suppressedBy"
      | "heldUntil"
      | "payload"
    >
  > & { waiting?: boolean; held?: boolean } = {},
): Promise<Event> {
  const name = overrides.name ?? "channel_occupied";
  const channel = overrides.channel ?? "private-chat";
  const event = await db.event.create({
    data: {
      appId,
      id: overrides.id ?? uniqueId("evt"),
      name,
      channel,
      userId: overrides.userId ?? null,
      payload: overrides.payload ?? {
        name,
        channel,
        ...(overrides.userId ? { user_id: overrides.userId } : {}),
      },
      timeMs: BigInt(Date.now()),
      receivedAt: overrides.receivedAt ?? new Date(),
      collapsedInto: overrides.collapsedInto ?? null,
      suppressedBy: overrides.suppressedBy ?? null,
      heldUntil: overrides.heldUntil ?? null,
    },
  });
  if (overrides.waiting) await db.unroutedEvent.create({ data: { appId, seq: event.seq } });
  if (overrides.held)
    await db.heldEvent.create({
      data: {
        appId,
        seq: event.seq,
        channel,
        kind: "grace",
        releaseAt: overrides.heldUntil ?? new Date(Date.now() + 60_000),
      },
    });
  return event;
}

/** A delivery of `events` to `endpoint`, with the body built the way the engine sends it. */
export async function makeDelivery(
  endpoint: Pick<Endpoint, "id" | "appId">,
  events: Event[],
  overrides: Partial<Delivery> = {},
): Promise<Delivery> {
  const createdAt = overrides.createdAt ?? new Date();
  const body = JSON.stringify({
    time_ms: createdAt.getTime(),
    events: events.map((event) => event.payload),
  });
  return db.delivery.create({
    data: {
      // As the engine writes them: the UUID v7 id carries the creation time (the log's time
      // filters read it).
      id: uuidv7({ msecs: createdAt.getTime() }),
      appId: endpoint.appId,
      endpointId: endpoint.id,
      eventIds: events.map((event) => event.id),
      eventNames: [...new Set(events.map((event) => event.name))],
      channels: [...new Set(events.map((event) => event.channel))],
      body,
      status: "succeeded",
      attemptCount: 1,
      ...overrides,
      createdAt,
    },
  });
}

export async function makeAttempt(
  deliveryId: string,
  overrides: Partial<Attempt> & { number: number },
): Promise<Attempt> {
  return db.attempt.create({
    data: {
      deliveryId,
      trigger: "auto",
      requestHeaders: {
        "content-type": "application/json",
        "x-pusher-key": "key",
        "x-pusher-signature": "********abcd",
      },
      responseStatus: 200,
      responseHeaders: { "content-type": "text/plain" },
      responseBody: "ok",
      durationMs: 42,
      error: null,
      startedAt: new Date(),
      ...overrides,
      ...(overrides.responseHeaders === null ? { responseHeaders: undefined } : {}),
    } as Parameters<typeof db.attempt.create>[0]["data"],
  });
}

/** A read-only API token limited to one app. */
export async function appScopedToken(appId: string): Promise<string> {
  const created = await createApiToken(systemPrincipal, {
    name: "app-scoped reader",
    scopes: ["read"],
    appId,
  });
  return created.token!;
}
