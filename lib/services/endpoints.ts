import { randomBytes } from "node:crypto";
import { db, type Tx } from "../db";
import { AppError, notFound, validationError } from "../errors";
import { decryptSecret, decryptStored, encryptSecret, previousSecret } from "../crypto";
import { isMasked, MASK, maskSecret } from "../mask";
import type { Principal } from "../auth/types";
import { Prisma, type Endpoint } from "../generated/prisma/client";
import type { EndpointFilter } from "../matching";
import { checkPattern } from "../pattern-check";
import type { LambdaConfig } from "../delivery/types";
import { literalDestinationRefusal } from "../delivery/destinations";
import type { Batching } from "../validation/common";
import type {
  CreateEndpointInput,
  EndpointView,
  UpdateEndpointInput,
} from "../validation/endpoints";
import { getAppRecord } from "./apps";
import { changedFields, recordAudit } from "./audit";
import { auditedEgress, egressOnCreate, egressOnUpdate, presentEgress } from "./endpoint-egress";
import { notifyEnabledChange } from "./operational-events";
import { assertEventTypesKnown } from "./event-types";
import { pageArgs, toPage, type PageRequest } from "./pagination";
import { chunk, compareSeq } from "../util";
import {
  deliveryRows,
  effectiveBatching,
  insertDeliveriesCte,
  RECEIVED_MS,
  type StoredEvent,
} from "../engine/deliveries";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const generateSigningSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

/** Typed view of the filter JSON column (written only through the validated schemas). */
export function endpointFilter(endpoint: Endpoint): EndpointFilter {
  return (endpoint.filter ?? {}) as EndpointFilter;
}

function storedHeaders(endpoint: Endpoint): Record<string, string> {
  return endpoint.headersEncrypted
    ? (JSON.parse(decryptSecret(endpoint.headersEncrypted)) as Record<string, string>)
    : {};
}

/** Decrypted secrets for the delivery engine; never put these in logs or job payloads. */
export function endpointSecrets(
  endpoint: Endpoint,
  now: Date = new Date(),
): { headers: Record<string, string>; standardWebhookSecrets: string[] } {
  const standardWebhookSecrets = [decryptSecret(endpoint.standardWebhooksSecretEncrypted)];
  const previous = endpoint.previousStandardWebhooksSecretEncrypted;
  const expiresAt = endpoint.previousStandardWebhooksSecretExpiresAt;
  if (previous && expiresAt && expiresAt > now)
    standardWebhookSecrets.push(decryptSecret(previous));
  return { headers: storedHeaders(endpoint), standardWebhookSecrets };
}

export function presentEndpoint(
  endpoint: Endpoint,
  options: { revealSigningSecret?: string } = {},
): EndpointView {
  const maskedHeaders = Object.fromEntries(
    Object.keys(storedHeaders(endpoint)).map((name) => [name, MASK]),
  );
  const target =
    endpoint.kind === "lambda"
      ? { lambda: endpoint.lambda as LambdaConfig }
      : { url: endpoint.url ?? "" };
  const retry = endpoint.retryScheduleSeconds as number[] | null;
  return {
    id: endpoint.id,
    appId: endpoint.appId,
    description: endpoint.description,
    ...target,
    eventTypes: endpoint.eventTypes,
    filter: endpointFilter(endpoint),
    headers: maskedHeaders,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    disabledAutomatically: endpoint.disabledAutomatically,
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    timeoutMs: endpoint.timeoutMs,
    retry: retry ? { scheduleSeconds: retry, maxAgeSeconds: endpoint.retryMaxAgeSeconds } : null,
    rateLimit: endpoint.rateLimitPerSecond ? { perSecond: endpoint.rateLimitPerSecond } : null,
    batching: (endpoint.batching as Batching | null) ?? null,
    standardWebhooks: {
      enabled: endpoint.standardWebhooksEnabled,
      secret:
        options.revealSigningSecret ??
        maskSecret(decryptSecret(endpoint.standardWebhooksSecretEncrypted)),
    },
    ...presentEgress(endpoint),
    bodyFormat: endpoint.bodyFormat,
    ordering: endpoint.ordering,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

/**
 * The endpoint, only when it belongs to the app; anything else (including a non-UUID id) is 404.
 */
export async function getEndpointRecord(appId: string, endpointId: string): Promise<Endpoint> {
  const endpoint = UUID.test(endpointId)
    ? await db.endpoint.findUnique({ where: { id: endpointId } })
    : null;
  if (!endpoint || endpoint.appId !== appId) throw notFound("Endpoint", endpointId);
  return endpoint;
}

export async function getEndpoint(appId: string, endpointId: string) {
  return presentEndpoint(await getEndpointRecord(appId, endpointId));
}

export async function listEndpoints(appId: string, page: PageRequest) {
  await getAppRecord(appId);
  const rows = await db.endpoint.findMany({
    where: { appId },
    orderBy: { id: "asc" },
    ...pageArgs(page),
  });
  return toPage(rows, page, (endpoint) => presentEndpoint(endpoint));
}

function rejectMaskedHeaderValues(headers: Record<string, string>): void {
  const masked = Object.keys(headers).find((name) => isMasked(headers[name]!));
  if (masked)
    throw validationError(`headers.${masked}`, "is the masked placeholder; send the real value");
}

const encryptHeaders = (headers: Record<string, string>) =>
  Object.keys(headers).length ? encryptSecret(JSON.stringify(headers)) : null;

/** Audit entries describe the change with every header value and secret masked. */
function auditChanges(
  input: Partial<CreateEndpointInput> | UpdateEndpointInput,
): Record<string, unknown> {
  const { headers, standardWebhooks, proxy, tls, ...rest } = input;
  return {
    ...rest,
    ...auditedEgress({ proxy, tls }),
    ...(headers
      ? { headers: Object.fromEntries(Object.keys(headers).map((name) => [name, MASK])) }
      : {}),
    ...(standardWebhooks ? { standardWebhooks: { enabled: standardWebhooks.enabled } } : {}),
  };
}

/**
 * An update's audit entry: each field that changed, {from, to}, as the API shows it (header values
 * masked); headers whose value was replaced (invisible once masked) are named in `valuesChanged`.
 */
function changesMade(before: Endpoint, after: Endpoint): Record<string, unknown> {
  const changes: Record<string, unknown> = changedFields(
    presentEndpoint(before),
    presentEndpoint(after),
  );
  const [oldHeaders, newHeaders] = [storedHeaders(before), storedHeaders(after)];
  const valuesChanged = Object.keys(newHeaders).filter(
    (name) => name in oldHeaders && oldHeaders[name] !== newHeaders[name],
  );
  if (valuesChanged.length) {
    const masked = (headers: Record<string, string>) =>
      Object.fromEntries(Object.keys(headers).map((name) => [name, MASK]));
    changes.headers = { from: masked(oldHeaders), to: masked(newHeaders), valuesChanged };
  }
  return changes;
}

const jsonOrDbNull = (value: unknown) =>
  value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);

type Destinations = { url?: string | null; lambda?: { endpointUrl?: string } | null };

/**
 * URLs naming an IP address the private-address guard refuses: every delivery to them would fail
 * through the whole retry schedule (the guard's answer for a literal cannot change), so they are
 * refused when saved. A URL kept as stored is not judged again: an endpoint saved while its
 * address was allowed can still be edited. Host names are judged at each delivery.
 */
export function destinationIssues(
  input: Destinations,
  stored: Destinations = {},
): { field: string; issue: string }[] {
  const checks: [string, string | null | undefined, string | null | undefined][] = [
    ["url", input.url, stored.url],
    ["lambda.endpointUrl", input.lambda?.endpointUrl, stored.lambda?.endpointUrl],
  ];
  return checks.flatMap(([field, url, kept]) => {
    if (!url || url === kept || !URL.canParse(url)) return [];
    const host = new URL(url).hostname;
    if (!literalDestinationRefusal(host)) return [];
    return [
      {
        field,
        issue: `points at ${host}, a private, loopback or link-local address Herald does not deliver to; add it to HERALD_ALLOWED_DESTINATIONS to allow it`,
      },
    ];
  });
}

type Issue = { field: string; issue: string };

function throwIssues(issues: Issue[]): void {
  if (issues.length)
    throw new AppError(
      "validation_failed",
      issues.map((entry) => `${entry.field} ${entry.issue}`).join("; "),
      issues,
    );
}

function assertDestinationsAllowed(input: Destinations, stored?: Destinations): void {
  throwIssues(destinationIssues(input, stored));
}

/**
 * Whether the channel pattern can backtrack catastrophically: the one filter check the shared
 * schema leaves to the server (recheck, off the event loop).
 */
export async function channelPatternIssues(
  filter: { channelPattern?: string } | undefined,
): Promise<Issue[]> {
  if (!filter?.channelPattern) return [];
  const check = await checkPattern(filter.channelPattern);
  return check.ok ? [] : [{ field: "filter.channelPattern", issue: check.issue }];
}

/** The server-only checks of an endpoint body, all reported in one 422, before any write. */
async function assertServerChecks(
  input: Destinations & { filter?: { channelPattern?: string } },
  stored?: Destinations,
): Promise<void> {
  throwIssues([...destinationIssues(input, stored), ...(await channelPatternIssues(input.filter))]);
}

/** Inserts a validated endpoint inside a caller's transaction (the API and the import share it). */
export async function insertEndpoint(
  tx: Tx,
  principal: Principal | string,
  appId: string,
  input: CreateEndpointInput,
) {
  rejectMaskedHeaderValues(input.headers);
  assertDestinationsAllowed(input);
  if (input.lambda && Object.keys(input.headers).length) {
    throw validationError("headers", "Lambda endpoints do not send HTTP headers; remove them");
  }
  const signingSecret = input.standardWebhooks?.secret ?? generateSigningSecret();
  const endpoint = await tx.endpoint.create({
    data: {
      appId,
      description: input.description,
      kind: input.lambda ? "lambda" : "http",
      url: input.url ?? null,
      lambda: input.lambda ? (input.lambda as Prisma.InputJsonValue) : Prisma.DbNull,
      eventTypes: input.eventTypes,
      filter: input.filter as Prisma.InputJsonValue,
      headersEncrypted: encryptHeaders(input.headers),
      enabled: input.enabled,
      disabledReason: input.enabled ? null : "Disabled when created",
      disabledAt: input.enabled ? null : new Date(),
      timeoutMs: input.timeoutMs ?? null,
      retryScheduleSeconds: input.retry ? input.retry.scheduleSeconds : Prisma.DbNull,
      retryMaxAgeSeconds: input.retry?.maxAgeSeconds ?? null,
      rateLimitPerSecond: input.rateLimit?.perSecond ?? null,
      batching: input.batching ? (input.batching as Prisma.InputJsonValue) : Prisma.DbNull,
      standardWebhooksEnabled: input.standardWebhooks?.enabled ?? true,
      bodyFormat: input.bodyFormat,
      ordering: input.ordering,
      standardWebhooksSecretEncrypted: encryptSecret(signingSecret),
      ...egressOnCreate(input, input.lambda ? "lambda" : "http"),
    },
  });
  await recordAudit(tx, principal, {
    action: "endpoint.created",
    resourceType: "endpoint",
    resourceId: endpoint.id,
    appId,
    changes: auditChanges(input),
  });
  return { endpoint, signingSecret };
}

export async function createEndpoint(
  principal: Principal,
  appId: string,
  input: CreateEndpointInput,
) {
  await getAppRecord(appId);
  await assertEventTypesKnown(input.eventTypes);
  await assertServerChecks(input);
  const { endpoint, signingSecret } = await db.$transaction((tx) =>
    insertEndpoint(tx, principal, appId, input),
  );
  return presentEndpoint(endpoint, { revealSigningSecret: signingSecret });
}

/** PATCH semantics for headers: the map is replaced, but a masked value keeps what is stored. */
function mergeHeaders(
  current: Record<string, string>,
  next: Record<string, string>,
): Record<string, string> {
  const currentByLowerName = new Map(
    Object.entries(current).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return Object.fromEntries(
    Object.entries(next).map(([name, value]) => {
      if (!isMasked(value)) return [name, value];
      const kept = current[name] ?? currentByLowerName.get(name.toLowerCase());
      if (kept === undefined)
        throw validationError(
          `headers.${name}`,
          "is the masked placeholder but no value is stored for this header",
        );
      return [name, kept];
    }),
  );
}

const originOf = (url: string | null) => (url && URL.canParse(url) ? new URL(url).origin : null);

/**
 * Stored header values (credentials, often) were given for the endpoint's origin. An update that
 * points the URL at another scheme, host or port must send each value again or drop the header:
 * otherwise a write token could redirect an endpoint to its own server and collect them (say,
 * with the Test button). A Lambda endpoint sends no headers, so switching to one drops them.
 */
function assertHeadersFollowOrigin(current: Endpoint, input: UpdateEndpointInput): void {
  if (input.url === undefined || input.lambda !== undefined) return;
  const [from, to] = [originOf(current.url), originOf(input.url)];
  if (from === to) return;
  const stored = storedHeaders(current);
  const storedNames = new Set(Object.keys(stored).map((name) => name.toLowerCase()));
  // Left out of `headers`, or sent as the masked placeholder: the stored value would go along.
  const carried = input.headers
    ? Object.entries(input.headers)
        .filter(([name, value]) => isMasked(value) && storedNames.has(name.toLowerCase()))
        .map(([name]) => name)
    : Object.keys(stored);
  if (carried.length === 0) return;
  const issue = `was stored for ${from}; the URL now points at ${to}, so send its value again or remove the header`;
  throw new AppError(
    "validation_failed",
    `The URL now points at another origin (${to}) than the one the stored header values were given for (${from}): send ${carried.join(", ")} again with their values, or remove them`,
    carried.map((name) => ({ field: `headers.${name}`, issue })),
  );
}

const becomesLambda = (current: Endpoint, input: UpdateEndpointInput) =>
  input.lambda !== undefined || (current.kind === "lambda" && input.url === undefined);

function headerUpdate(current: Endpoint, input: UpdateEndpointInput): string | null | undefined {
  if (becomesLambda(current, input)) {
    if (input.headers && Object.keys(input.headers).length)
      throw validationError("headers", "Lambda endpoints do not send HTTP headers; remove them");
    return input.lambda !== undefined ? null : undefined;
  }
  if (!input.headers) return undefined;
  return encryptHeaders(mergeHeaders(storedHeaders(current), input.headers));
}

function enabledUpdate(current: Endpoint, enabled: boolean | undefined, actor: string) {
  if (enabled === undefined || enabled === current.enabled) return {};
  // Re-enabling starts the failure count afresh so auto-disable does not trip again at once.
  if (enabled)
    return {
      enabled,
      disabledReason: null,
      disabledAt: null,
      disabledAutomatically: false,
      consecutiveFailures: 0,
    };
  // A person's (or token's) choice, never shown as Herald's: only disableEndpoint sets the flag.
  return {
    enabled,
    disabledReason: `Disabled by ${actor}`,
    disabledAt: new Date(),
    disabledAutomatically: false,
  };
}

export async function updateEndpoint(
  principal: Principal,
  appId: string,
  endpointId: string,
  input: UpdateEndpointInput,
) {
  const stored = await getEndpointRecord(appId, endpointId);
  if (input.eventTypes) await assertEventTypesKnown(input.eventTypes);
  // Before the row is locked: the pattern check may take a while. The destinations are checked
  // again under the lock, against the row the write replaces.
  await assertServerChecks(input, {
    url: stored.url,
    lambda: stored.lambda as LambdaConfig | null,
  });
  const endpoint = await db.$transaction(async (tx) => {
    // Read under the row lock: the header merge and the audit's "from" must see the row this write
    // replaces.
    await tx.$queryRaw`SELECT 1 FROM endpoints WHERE id = ${endpointId}::uuid FOR UPDATE`;
    const current = await tx.endpoint.findUniqueOrThrow({ where: { id: endpointId } });
    assertDestinationsAllowed(input, {
      url: current.url,
      lambda: current.lambda as LambdaConfig | null,
    });
    assertHeadersFollowOrigin(current, input);
    const data: Prisma.EndpointUpdateInput = {
      description: input.description,
      eventTypes: input.eventTypes,
      filter: input.filter as Prisma.InputJsonValue | undefined,
      headersEncrypted: headerUpdate(current, input),
      timeoutMs: input.timeoutMs,
      retryScheduleSeconds:
        input.retry === undefined ? undefined : jsonOrDbNull(input.retry?.scheduleSeconds ?? null),
      retryMaxAgeSeconds:
        input.retry === undefined ? undefined : (input.retry?.maxAgeSeconds ?? null),
      rateLimitPerSecond:
        input.rateLimit === undefined ? undefined : (input.rateLimit?.perSecond ?? null),
      batching: input.batching === undefined ? undefined : jsonOrDbNull(input.batching),
      standardWebhooksEnabled: input.standardWebhooks?.enabled,
      ...egressOnUpdate(current, input, becomesLambda(current, input)),
      bodyFormat: input.bodyFormat,
      ordering: input.ordering,
      ...enabledUpdate(current, input.enabled, principal.id),
      ...(input.url !== undefined
        ? { kind: "http" as const, url: input.url, lambda: Prisma.DbNull }
        : {}),
      ...(input.lambda !== undefined
        ? { kind: "lambda" as const, url: null, lambda: input.lambda as Prisma.InputJsonValue }
        : {}),
    };
    const updated = await tx.endpoint.update({ where: { id: endpointId }, data });
    await recordAudit(tx, principal, {
      action: "endpoint.updated",
      resourceType: "endpoint",
      resourceId: endpointId,
      appId,
      changes: changesMade(current, updated),
    });
    return updated;
  });
  await notifyEnabledChange(stored, endpoint, principal.id);
  return presentEndpoint(endpoint);
}

/**
 * Deletes the endpoint but not its history: deliveries waiting to be sent become `cancelled`, and
 * every delivery stays in the log with its attempts (endpoint_id is cleared by the foreign key).
 * Events waiting in its open batch window go with it (they stay in the events list).
 */
export async function deleteEndpoint(principal: Principal, appId: string, endpointId: string) {
  const endpoint = await getEndpointRecord(appId, endpointId);
  const reason = `Cancelled: the endpoint was deleted on ${new Date().toISOString()}`;
  await db.$transaction(async (tx) => {
    // Its open batch window first, before the endpoint row is locked: a flush holds these rows
    // while it inserts a delivery (which needs the endpoint row), so the other order can deadlock.
    const waiting = await tx.$queryRaw<StoredEvent[]>`
      DELETE FROM batch_items b USING events e WHERE b.endpoint_id = ${endpointId}::uuid AND e.seq = b.event_seq
      RETURNING e.seq::text AS seq, e.id, e.name, e.channel, e.payload,
        ${Prisma.raw(RECEIVED_MS)} AS "receivedMs"`;
    // Locked next: routing's insert of a new delivery for it (a foreign-key check) now waits for
    // this transaction, so none can slip in between the cancel and the delete as a pending orphan.
    await tx.$queryRaw`SELECT 1 FROM endpoints WHERE id = ${endpointId}::uuid FOR UPDATE`;
    // A request in flight (`delivering`) is left to finish: its outcome and attempt are still
    // recorded, and if it must be retried the reconciler cancels it then, as it has no endpoint.
    const cancelled = await tx.delivery.updateMany({
      where: { endpointId, status: { in: ["pending", "retrying"] } },
      data: { status: "cancelled", nextAttemptAt: null, claimJobId: null, lastError: reason },
    });
    // The events its window held stay in the log too, as cancelled deliveries (a batch each).
    // Chunked as a flush would have: the endpoint's batch size, or the app's when it has none.
    let rows: unknown[] = [];
    if (waiting.length > 0) {
      const app = await tx.app.findUniqueOrThrow({ where: { id: appId } });
      const { maxBatchSize } = effectiveBatching(
        { batching: endpoint.batching as Batching | null },
        app,
      );
      const batches = chunk(
        waiting.sort((a, b) => compareSeq(a.seq, b.seq)),
        maxBatchSize,
      );
      rows = deliveryRows(
        batches.map((events) => ({ endpoint, events, failedReason: reason })),
      ).map((row) => ({ ...row, status: "cancelled" }));
      await tx.$executeRawUnsafe(
        `WITH ${insertDeliveriesCte("cancelled", "$1", "$2")} SELECT 1`,
        appId,
        JSON.stringify(rows),
      );
    }
    await tx.endpoint.delete({ where: { id: endpointId } });
    await recordAudit(tx, principal, {
      action: "endpoint.deleted",
      resourceType: "endpoint",
      resourceId: endpointId,
      appId,
      changes: { cancelledDeliveries: cancelled.count + rows.length },
    });
  });
}

/** The endpoint with its current whsec_ signing secret in full; every reveal is audited. */
export async function revealEndpointSecret(
  principal: Principal,
  appId: string,
  endpointId: string,
) {
  const endpoint = await getEndpointRecord(appId, endpointId);
  const signingSecret = decryptStored(
    endpoint.standardWebhooksSecretEncrypted,
    `endpoint ${endpointId}`,
  );
  await recordAudit(db, principal, {
    action: "endpoint.secret_revealed",
    resourceType: "endpoint",
    resourceId: endpointId,
    appId,
  });
  return presentEndpoint(endpoint, { revealSigningSecret: signingSecret });
}

/** New whsec_ secret now; during the grace period deliveries are signed with both. */
export async function rotateEndpointSecret(
  principal: Principal,
  appId: string,
  endpointId: string,
  graceSeconds: number,
) {
  const current = await getEndpointRecord(appId, endpointId);
  const signingSecret = generateSigningSecret();
  const endpoint = await db.$transaction(async (tx) => {
    const previous = previousSecret(current.standardWebhooksSecretEncrypted, graceSeconds);
    const updated = await tx.endpoint.update({
      where: { id: endpointId },
      data: {
        standardWebhooksSecretEncrypted: encryptSecret(signingSecret),
        previousStandardWebhooksSecretEncrypted: previous.encrypted,
        previousStandardWebhooksSecretExpiresAt: previous.expiresAt,
      },
    });
    await recordAudit(tx, principal, {
      action: "endpoint.secret_rotated",
      resourceType: "endpoint",
      resourceId: endpointId,
      appId,
      changes: { graceSeconds },
    });
    return updated;
  });
  return presentEndpoint(endpoint, { revealSigningSecret: signingSecret });
}
