import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import * as openapiRoute from "@/app/api/v1/openapi.json/route";
import { createAppSchema } from "@/lib/validation/apps";
import { createEndpointSchema, updateEndpointSchema } from "@/lib/validation/endpoints";
import { createEventTypeSchema } from "@/lib/validation/event-types";
import { createApiTokenSchema } from "@/lib/validation/api-tokens";
import { BOOTSTRAP_TOKEN, call } from "../helpers/api";

type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<
      string,
      { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown }
    >;
    securitySchemes: Record<string, unknown>;
  };
};

async function fetchDocument(): Promise<OpenApiDocument> {
  const response = await call(openapiRoute.GET, "GET", "/api/v1/openapi.json");
  expect(response.status).toBe(200);
  return response.body;
}

/** Every app/api route file as an OpenAPI path with the methods it exports. */
function routesOnDisk(): Array<{ path: string; methods: string[] }> {
  const root = path.join(process.cwd(), "app", "api");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter(
    (file) => file.endsWith("route.ts") && !file.startsWith("auth"),
  );
  return files.map((file) => {
    const folder = path
      .dirname(file)
      .split(path.sep)
      .map((part) => part.replace(/^\[(.+)\]$/, "{$1}"));
    const source = readFileSync(path.join(root, file), "utf8");
    const methods = [...source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map(
      (match) => match[1]!.toLowerCase(),
    );
    return { path: `/api/${folder.join("/")}`, methods };
  });
}

/**
 * The doc's schemas as JSON Schema 2020-12 (what OpenAPI 3.1 uses), refs resolved within the doc.
 */
function docValidator(doc: OpenApiDocument, schemaId: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: "herald-openapi", components: doc.components });
  return ajv.compile({ $ref: `herald-openapi#/components/schemas/${schemaId}` });
}

const minimalBodies: Array<[string, ZodType, Record<string, unknown>]> = [
  [
    "CreateEndpoint",
    createEndpointSchema,
    { url: "https://example.com/hook", eventTypes: ["channel_occupied"] },
  ],
  ["CreateApp", createAppSchema, { name: "App" }],
  ["CreateEventType", createEventTypeSchema, { name: "order.placed" }],
  ["CreateApiToken", createApiTokenSchema, { name: "ci", scopes: ["read"] }],
];

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with bearer auth and the Error schema", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: "http",
      scheme: "bearer",
    });
    expect(doc.components.schemas.Error?.required).toEqual(["error"]);
  });

  it("is served without a token: it holds no secrets", async () => {
    const anonymous = await call(openapiRoute.GET, "GET", "/api/v1/openapi.json", { token: null });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.openapi).toBe("3.1.0");
    expect(anonymous.body.paths["/api/v1/openapi.json"].get.security).toEqual([]);
    expect(JSON.stringify(anonymous.body)).not.toContain(BOOTSTRAP_TOKEN);
  });

  it("has the main paths", async () => {
    const doc = await fetchDocument();
    expect(Object.keys(doc.paths["/api/v1/apps/{appId}/endpoints/{endpointId}"]!).sort()).toEqual(
      expect.arrayContaining(["delete", "get", "patch"]),
    );
    for (const expected of [
      "/api/v1/apps",
      "/api/v1/apps/{appId}",
      "/api/v1/apps/{appId}/endpoints",
      "/api/v1/apps/{appId}/endpoints/{endpointId}/rotate-secret",
      "/api/v1/event-types",
      "/api/v1/event-types/{name}",
      "/api/v1/import",
      "/api/v1/audit-log",
      "/api/v1/api-tokens",
      "/api/health",
    ]) {
      expect(doc.paths, expected).toHaveProperty([expected]);
    }
  });

  it("documents the error answers a client must handle", async () => {
    const doc = await fetchDocument();
    type Operation = {
      responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
    };
    const operation = (method: string, route: string) => doc.paths[route]![method] as Operation;
    const responses = (method: string, route: string) =>
      Object.keys(operation(method, route).responses);
    expect(responses("post", "/api/intake/pusher/{appId}")).toEqual(
      expect.arrayContaining(["202", "400", "401", "404", "409", "413", "422", "503"]),
    );
    expect(responses("post", "/api/intake/pusher/{appId}")).not.toContain("403"); // no token: nothing to lack a scope
    for (const route of [
      "/api/v1/apps",
      "/api/v1/event-types",
      "/api/v1/apps/{appId}/deliveries/{deliveryId}/redeliver",
      "/api/v1/apps/{appId}/endpoints/{endpointId}/recover",
    ]) {
      expect(responses("post", route), route).toEqual(
        expect.arrayContaining(["401", "403", "409", "422", "503"]),
      );
    }
    expect(
      operation("get", "/api/v1/overview").responses["200"]!.content?.["application/json"]?.schema,
    ).toBeDefined();
  });

  it("documents every route and method that exists under app/api", async () => {
    const doc = await fetchDocument();
    const missing = routesOnDisk().flatMap((route) =>
      route.methods
        .filter((method) => !doc.paths[route.path]?.[method])
        .map((method) => `${method.toUpperCase()} ${route.path}`),
    );
    expect(missing).toEqual([]);
  });

  it("documents no route or method that does not exist (405 answers take their Allow header from it)", async () => {
    const doc = await fetchDocument();
    const onDisk = new Map(routesOnDisk().map((route) => [route.path, route.methods]));
    const extra = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter(
          (method) =>
            ["get", "post", "put", "patch", "delete"].includes(method) &&
            !onDisk.get(path)?.includes(method),
        )
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(extra).toEqual([]);
  });

  it("lists zod's required fields as required", async () => {
    const doc = await fetchDocument();
    expect(doc.components.schemas.CreateEndpoint?.required).toEqual(["eventTypes"]);
    expect(doc.components.schemas.CreateApp?.required).toEqual(["name"]);
    expect(doc.components.schemas.CreateEventType?.required).toEqual(["name"]);
  });

  it.each(minimalBodies)(
    "%s: the doc requires a field exactly when zod does",
    async (schemaId, zodSchema, minimal) => {
      const doc = await fetchDocument();
      const component = doc.components.schemas[schemaId]!;
      expect(zodSchema.safeParse(minimal).success).toBe(true);
      const validate = docValidator(doc, schemaId);
      expect(validate(minimal)).toBe(true);
      for (const field of Object.keys(component.properties ?? {})) {
        const without = { ...minimal };
        delete without[field];
        expect(validate(without), `${schemaId} without ${field}`).toBe(
          zodSchema.safeParse(without).success,
        );
      }
      expect(component.additionalProperties).toBe(false);
      expect(zodSchema.safeParse({ ...minimal, unexpected: 1 }).success).toBe(false);
    },
  );

  it("accepts and rejects the same endpoint bodies as the validator", async () => {
    const doc = await fetchDocument();
    const cases: Array<[string, ZodType, unknown]> = [
      [
        "CreateEndpoint",
        createEndpointSchema,
        {
          url: "https://example.com/hook",
          eventTypes: ["channel_occupied"],
          retry: null,
          batching: null,
          timeoutMs: null,
        },
      ],
      ["CreateEndpoint", createEndpointSchema, { url: "https://example.com/hook", eventTypes: [] }],
      [
        "CreateEndpoint",
        createEndpointSchema,
        { url: "https://example.com/hook", eventTypes: ["a"], timeoutMs: 50 },
      ],
      [
        "CreateEndpoint",
        createEndpointSchema,
        {
          url: "https://example.com/hook",
          eventTypes: ["a"],
          retry: { scheduleSeconds: [90_000] },
        },
      ],
      [
        "CreateEndpoint",
        createEndpointSchema,
        { url: "https://example.com/hook", eventTypes: ["a"], filter: { channelType: "secret" } },
      ],
      [
        "CreateEndpoint",
        createEndpointSchema,
        { lambda: { functionName: "f", invocationType: "Sometimes" }, eventTypes: ["a"] },
      ],
      [
        "CreateEndpoint",
        createEndpointSchema,
        {
          lambda: { functionName: "f", region: "us-east-1" },
          eventTypes: ["a"],
          batching: { durationMs: 100 },
        },
      ],
      ["UpdateEndpoint", updateEndpointSchema, { enabled: false, retry: null }],
      ["UpdateEndpoint", updateEndpointSchema, { standardWebhooks: { enabled: "yes" } }],
    ];
    for (const [schemaId, zodSchema, body] of cases) {
      const validate = docValidator(doc, schemaId);
      expect(validate(body), `${schemaId} ${JSON.stringify(body)}`).toBe(
        zodSchema.safeParse(body).success,
      );
    }
  });
});
