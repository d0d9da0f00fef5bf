import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import * as apiTokensRoute from "@/app/api/v1/api-tokens/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as appsRoute from "@/app/api/v1/apps/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as recoverRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/recover/route";
import * as testRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/test/route";
import * as auditLogRoute from "@/app/api/v1/audit-log/route";
import * as eventTypesRoute from "@/app/api/v1/event-types/route";
import * as overviewRoute from "@/app/api/v1/overview/route";
import { apiTokenSchema } from "@/lib/validation/api-tokens";
import { appSchema } from "@/lib/validation/apps";
import { auditLogEntrySchema } from "@/lib/validation/audit-log";
import { pageOf } from "@/lib/validation/common";
import { jobStartedSchema, testEventResultSchema } from "@/lib/validation/delivery-actions";
import { endpointSchema } from "@/lib/validation/endpoints";
import { eventTypeSchema } from "@/lib/validation/event-types";
import { overviewSchema } from "@/lib/validation/overview";
import { call } from "../helpers/api";
import { uniqueId } from "../factories";

// The dashboard's types are the response schemas' (lib/client/types.ts), so each response must be
// exactly what its schema says: every field it requires, of its type, and nothing it does not name
// (zod drops unknown keys at every level, so an extra field makes the parse differ from the body).

function expectShape(schema: ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(body);
}

describe("responses match the schemas the dashboard's types come from", () => {
  it("apps, endpoints (HTTP and Lambda), tests, recoveries, event types, tokens, audit and overview", async () => {
    const created = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id: uniqueId("shape"), name: "Shapes" },
    });
    expect(created.status).toBe(201);
    expectShape(appSchema, created.body);
    const appId = created.body.id as string;
    const app = await call(appRoute.GET, "GET", `/api/v1/apps/${appId}`, { params: { appId } });
    expectShape(appSchema, app.body);
    const apps = await call(appsRoute.GET, "GET", "/api/v1/apps");
    expectShape(pageOf(appSchema), apps.body);

    const http = await call(endpointsRoute.POST, "POST", `/api/v1/apps/${appId}/endpoints`, {
      params: { appId },
      body: {
        // Nothing listens on port 9: the test event fails fast with a network error.
        url: "http://127.0.0.1:9/hook",
        eventTypes: ["channel_occupied"],
        filter: { channelPrefix: "private-" },
        headers: { "X-Team": "blue" },
        retry: { scheduleSeconds: [1, 2] },
        batching: { enabled: true, durationMs: 10, maxBatchSize: 5 },
      },
    });
    expect(http.status).toBe(201);
    expectShape(endpointSchema, http.body);
    const lambda = await call(endpointsRoute.POST, "POST", `/api/v1/apps/${appId}/endpoints`, {
      params: { appId },
      body: { lambda: { functionName: "orders", region: "eu-west-1" }, eventTypes: ["cache_miss"] },
    });
    expect(lambda.status).toBe(201);
    expectShape(endpointSchema, lambda.body);
    const endpointId = http.body.id as string;
    const read = await call(
      endpointRoute.GET,
      "GET",
      `/api/v1/apps/${appId}/endpoints/${endpointId}`,
      {
        params: { appId, endpointId },
      },
    );
    expectShape(endpointSchema, read.body);
    const list = await call(endpointsRoute.GET, "GET", `/api/v1/apps/${appId}/endpoints`, {
      params: { appId },
    });
    expectShape(pageOf(endpointSchema), list.body);

    const tested = await call(
      testRoute.POST,
      "POST",
      `/api/v1/apps/${appId}/endpoints/${endpointId}/test`,
      { params: { appId, endpointId }, body: {} },
    );
    expect(tested.status).toBe(200);
    expectShape(testEventResultSchema, tested.body);
    const recovery = await call(
      recoverRoute.POST,
      "POST",
      `/api/v1/apps/${appId}/endpoints/${endpointId}/recover`,
      {
        params: { appId, endpointId },
        body: { since: new Date(Date.now() - 60_000).toISOString() },
      },
    );
    expect(recovery.status).toBe(202);
    expectShape(jobStartedSchema, recovery.body);

    const name = `shape.${uniqueId("t").toLowerCase()}`;
    const eventType = await call(eventTypesRoute.POST, "POST", "/api/v1/event-types", {
      body: { name, description: "Shapes", schema: { type: "object" } },
    });
    expect(eventType.status).toBe(201);
    expectShape(eventTypeSchema, eventType.body);
    const eventTypes = await call(eventTypesRoute.GET, "GET", "/api/v1/event-types", {
      query: { limit: "250" },
    });
    expectShape(pageOf(eventTypeSchema), eventTypes.body);

    const token = await call(apiTokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "shapes", scopes: ["read"], appId },
    });
    expect(token.status).toBe(201);
    expectShape(apiTokenSchema, token.body);
    const tokens = await call(apiTokensRoute.GET, "GET", "/api/v1/api-tokens");
    expectShape(pageOf(apiTokenSchema), tokens.body);

    const audit = await call(auditLogRoute.GET, "GET", "/api/v1/audit-log", {
      query: { appId },
    });
    expect(audit.body.data.length).toBeGreaterThan(0);
    expectShape(pageOf(auditLogEntrySchema), audit.body);
    const overview = await call(overviewRoute.GET, "GET", "/api/v1/overview");
    expectShape(overviewSchema, overview.body);
  });
});
