import { describe, expect, it } from "vitest";
import * as importRoute from "@/app/api/v1/import/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import { db } from "@/lib/db";
import { appVerificationSecrets } from "@/lib/services/apps";
import { endpointSecrets, presentEndpoint } from "@/lib/services/endpoints";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";

const runImport = (body: unknown, token?: string) =>
  call(importRoute.POST, "POST", "/api/v1/import", { body, token });

/** The Sockudo documentation's examples (seeds), merged into one config with unique ids. */
function sockudoConfig(id = uniqueId("sockudo")) {
  return {
    app_manager: {
      driver: "memory",
      array: {
        apps: [
          {
            id,
            key: `key-${id}`,
            secret: "app-secret-wh",
            max_connections: "1000",
            enable_client_messages: true,
            enabled: true,
            max_client_events_per_second: "20",
            webhooks: [
              {
                url: "https://api.example.com/sockudo/events",
                event_types: ["channel_occupied", "channel_vacated"],
                headers: { "X-Custom-Auth": "mysecrettoken", "User-Agent": "Sockudo-Webhook/1.0" },
              },
              {
                lambda: {
                  function_name: "sockudoPresenceHandler",
                  region: "us-east-1",
                  invocation_type: "Event",
                },
                event_types: ["member_added", "member_removed"],
                filter: { channel_prefix: "presence-" },
              },
              {
                lambda_function: "handleClientEvents",
                event_types: ["client_event"],
                filter: { channel_type: "presence" },
              },
              {
                url: "https://analytics.example.com/events",
                event_types: ["member_added", "member_removed"],
                filter: {
                  channel_prefix: "presence-chat",
                  channel_suffix: "-eu",
                  channel_pattern: "^presence-chat-[a-z]+-eu$",
                },
              },
            ],
          },
        ],
      },
    },
    webhooks: { batching: { enabled: true, duration: 75 } },
  };
}

function soketiConfig(id = uniqueId("soketi")) {
  return {
    debug: true,
    appManager: {
      driver: "array",
      array: {
        apps: [
          {
            id,
            key: `key-${id}`,
            secret: "soketi-app-secret",
            maxConnections: -1,
            enableClientMessages: false,
            enabled: true,
            webhooks: [
              {
                url: "https://hooks.example.com/soketi",
                event_types: ["channel_occupied", "member_added"],
                headers: { Authorization: "Bearer soketi-token" },
                filter: { channel_name_starts_with: "presence-", channel_name_ends_with: "-room" },
              },
            ],
          },
        ],
      },
    },
  };
}

describe("import API", () => {
  it("imports a Sockudo config: apps, HTTP and Lambda endpoints, filters, headers and global batching", async () => {
    const config = sockudoConfig();
    const appId = config.app_manager.array.apps[0]!.id;
    const result = await runImport(config);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      jobId: expect.any(String),
      created: { apps: [appId] },
      skipped: [],
    });
    expect(result.body.created.endpoints).toHaveLength(4);

    const app = await db.app.findUniqueOrThrow({ where: { id: appId } });
    expect(app).toMatchObject({
      key: `key-${appId}`,
      name: appId,
      enabled: true,
      batchingEnabled: true,
      batchingDurationMs: 75,
      batchingMaxBatchSize: 100,
    });
    expect(appVerificationSecrets(app)).toEqual(["app-secret-wh"]);

    const rows = await db.endpoint.findMany({ where: { appId }, orderBy: { id: "asc" } });
    const endpoints = rows.map((row) => presentEndpoint(row));
    expect(endpoints.map((endpoint) => endpoint.id).sort()).toEqual(
      [...result.body.created.endpoints].sort(),
    );
    expect(endpoints[0]).toMatchObject({
      url: "https://api.example.com/sockudo/events",
      eventTypes: ["channel_occupied", "channel_vacated"],
      filter: {},
    });
    expect(endpointSecrets(rows[0]!).headers).toEqual({
      "X-Custom-Auth": "mysecrettoken",
      "User-Agent": "Sockudo-Webhook/1.0",
    });
    expect(endpoints[1]).toMatchObject({
      lambda: {
        functionName: "sockudoPresenceHandler",
        region: "us-east-1",
        invocationType: "Event",
      },
      filter: { channelPrefix: "presence-" },
    });
    expect(endpoints[2]).toMatchObject({
      lambda: { functionName: "handleClientEvents", invocationType: "Event" },
      filter: { channelType: "presence" },
    });
    expect(endpoints[3]!.filter).toEqual({
      channelPrefix: "presence-chat",
      channelSuffix: "-eu",
      channelPattern: "^presence-chat-[a-z]+-eu$",
    });

    const job = await db.backgroundJob.findUniqueOrThrow({ where: { id: result.body.jobId } });
    expect(job).toMatchObject({ type: "import", status: "succeeded", total: 1, processed: 1 });
    expect(job.result).toEqual({
      created: result.body.created,
      skipped: [],
      warnings: result.body.warnings,
    });
    expect(JSON.stringify(job)).not.toContain("app-secret-wh");
    expect(JSON.stringify(await db.auditLog.findMany({ where: { appId } }))).not.toContain(
      "mysecrettoken",
    );
  });

  it("imports a Soketi config with its prefix/suffix filter", async () => {
    const config = soketiConfig();
    const appId = config.appManager.array.apps[0]!.id;
    const result = await runImport(config);
    expect(result.status).toBe(201);
    expect(result.body.created.apps).toEqual([appId]);
    const [row] = await db.endpoint.findMany({ where: { appId } });
    expect(presentEndpoint(row!)).toMatchObject({
      url: "https://hooks.example.com/soketi",
      eventTypes: ["channel_occupied", "member_added"],
      filter: { channelPrefix: "presence-", channelSuffix: "-room" },
    });
    expect(endpointSecrets(row!).headers).toEqual({ Authorization: "Bearer soketi-token" });
    const app = await db.app.findUniqueOrThrow({ where: { id: appId } });
    expect(app.batchingDurationMs).toBe(50);
  });

  it("skips apps whose id already exists and reports them", async () => {
    const existing = await makeApp();
    const config = sockudoConfig();
    const fresh = config.app_manager.array.apps[0]!;
    config.app_manager.array.apps.push({
      ...fresh,
      id: existing.id,
      key: `other-${existing.id}`,
      webhooks: [],
    });
    const result = await runImport(config);
    expect(result.status).toBe(201);
    expect(result.body.created.apps).toEqual([fresh.id]);
    expect(result.body.skipped).toEqual([
      { appId: existing.id, reason: "an app with this id already exists" },
    ]);
    expect((await db.app.findUniqueOrThrow({ where: { id: existing.id } })).key).toBe(existing.key);
  });

  it("writes nothing when any webhook is invalid, naming its path in the file", async () => {
    const config = sockudoConfig();
    const second = sockudoConfig();
    config.app_manager.array.apps.push(second.app_manager.array.apps[0]!);
    const webhooks = second.app_manager.array.apps[0]!.webhooks as Array<Record<string, unknown>>;
    webhooks[0] = {
      url: "https://x.example.com",
      event_types: ["channel_occupied", "not_a_known_event"],
      headers: { Host: "evil" },
    };
    webhooks[3] = {
      url: "https://y.example.com",
      event_types: ["channel_occupied"],
      filter: { channel_pattern: "^(a+)+$" },
    };
    webhooks[1] = { url: "http://169.254.169.254/latest", event_types: ["channel_occupied"] };
    const result = await runImport(config);
    expect(result.status).toBe(422);
    const fields = result.body.error.details.map((detail: { field: string }) => detail.field);
    expect(fields).toContain("app_manager.array.apps.1.webhooks.0.headers.Host");
    expect(fields).toContain("app_manager.array.apps.1.webhooks.3.filter.channelPattern");
    expect(fields).toContain("app_manager.array.apps.1.webhooks.1.url");
    const ids = config.app_manager.array.apps.map((app) => app.id);
    expect(await db.app.count({ where: { id: { in: ids } } })).toBe(0);

    const unknownEvent = sockudoConfig();
    unknownEvent.app_manager.array.apps[0]!.webhooks[0]!.event_types = [
      "channel_occupied",
      "not_a_known_event",
    ];
    const unknown = await runImport(unknownEvent);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([
      {
        field: "app_manager.array.apps.0.webhooks.0.event_types.1",
        issue: "'not_a_known_event' is not in the event type catalog",
      },
    ]);
  });

  it("rejects unknown shapes, typos and duplicates with 422 and malformed JSON with 400", async () => {
    const unknown = await runImport({ apps: [] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/app_manager.array.apps.*appManager.array.apps/);
    const notObject = await runImport([1, 2]);
    expect(notObject.status).toBe(422);
    const typo = sockudoConfig();
    (typo.app_manager.array.apps[0]!.webhooks[0] as Record<string, unknown>).event_type = [
      "channel_occupied",
    ];
    const typoResult = await runImport(typo);
    expect(typoResult.status).toBe(422);
    expect(
      typoResult.body.error.details.map((detail: { field: string }) => detail.field),
    ).toContain("app_manager.array.apps.0.webhooks.0.event_type");
    const noApps = await runImport({ appManager: { array: {} } });
    expect(noApps.status).toBe(422);
    expect(noApps.body.error.details[0].field).toBe("appManager.array.apps");
    const duplicate = soketiConfig();
    duplicate.appManager.array.apps.push({ ...duplicate.appManager.array.apps[0]! });
    const duplicateResult = await runImport(duplicate);
    expect(duplicateResult.status).toBe(422);
    expect(
      duplicateResult.body.error.details.map((detail: { field: string }) => detail.field),
    ).toContain("appManager.array.apps.1.id");
    const malformed = await call(importRoute.POST, "POST", "/api/v1/import", {
      rawBody: '{"app_manager": ',
    });
    expect(malformed.status).toBe(400);
  });

  it("needs a token not limited to one app", async () => {
    const app = await makeApp();
    const token = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "one app", scopes: ["write"], appId: app.id },
      })
    ).body.token;
    const result = await runImport(soketiConfig(), token);
    expect(result.status).toBe(403);
  });
});
