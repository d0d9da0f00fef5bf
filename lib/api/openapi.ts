import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { apiTokenSchema, createApiTokenSchema } from "../validation/api-tokens";
import {
  appSchema,
  createAppSchema,
  rotateSecretSchema,
  updateAppSchema,
} from "../validation/apps";
import { errorSchema, pageOf } from "../validation/common";
import {
  backgroundJobSchema,
  deliveriesQuery,
  deliverySchema,
  endpointStatsQuery,
  endpointStatsSchema,
} from "../validation/deliveries";
import {
  jobStartedSchema,
  recoverSchema,
  testEventResultSchema,
  testEventSchema,
} from "../validation/delivery-actions";
import {
  createEndpointSchema,
  endpointSchema,
  rotateEndpointSecretSchema,
  updateEndpointSchema,
} from "../validation/endpoints";
import { eventsQuery, eventSchema } from "../validation/events";
import {
  createEventTypeSchema,
  eventTypeSchema,
  updateEventTypeSchema,
} from "../validation/event-types";
import { importConfigSchema, importResultSchema } from "../validation/import";
import { ingestBodySchema, ingestResultSchema, pusherWebhookSchema } from "../validation/ingest";
import { overviewSchema } from "../validation/overview";
import { auditLogEntrySchema, auditLogQuery } from "../validation/audit-log";
import { appBacklogSchema, readinessSchema } from "../validation/observability";

// The OpenAPI 3.1 document served at /api/v1/openapi.json, generated from the same zod schemas
// that validate requests. Each resource registers its paths in one small function below.

type Registry = OpenAPIRegistry;

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50).optional(),
  cursor: z.string().optional().describe("nextCursor of the previous page"),
});
const appParams = z.object({ appId: z.string() });
const endpointParams = appParams.extend({ endpointId: z.uuid() });
const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .max(255)
    .optional()
    .describe("Repeat a POST safely: the first response is replayed"),
});

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema } },
});
const errors = {
  400: errorResponse("Malformed JSON or query parameters"),
  401: errorResponse("Missing or invalid token"),
  403: errorResponse("The token lacks the scope or the app"),
  404: errorResponse("Not found"),
  422: errorResponse("Validation failed; details name each field"),
  503: errorResponse("Postgres or Redis is unavailable; nothing was changed (retry later)"),
};
const idempotencyConflict = errorResponse(
  "The Idempotency-Key was used before with a different request",
);
const jsonContent = (schema: z.ZodType) => ({ "application/json": { schema } });
const ok = (description: string, schema: z.ZodType, status = 200) => ({
  [status]: { description, content: jsonContent(schema) },
});
const body = (schema: z.ZodType) => ({ body: { required: true, content: jsonContent(schema) } });
const noContent = { 204: { description: "Done; no body" } };

/** Registers a path with the shared error responses; authenticated POSTs accept Idempotency-Key. */
function path(registry: Registry, config: RouteConfig) {
  const isPublic = Array.isArray(config.security) && config.security.length === 0;
  const headers = config.method === "post" && !isPublic ? { headers: idempotencyHeader } : {};
  const { 401: unauthorized, 403: forbidden, ...publicErrors } = errors;
  registry.registerPath({
    ...config,
    request: { ...headers, ...config.request },
    responses: {
      ...(isPublic ? publicErrors : { ...publicErrors, 401: unauthorized, 403: forbidden }),
      ...(config.method === "post" && !isPublic ? { 409: idempotencyConflict } : {}),
      ...config.responses,
    },
  });
}

type Params = z.ZodObject;

/**
 * A collection's list (GET, a page of `item`) and create (POST, 201 with the created `item`)
 * paths; `conflict` describes a 409 beyond the Idempotency-Key's.
 */
function collection(
  registry: Registry,
  config: {
    path: string;
    params?: Params;
    item: z.ZodType;
    list: { summary: string; description: string };
    create: { summary: string; body: z.ZodType; conflict?: string };
  },
) {
  const params = config.params ? { params: config.params } : {};
  path(registry, {
    method: "get",
    path: config.path,
    summary: config.list.summary,
    request: { ...params, query: pageQuery },
    responses: ok(config.list.description, pageOf(config.item)),
  });
  const created = ok("Created", config.item, 201);
  path(registry, {
    method: "post",
    path: config.path,
    summary: config.create.summary,
    request: { ...params, ...body(config.create.body) },
    responses: config.create.conflict
      ? {
          ...created,
          409: errorResponse(
            `${config.create.conflict}, or the Idempotency-Key was used with a different request`,
          ),
        }
      : created,
  });
}

/** An item's read (GET), update (PATCH) and delete (DELETE, 204) paths. */
function item(
  registry: Registry,
  config: {
    path: string;
    params: Params;
    schema: z.ZodType;
    read: { summary: string; description: string };
    update: { summary: string; body: z.ZodType };
    remove: { summary: string; conflict?: string };
  },
) {
  const params = { params: config.params };
  path(registry, {
    method: "get",
    path: config.path,
    summary: config.read.summary,
    request: params,
    responses: ok(config.read.description, config.schema),
  });
  path(registry, {
    method: "patch",
    path: config.path,
    summary: config.update.summary,
    request: { ...params, ...body(config.update.body) },
    responses: ok("Updated", config.schema),
  });
  path(registry, {
    method: "delete",
    path: config.path,
    summary: config.remove.summary,
    request: params,
    responses: config.remove.conflict
      ? { ...noContent, 409: errorResponse(config.remove.conflict) }
      : noContent,
  });
}

function registerHealth(registry: Registry) {
  const health = z
    .object({ status: z.enum(["ok", "degraded"]), postgres: z.boolean(), redis: z.boolean() })
    .meta({ id: "Health" });
  path(registry, {
    method: "get",
    path: "/api/health",
    summary: "Web process, Postgres and Redis answer",
    security: [],
    responses: {
      ...ok("Healthy", health),
      503: { description: "Postgres or Redis is down", content: jsonContent(health) },
    },
  });
}

function registerApps(registry: Registry) {
  collection(registry, {
    path: "/api/v1/apps",
    item: appSchema,
    list: { summary: "List apps", description: "A page of apps" },
    create: {
      summary: "Create an app (secret shown once)",
      body: createAppSchema,
      conflict: "An app with this id or key already exists",
    },
  });
  item(registry, {
    path: "/api/v1/apps/{appId}",
    params: appParams,
    schema: appSchema,
    read: { summary: "Read an app", description: "The app" },
    update: { summary: "Update an app", body: updateAppSchema },
    remove: { summary: "Delete an app and everything in it" },
  });
  path(registry, {
    method: "post",
    path: "/api/v1/apps/{appId}/rotate-secret",
    summary: "Rotate the app secret; the previous one stays valid for graceSeconds",
    request: { params: appParams, ...body(rotateSecretSchema) },
    responses: ok("The app with its new secret in full", appSchema),
  });
  path(registry, {
    method: "post",
    path: "/api/v1/apps/{appId}/reveal-secret",
    summary: "The app secret in full (write scope; audited)",
    request: { params: appParams },
    responses: ok("The app with its secret in full", appSchema),
  });
}

function registerApiTokens(registry: Registry) {
  const tokenParams = z.object({ tokenId: z.uuid() });
  collection(registry, {
    path: "/api/v1/api-tokens",
    item: apiTokenSchema,
    list: { summary: "List API tokens", description: "A page of tokens" },
    create: { summary: "Create a token (shown once)", body: createApiTokenSchema },
  });
  path(registry, {
    method: "delete",
    path: "/api/v1/api-tokens/{tokenId}",
    summary: "Revoke a token",
    request: { params: tokenParams },
    responses: ok("Revoked", apiTokenSchema),
  });
}

function registerEndpoints(registry: Registry) {
  const base = "/api/v1/apps/{appId}/endpoints";
  collection(registry, {
    path: base,
    params: appParams,
    item: endpointSchema,
    list: { summary: "List an app's endpoints", description: "A page of endpoints" },
    create: {
      summary: "Create an HTTP or Lambda endpoint (signing secret shown in full)",
      body: createEndpointSchema,
    },
  });
  item(registry, {
    path: `${base}/{endpointId}`,
    params: endpointParams,
    schema: endpointSchema,
    read: { summary: "Read an endpoint", description: "The endpoint" },
    update: { summary: "Update an endpoint (partial)", body: updateEndpointSchema },
    remove: { summary: "Delete an endpoint" },
  });
  path(registry, {
    method: "post",
    path: `${base}/{endpointId}/rotate-secret`,
    summary: "Rotate the Standard Webhooks secret; both sign during graceSeconds",
    request: { params: endpointParams, ...body(rotateEndpointSecretSchema) },
    responses: ok("The endpoint with its new whsec_ secret in full", endpointSchema),
  });
  path(registry, {
    method: "post",
    path: `${base}/{endpointId}/reveal-secret`,
    summary: "The Standard Webhooks signing secret in full (write scope; audited)",
    request: { params: endpointParams },
    responses: ok("The endpoint with its whsec_ secret in full", endpointSchema),
  });
}

function registerEndpointStats(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/apps/{appId}/endpoints/{endpointId}/stats",
    summary: "Delivery counts, success rate and latency percentiles over a window",
    request: { params: endpointParams, query: endpointStatsQuery },
    responses: ok("Stats", endpointStatsSchema),
  });
}

function registerEndpointActions(registry: Registry) {
  const base = "/api/v1/apps/{appId}/endpoints/{endpointId}";
  path(registry, {
    method: "post",
    path: `${base}/test`,
    summary: "Send a sample event to the endpoint now and show the response",
    request: {
      params: endpointParams,
      body: { required: false, content: jsonContent(testEventSchema) },
    },
    responses: ok("The test delivery's outcome", testEventResultSchema),
  });
  path(registry, {
    method: "post",
    path: `${base}/recover`,
    summary: "Redeliver the endpoint's failed deliveries in a time range, as a background job",
    request: { params: endpointParams, ...body(recoverSchema) },
    responses: {
      ...ok("Started; follow it at /api/v1/jobs/{jobId}", jobStartedSchema, 202),
      409: errorResponse(
        "The endpoint is disabled, or the Idempotency-Key was used with a different request",
      ),
    },
  });
  path(registry, {
    method: "post",
    path: "/api/v1/apps/{appId}/recover",
    summary:
      "Redeliver the failed deliveries of all the app's enabled endpoints in a time range, as a background job",
    request: { params: appParams, ...body(recoverSchema) },
    responses: ok("Started; follow it at /api/v1/jobs/{jobId}", jobStartedSchema, 202),
  });
  path(registry, {
    method: "post",
    path: "/api/v1/apps/{appId}/deliveries/{deliveryId}/redeliver",
    summary: "Send one delivery again now (recorded as a manual attempt)",
    request: { params: appParams.extend({ deliveryId: z.uuid() }) },
    responses: {
      ...ok("Queued", z.object({ delivery: deliverySchema }), 202),
      409: errorResponse(
        "Its endpoint is disabled or deleted, or it is already scheduled, or the Idempotency-Key was used with a different request",
      ),
    },
  });
}

function registerEventTypes(registry: Registry) {
  const nameParams = z.object({ name: z.string() });
  collection(registry, {
    path: "/api/v1/event-types",
    item: eventTypeSchema,
    list: { summary: "The event type catalog (one page)", description: "All event types" },
    create: {
      summary: "Add a custom event type",
      body: createEventTypeSchema,
      conflict: "An event type with this name exists",
    },
  });
  item(registry, {
    path: "/api/v1/event-types/{name}",
    params: nameParams,
    schema: eventTypeSchema,
    read: { summary: "Read an event type", description: "The event type" },
    update: {
      summary: "Update an event type (built-ins: description only, else 403)",
      body: updateEventTypeSchema,
    },
    remove: {
      summary: "Delete a custom event type (403 for built-ins, 409 while endpoints subscribe)",
      conflict: "Endpoints still subscribe to it",
    },
  });
}

function registerEvents(registry: Registry) {
  const base = "/api/v1/apps/{appId}/events";
  path(registry, {
    method: "post",
    path: base,
    summary: "Ingest events (durable in Postgres before 202)",
    description:
      "Needs the ingest scope. Up to 1000 events and 1 MiB; a single event object is accepted too.",
    request: { params: appParams, ...body(ingestBodySchema) },
    responses: {
      ...ok("Accepted", ingestResultSchema, 202),
      409: errorResponse(
        "The app is disabled, or the Idempotency-Key was used with a different request",
      ),
      413: errorResponse("Body too large"),
    },
  });
  path(registry, {
    method: "get",
    path: base,
    summary: "List received events, newest first",
    description:
      "Filters: name, channel, userId, state (routed, held, suppressed, collapsed) and a received-at range.",
    request: { params: appParams, query: eventsQuery },
    responses: ok("A page of events", pageOf(eventSchema)),
  });
  path(registry, {
    method: "get",
    path: `${base}/{eventId}`,
    summary: "Read an event with the deliveries it produced and where it went",
    description:
      "routing has one entry per endpoint of the app: delivered, pending, in_batch, failed, not_subscribed, filtered_out or endpoint_disabled, with the reason in words.",
    request: { params: appParams.extend({ eventId: z.string() }) },
    responses: ok("The event", eventSchema),
  });
}

function registerIntake(registry: Registry) {
  path(registry, {
    method: "post",
    path: "/api/intake/pusher/{appId}",
    summary:
      "Pusher-compatible webhook intake, authenticated by X-Pusher-Key and X-Pusher-Signature",
    security: [],
    request: {
      params: appParams,
      headers: z.object({
        "x-pusher-key": z.string(),
        "x-pusher-signature": z
          .string()
          .describe("Hex HMAC-SHA256 of the body with the app secret"),
      }),
      ...body(pusherWebhookSchema),
    },
    responses: {
      ...ok("Accepted", ingestResultSchema, 202),
      ...ok(
        "A replay: this signed webhook was ingested before (`replay: true`); nothing ingested again",
        ingestResultSchema,
      ),
      401: errorResponse(
        "X-Pusher-Key or X-Pusher-Signature missing, or not this app's key or a signature of the body with its secret (an unknown app id gets the same answer), or time_ms further than HERALD_INTAKE_MAX_SKEW_SECONDS from now; nothing stored",
      ),
      409: errorResponse(
        "The app is disabled, or the same signed webhook is being ingested by another request right now",
      ),
      413: errorResponse("Body too large"),
    },
  });
}

function registerDeliveries(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/apps/{appId}/deliveries",
    summary: "The delivery log",
    request: { params: appParams, query: deliveriesQuery },
    responses: ok("A page of deliveries", pageOf(deliverySchema)),
  });
  path(registry, {
    method: "get",
    path: "/api/v1/apps/{appId}/deliveries/{deliveryId}",
    summary: "A delivery with its body and attempts",
    request: { params: appParams.extend({ deliveryId: z.uuid() }) },
    responses: ok("The delivery", deliverySchema),
  });
}

function registerJobs(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/jobs/{jobId}",
    summary: "A background job (recover, import) with its progress",
    request: { params: z.object({ jobId: z.uuid() }) },
    responses: ok("The job", backgroundJobSchema),
  });
}

function registerImport(registry: Registry) {
  path(registry, {
    method: "post",
    path: "/api/v1/import",
    summary: "Import apps and webhooks from a Sockudo or Soketi config.json (all or nothing)",
    request: body(importConfigSchema),
    responses: ok("What was created and what was skipped", importResultSchema, 201),
  });
}

function registerAuditLog(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/audit-log",
    summary: "Configuration changes, newest first",
    request: { query: auditLogQuery },
    responses: ok("A page of entries", pageOf(auditLogEntrySchema)),
  });
}

function registerOverview(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/overview",
    summary: "Per-app endpoint and delivery counts for the dashboard",
    responses: ok("Counts per app", overviewSchema),
  });
}

function registerObservability(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/health/ready",
    summary: "Readiness: Postgres, Redis, live workers and the backlog",
    description:
      "503 degraded when Postgres or Redis does not answer, when no worker has sent a heartbeat within HERALD_WORKER_TIMEOUT_SECONDS (default 30) while work is due, or when the oldest due delivery or unrouted event is older than HERALD_STALL_ALERT_SECONDS (default 300). Totals only, no app ids; the backlog is read from Postgres at most every few seconds.",
    security: [],
    responses: {
      ...ok("Ready", readinessSchema),
      503: { description: "Degraded; problems says why", content: jsonContent(readinessSchema) },
    },
  });
  path(registry, {
    method: "get",
    path: "/api/metrics",
    summary: "Prometheus metrics of the web process (needs the metrics scope)",
    description:
      "Text exposition format. Needs a token with the metrics scope that is not limited to one app. Each worker serves its own on HERALD_WORKER_METRICS_HOST:HERALD_WORKER_METRICS_PORT/metrics.",
    responses: {
      200: {
        description: "Prometheus text format",
        content: { "text/plain": { schema: z.string() } },
      },
    },
  });
  path(registry, {
    method: "get",
    path: "/api/v1/apps/{appId}/backlog",
    summary: "The app's waiting work, and the deployment's live workers",
    request: { params: appParams },
    responses: ok("Backlog", appBacklogSchema),
  });
}

function registerOpenApi(registry: Registry) {
  path(registry, {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This document (no token needed)",
    security: [],
    responses: { 200: { description: "OpenAPI 3.1 document" } },
  });
}

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | undefined;

export function buildOpenApiDocument() {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API token or HERALD_API_TOKEN",
  });
  for (const register of [
    registerHealth,
    registerApps,
    registerApiTokens,
    registerEndpoints,
    registerEndpointStats,
    registerEndpointActions,
    registerEventTypes,
    registerEvents,
    registerIntake,
    registerDeliveries,
    registerJobs,
    registerImport,
    registerAuditLog,
    registerOverview,
    registerObservability,
    registerOpenApi,
  ]) {
    register(registry);
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Herald API",
      version: "1.0.0",
      description:
        "Webhook control plane for Pusher-compatible realtime servers. Errors are {error: {code, message, details: [{field, issue}]}}.",
    },
    security: [{ bearerAuth: [] }],
  });
  return cached;
}
