import { z } from "zod";
import { LIMITS, wholeNumber } from "./common";

// The two config.json shapes POST /api/v1/import accepts. Apps carry many server settings Herald
// does not use, so app objects are loose; webhook objects are strict so a typo is a clear 422.

const appId = z.union([z.string(), z.number().int().nonnegative()]).transform(String);
const headers = z.record(z.string(), z.string());
const eventTypes = z.array(z.string()).min(1, "must name at least one event type");

const globalBatching = z
  .object({
    enabled: z.boolean().optional(),
    duration: wholeNumber(LIMITS.batchDurationMs, "ms").optional(),
    max_batch_size: wholeNumber(LIMITS.batchSize).optional(),
  })
  .strict();

const globalWebhooks = z.object({ batching: globalBatching.optional() }).loose().optional();

const sockudoWebhookSchema = z
  .object({
    url: z.string().optional(),
    lambda_function: z.string().optional(),
    lambda: z
      .object({
        function_name: z.string(),
        invocation_type: z.enum(["Event", "RequestResponse"]).optional(),
        qualifier: z.string().optional(),
        region: z.string().optional(),
        endpoint_url: z.string().optional(),
      })
      .strict()
      .optional(),
    event_types: eventTypes,
    headers: headers.optional(),
    filter: z
      .object({
        channel_type: z.string().optional(),
        channel_prefix: z.string().optional(),
        channel_suffix: z.string().optional(),
        channel_pattern: z.string().optional(),
      })
      .strict()
      .nullish(),
  })
  .strict();

const importedApp = <W extends z.ZodType>(webhook: W) =>
  z
    .object({
      id: appId,
      key: z.string(),
      secret: z.string(),
      name: z.string().optional(),
      enabled: z.boolean().optional(),
      webhooks: z.array(webhook).nullish(),
    })
    .loose();

const sockudoConfigSchema = z
  .object({
    app_manager: z
      .object({ array: z.object({ apps: z.array(importedApp(sockudoWebhookSchema)) }).loose() })
      .loose(),
    webhooks: globalWebhooks,
  })
  .loose()
  .meta({
    id: "SockudoConfig",
    description:
      "Sockudo config.json: app_manager.array.apps[] with webhooks[], and webhooks.batching",
  });

const soketiWebhookSchema = z
  .object({
    url: z.string().optional(),
    lambda_function: z.string().optional(),
    lambda: z
      .object({ async: z.boolean().optional(), region: z.string().optional() })
      .loose()
      .optional(),
    event_types: eventTypes,
    headers: headers.optional(),
    filter: z
      .object({
        channel_name_starts_with: z.string().optional(),
        channel_name_ends_with: z.string().optional(),
      })
      .strict()
      .nullish(),
  })
  .strict();

const soketiConfigSchema = z
  .object({
    appManager: z
      .object({ array: z.object({ apps: z.array(importedApp(soketiWebhookSchema)) }).loose() })
      .loose(),
    webhooks: globalWebhooks,
  })
  .loose()
  .meta({
    id: "SoketiConfig",
    description: "Soketi config.json: appManager.array.apps[] with webhooks[]",
  });

export const importConfigSchema = z
  .union([sockudoConfigSchema, soketiConfigSchema])
  .meta({ id: "ImportConfig" });

export const importResultSchema = z
  .object({
    jobId: z.string(),
    created: z.object({ apps: z.array(z.string()), endpoints: z.array(z.string()) }),
    skipped: z.array(z.object({ appId: z.string(), reason: z.string() })),
    warnings: z
      .array(z.object({ field: z.string(), issue: z.string() }))
      .describe(
        "Imported as they are but worth fixing, e.g. app secrets shorter than 16 characters",
      ),
  })
  .meta({ id: "ImportResult" });

type SockudoConfig = z.infer<typeof sockudoConfigSchema>;
type SoketiConfig = z.infer<typeof soketiConfigSchema>;
export type SockudoWebhook = z.infer<typeof sockudoWebhookSchema>;
export type SoketiWebhook = z.infer<typeof soketiWebhookSchema>;
export type ImportResult = z.infer<typeof importResultSchema>;

export type ParsedImport =
  { format: "sockudo"; config: SockudoConfig } | { format: "soketi"; config: SoketiConfig };

/**
 * Picks the shape by its top-level key, so errors name the real path instead of a union mismatch.
 */
export function parseImportConfig(body: unknown): ParsedImport {
  const root =
    body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  if ("app_manager" in root) return { format: "sockudo", config: sockudoConfigSchema.parse(body) };
  if ("appManager" in root) return { format: "soketi", config: soketiConfigSchema.parse(body) };
  throw new z.ZodError([
    {
      code: "custom",
      path: [],
      message:
        "expected a Sockudo config (app_manager.array.apps) or a Soketi config (appManager.array.apps)",
      input: body,
    },
  ]);
}

/** What the route accepts before parseImportConfig picks the shape: any JSON object. */
export const importRequestSchema = z.record(z.string(), z.unknown());
