import { db } from "../db";
import { AppError, type ErrorDetail } from "../errors";
import { encryptSecret } from "../crypto";
import type { Principal } from "../auth/types";
import { importedAppSchema, MIN_APP_SECRET_LENGTH } from "../validation/apps";
import { createEndpointSchema, type CreateEndpointInput } from "../validation/endpoints";
import {
  parseImportConfig,
  type ImportResult,
  type SockudoWebhook,
  type SoketiWebhook,
} from "../validation/import";
import { recordAudit } from "./audit";
import { channelPatternIssues, destinationIssues, insertEndpoint } from "./endpoints";
import { knownEventTypeNames } from "./event-types";

// POST /api/v1/import: apps and their webhooks from a Sockudo or Soketi config.json, created in
// one transaction (all or nothing). Every endpoint goes through the same schema as the API.

type PlannedApp = {
  id: string;
  name: string;
  key: string;
  secret: string;
  enabled: boolean;
  endpoints: CreateEndpointInput[];
  /** Imported as it is, but worth fixing (a short secret). */
  warnings: ErrorDetail[];
};

type Batching = { enabled: boolean; durationMs: number; maxBatchSize: number };

const IMPORT_TIMEOUT_MS = 60_000;

function sockudoEndpoint(webhook: SockudoWebhook): Record<string, unknown> {
  const lambda = webhook.lambda
    ? {
        functionName: webhook.lambda.function_name,
        invocationType: webhook.lambda.invocation_type ?? "Event",
        region: webhook.lambda.region,
        qualifier: webhook.lambda.qualifier,
        endpointUrl: webhook.lambda.endpoint_url,
      }
    : webhook.lambda_function !== undefined
      ? { functionName: webhook.lambda_function, invocationType: "Event" }
      : undefined;
  const filter = webhook.filter ?? {};
  return {
    url: webhook.url,
    lambda,
    eventTypes: webhook.event_types,
    headers: webhook.headers ?? {},
    filter: {
      channelType: filter.channel_type,
      channelPrefix: filter.channel_prefix,
      channelSuffix: filter.channel_suffix,
      channelPattern: filter.channel_pattern,
    },
  };
}

function soketiEndpoint(webhook: SoketiWebhook): Record<string, unknown> {
  const lambda =
    webhook.lambda_function !== undefined
      ? {
          functionName: webhook.lambda_function,
          invocationType: webhook.lambda?.async === false ? "RequestResponse" : "Event",
          region: webhook.lambda?.region,
        }
      : undefined;
  return {
    url: webhook.url,
    lambda,
    eventTypes: webhook.event_types,
    headers: webhook.headers ?? {},
    filter: {
      channelPrefix: webhook.filter?.channel_name_starts_with,
      channelSuffix: webhook.filter?.channel_name_ends_with,
    },
  };
}

const dropUndefined = (value: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

/**
 * Validates everything before writing anything; every problem is reported with its path in the
 * file.
 */
async function planImport(body: unknown, known: Set<string>) {
  const parsed = parseImportConfig(body);
  const appsPath = parsed.format === "sockudo" ? "app_manager.array.apps" : "appManager.array.apps";
  const apps =
    parsed.format === "sockudo"
      ? parsed.config.app_manager.array.apps
      : parsed.config.appManager.array.apps;
  const details: ErrorDetail[] = [];
  const planned: PlannedApp[] = [];
  for (const [appIndex, app] of apps.entries()) {
    const appPath = `${appsPath}.${appIndex}`;
    const appInput = importedAppSchema.safeParse({
      id: app.id,
      name: app.name ?? app.id,
      key: app.key,
      secret: app.secret,
      enabled: app.enabled ?? true,
    });
    if (!appInput.success)
      appInput.error.issues.forEach((issue) =>
        details.push({ field: [appPath, ...issue.path].join("."), issue: issue.message }),
      );
    const warnings: ErrorDetail[] = [];
    if (appInput.success && appInput.data.secret!.length < MIN_APP_SECRET_LENGTH)
      warnings.push({
        field: `${appPath}.secret`,
        issue: `app '${appInput.data.id}': the secret is ${appInput.data.secret!.length} characters, shorter than the ${MIN_APP_SECRET_LENGTH} Herald requires of new secrets; receivers can guess a short one offline from signed bodies, so rotate it (in Herald and the realtime server) soon`,
      });
    const endpoints: CreateEndpointInput[] = [];
    const webhooks: (SockudoWebhook | SoketiWebhook)[] = app.webhooks ?? [];
    for (const [webhookIndex, webhook] of webhooks.entries()) {
      const webhookPath = `${appPath}.webhooks.${webhookIndex}`;
      const mapped =
        parsed.format === "sockudo"
          ? sockudoEndpoint(webhook as SockudoWebhook)
          : soketiEndpoint(webhook as SoketiWebhook);
      const endpoint = await createEndpointSchema.safeParseAsync({
        description: `Imported from ${parsed.format} config`,
        ...dropUndefined(mapped),
      });
      if (!endpoint.success) {
        endpoint.error.issues.forEach((issue) =>
          details.push({ field: [webhookPath, ...issue.path].join("."), issue: issue.message }),
        );
        continue;
      }
      const serverIssues = [
        ...destinationIssues(endpoint.data),
        ...(await channelPatternIssues(endpoint.data.filter)),
      ];
      for (const { field, issue } of serverIssues)
        details.push({ field: `${webhookPath}.${field}`, issue });
      endpoint.data.eventTypes.forEach((name, index) => {
        if (!known.has(name))
          details.push({
            field: `${webhookPath}.event_types.${index}`,
            issue: `'${name}' is not in the event type catalog`,
          });
      });
      endpoints.push(endpoint.data);
    }
    if (appInput.success)
      planned.push({
        id: appInput.data.id!,
        name: appInput.data.name,
        key: appInput.data.key!,
        secret: appInput.data.secret!,
        enabled: appInput.data.enabled,
        endpoints,
        warnings,
      });
  }
  const ids = planned.map((app) => app.id);
  const keys = planned.map((app) => app.key);
  planned.forEach((app, index) => {
    if (ids.indexOf(app.id) !== index)
      details.push({
        field: `${appsPath}.${index}.id`,
        issue: `'${app.id}' appears more than once in the file`,
      });
    if (keys.indexOf(app.key) !== index)
      details.push({
        field: `${appsPath}.${index}.key`,
        issue: `'${app.key}' appears more than once in the file`,
      });
  });
  if (details.length) {
    throw new AppError(
      "validation_failed",
      `The config cannot be imported: ${details.map((detail) => `${detail.field}: ${detail.issue}`).join("; ")}`,
      details,
    );
  }
  const global = parsed.config.webhooks?.batching;
  const batching: Batching = {
    enabled: global?.enabled ?? true,
    durationMs: global?.duration ?? 50,
    maxBatchSize: global?.max_batch_size ?? 100,
  };
  return { format: parsed.format, apps: planned, batching };
}

export async function importConfig(principal: Principal, body: unknown): Promise<ImportResult> {
  const plan = await planImport(body, await knownEventTypeNames());
  const existing = await db.app.findMany({
    where: {
      OR: [
        { id: { in: plan.apps.map((app) => app.id) } },
        { key: { in: plan.apps.map((app) => app.key) } },
      ],
    },
    select: { id: true, key: true },
  });
  const skipped: ImportResult["skipped"] = [];
  const toCreate = plan.apps.filter((app) => {
    const clash = existing.find((row) => row.id === app.id || row.key === app.key);
    if (!clash) return true;
    skipped.push({
      appId: app.id,
      reason:
        clash.id === app.id
          ? "an app with this id already exists"
          : `key '${app.key}' is already used by app '${clash.id}'`,
    });
    return false;
  });
  const warnings = toCreate.flatMap((app) => app.warnings);

  return db.$transaction(
    async (tx) => {
      const created = { apps: [] as string[], endpoints: [] as string[] };
      for (const app of toCreate) {
        await tx.app.create({
          data: {
            id: app.id,
            name: app.name,
            key: app.key,
            secretEncrypted: encryptSecret(app.secret),
            enabled: app.enabled,
            batchingEnabled: plan.batching.enabled,
            batchingDurationMs: plan.batching.durationMs,
            batchingMaxBatchSize: plan.batching.maxBatchSize,
          },
        });
        await recordAudit(tx, principal, {
          action: "app.created",
          resourceType: "app",
          resourceId: app.id,
          appId: app.id,
          changes: { name: app.name, key: app.key, source: `${plan.format} import` },
        });
        created.apps.push(app.id);
        for (const endpointInput of app.endpoints) {
          const { endpoint } = await insertEndpoint(tx, principal, app.id, endpointInput);
          created.endpoints.push(endpoint.id);
        }
      }
      const job = await tx.backgroundJob.create({
        data: {
          type: "import",
          status: "succeeded",
          params: { format: plan.format, apps: plan.apps.map((app) => app.id) },
          total: plan.apps.length,
          processed: plan.apps.length,
          result: { created, skipped, warnings },
          createdBy: principal.id,
          finishedAt: new Date(),
        },
      });
      await recordAudit(tx, principal, {
        action: "config.imported",
        resourceType: "background_job",
        resourceId: job.id,
        changes: { format: plan.format, created, skipped, warnings },
      });
      return { jobId: job.id, created, skipped, warnings };
    },
    { timeout: IMPORT_TIMEOUT_MS },
  );
}
