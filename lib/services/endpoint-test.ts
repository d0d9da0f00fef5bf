import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { db } from "../db";
import { notFound } from "../errors";
import type { Principal } from "../auth/types";
import { endpointBody } from "../engine/deliveries";
import type { TestEventInput } from "../validation/delivery-actions";
import { recordAudit } from "./audit";
import type { EndpointWithApp } from "../engine/endpoint-config";
import { decideOutcome, recordOutcomes } from "../engine/record";
import { retryPolicy } from "../engine/retry-policy";
import { sendToEndpoint, type ClaimedDelivery } from "../engine/send";
import { getEndpointRecord } from "./endpoints";
import { sampleChannel, type ChannelFilter } from "../matching";

// Test: a sample event sent now, synchronously, to one endpoint (bypassing matching), signed like
// every delivery and logged as a delivery with one manual attempt. Works on disabled endpoints
// too, so an operator can check a fix before re-enabling.

function sampleEvent(name: string, channel: string): Record<string, unknown> {
  const event: Record<string, unknown> = { name, channel };
  if (name === "client_event")
    Object.assign(event, {
      event: "client-herald-test",
      data: JSON.stringify({ test: true }),
      socket_id: "123.456",
    });
  if (name.startsWith("member_")) event.user_id = "herald-test-user";
  if (name === "subscription_count") event.subscription_count = 1;
  if (
    ![
      "channel_occupied",
      "channel_vacated",
      "member_added",
      "member_removed",
      "cache_miss",
      "subscription_count",
      "client_event",
    ].includes(name)
  ) {
    event.data = JSON.stringify({ test: true, sentBy: "Herald" });
  }
  return event;
}

export async function sendTestEvent(
  principal: Principal,
  appId: string,
  endpointId: string,
  input: TestEventInput,
) {
  await getEndpointRecord(appId, endpointId);
  const endpoint: EndpointWithApp | null = await db.endpoint.findUnique({
    where: { id: endpointId },
    include: { app: true },
  });
  if (!endpoint) throw notFound("Endpoint", endpointId);
  const name = input.eventName ?? endpoint.eventTypes[0] ?? "channel_occupied";
  const channel = input.channel ?? sampleChannel(name, (endpoint.filter ?? {}) as ChannelFilter);
  const createdAt = new Date();
  // The id is chosen first: a "slack" body links to its own delivery.
  const deliveryId = uuidv7();
  const delivery = await db.$transaction(async (tx) => {
    const created = await tx.delivery.create({
      data: {
        id: deliveryId,
        appId,
        endpointId,
        eventIds: [`test-${randomUUID()}`],
        eventNames: [name],
        channels: [channel],
        body: endpointBody(endpoint, deliveryId, createdAt.getTime(), [sampleEvent(name, channel)]),
        status: "delivering",
        attemptCount: 1,
        lastAttemptAt: createdAt,
        nextAttemptTrigger: "manual",
        test: true,
        createdAt,
      },
    });
    await recordAudit(tx, principal, {
      action: "endpoint.tested",
      resourceType: "endpoint",
      resourceId: endpointId,
      appId,
      changes: { eventName: name, channel },
    });
    return created;
  });
  const sent = await sendToEndpoint(endpoint, delivery.id, delivery.body, 1);
  const claimed: ClaimedDelivery = {
    id: delivery.id,
    endpointId,
    body: delivery.body,
    createdAt,
    receivedAt: null,
    attemptNumber: 1,
    trigger: "manual",
  };
  // Recorded like the engine's attempts, as a manual single try. It leaves the endpoint's failure
  // streak alone: a check an operator runs, often on a disabled endpoint, neither counts toward
  // auto-disable nor clears it, and a 410 Gone from it disables nothing.
  const outcome = decideOutcome(claimed, sent, retryPolicy(endpoint));
  // Not recorded when the reconciler took the attempt over meanwhile (it logged it as interrupted).
  const recorded = (await recordOutcomes([outcome])).has(delivery.id);
  return {
    deliveryId: delivery.id,
    status:
      recorded && outcome.status === "succeeded" ? ("succeeded" as const) : ("failed" as const),
    responseStatus: sent.result.status,
    responseBody: sent.result.body,
    durationMs: sent.result.durationMs,
    error:
      sent.result.error ??
      (recorded && outcome.verdict.outcome !== "success" ? outcome.verdict.reason : null),
  };
}
