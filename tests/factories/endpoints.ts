import { createEndpoint } from "../../lib/services/endpoints";
import { createEventType } from "../../lib/services/event-types";
import type { CreateEndpointInput } from "../../lib/validation/endpoints";
import { makeApp, systemPrincipal, uniqueId } from "./index";

// Endpoints and event types for tests and prisma/seed.ts, created through the services.

export type EndpointOverrides = Partial<Omit<CreateEndpointInput, "filter" | "headers">> & {
  filter?: CreateEndpointInput["filter"];
  headers?: CreateEndpointInput["headers"];
};

export async function makeEndpoint(appId: string, overrides: EndpointOverrides = {}) {
  const input: CreateEndpointInput = {
    description: "Test endpoint",
    eventTypes: ["channel_occupied", "channel_vacated"],
    filter: {},
    headers: {},
    enabled: true,
    ...(overrides.lambda ? {} : { url: "http://127.0.0.1:9/webhook" }),
    ...overrides,
  };
  return createEndpoint(systemPrincipal, appId, input);
}

/** A fresh app with one endpoint: the usual starting point of a delivery test. */
export async function makeAppWithEndpoint(overrides: EndpointOverrides = {}) {
  const app = await makeApp();
  const endpoint = await makeEndpoint(app.id, overrides);
  return { app, endpoint };
}

export async function makeEventType(
  overrides: { name?: string; description?: string; schema?: Record<string, unknown> | null } = {},
) {
  return createEventType(systemPrincipal, {
    name: overrides.name ?? uniqueId("custom").replace("-", "."),
    description: overrides.description ?? "Test event type",
    schema: overrides.schema ?? null,
  });
}
