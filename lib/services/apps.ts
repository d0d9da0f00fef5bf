import { randomBytes } from "node:crypto";
import { db } from "../db";
import { AppError, notFound } from "../errors";
import { decryptSecret, decryptStored, encryptSecret, previousSecret } from "../crypto";
import { MASK, maskSecret } from "../mask";
import type { Principal } from "../auth/types";
import type { App } from "../generated/prisma/client";
import {
  MIN_APP_SECRET_LENGTH,
  type CreateAppInput,
  type UpdateAppInput,
} from "../validation/apps";
import { changedFields, recordAudit } from "./audit";
import { pageArgs, toPage, type PageRequest } from "./pagination";

function presentApp(app: App, options: { revealSecret?: string } = {}) {
  const stored = readStoredSecret(app.secretEncrypted);
  return {
    id: app.id,
    name: app.name,
    key: app.key,
    secret: options.revealSecret ?? stored.masked,
    // Imports keep a realtime server's short secret as it is; the dashboard asks to rotate it.
    secretTooShort: stored.tooShort,
    enabled: app.enabled,
    batching: {
      enabled: app.batchingEnabled,
      durationMs: app.batchingDurationMs,
      maxBatchSize: app.batchingMaxBatchSize,
    },
    presenceGrace: {
      enabled: app.presenceGraceEnabled,
      durationMs: app.presenceGraceDurationMs,
    },
    subscriptionCountThrottle: {
      enabled: app.subscriptionCountThrottleEnabled,
      windowMs: app.subscriptionCountWindowMs,
    },
    previousSecretExpiresAt: app.previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: app.createdAt.toISOString(),
    updatedAt: app.updatedAt.toISOString(),
  };
}

/**
 * The stored secret, decrypted once, as the API shows it. One that cannot be decrypted (another
 * HERALD_ENCRYPTION_KEY) is still masked, never a 500.
 */
function readStoredSecret(stored: string): { masked: string; tooShort: boolean } {
  try {
    const secret = decryptSecret(stored);
    return { masked: maskSecret(secret), tooShort: secret.length < MIN_APP_SECRET_LENGTH };
  } catch {
    return { masked: MASK, tooShort: false };
  }
}

const generateAppId = () => String(100_000 + (randomBytes(4).readUInt32BE() % 900_000));
const generateKey = () => randomBytes(10).toString("hex");
const generateSecret = () => randomBytes(16).toString("hex");

export async function createApp(principal: Principal, input: CreateAppInput) {
  if (principal.appId)
    throw new AppError("forbidden", "This token is limited to one app and cannot create apps");
  const id = input.id ?? generateAppId();
  const key = input.key ?? generateKey();
  const secret = input.secret ?? generateSecret();
  const existing = await db.app.findFirst({
    where: { OR: [{ id }, { key }] },
    select: { id: true, key: true },
  });
  if (existing?.id === id)
    throw new AppError("conflict", `An app with id '${id}' already exists`, [
      { field: "id", issue: "already exists" },
    ]);
  if (existing)
    throw new AppError("conflict", `An app with key '${key}' already exists`, [
      { field: "key", issue: "already exists" },
    ]);
  const app = await db.$transaction(async (tx) => {
    const created = await tx.app.create({
      data: {
        id,
        name: input.name,
        key,
        secretEncrypted: encryptSecret(secret),
        enabled: input.enabled,
        batchingEnabled: input.batching?.enabled ?? true,
        batchingDurationMs: input.batching?.durationMs ?? 50,
        batchingMaxBatchSize: input.batching?.maxBatchSize ?? 100,
        presenceGraceEnabled: input.presenceGrace?.enabled ?? false,
        presenceGraceDurationMs: input.presenceGrace?.durationMs ?? 3000,
        subscriptionCountThrottleEnabled: input.subscriptionCountThrottle?.enabled ?? false,
        subscriptionCountWindowMs: input.subscriptionCountThrottle?.windowMs ?? 5000,
      },
    });
    await recordAudit(tx, principal, {
      action: "app.created",
      resourceType: "app",
      resourceId: id,
      appId: id,
      changes: { name: input.name, key },
    });
    return created;
  });
  return presentApp(app, { revealSecret: secret });
}

export async function getAppRecord(appId: string): Promise<App> {
  const app = await db.app.findUnique({ where: { id: appId } });
  if (!app) throw notFound("App", appId);
  return app;
}

export async function getApp(appId: string) {
  return presentApp(await getAppRecord(appId));
}

export async function listApps(principal: Principal, page: PageRequest) {
  const rows = await db.app.findMany({
    where: principal.appId ? { id: principal.appId } : {},
    orderBy: { id: "asc" },
    ...pageArgs(page),
  });
  return toPage(rows, page, (app) => presentApp(app));
}

export async function updateApp(principal: Principal, appId: string, input: UpdateAppInput) {
  const current = await getAppRecord(appId);
  const app = await db.$transaction(async (tx) => {
    const updated = await tx.app.update({
      where: { id: appId },
      data: {
        name: input.name,
        enabled: input.enabled,
        batchingEnabled: input.batching?.enabled,
        batchingDurationMs: input.batching?.durationMs,
        batchingMaxBatchSize: input.batching?.maxBatchSize,
        presenceGraceEnabled: input.presenceGrace?.enabled,
        presenceGraceDurationMs: input.presenceGrace?.durationMs,
        subscriptionCountThrottleEnabled: input.subscriptionCountThrottle?.enabled,
        subscriptionCountWindowMs: input.subscriptionCountThrottle?.windowMs,
      },
    });
    await recordAudit(tx, principal, {
      action: "app.updated",
      resourceType: "app",
      resourceId: appId,
      appId,
      changes: changedFields(presentApp(current), presentApp(updated)),
    });
    return updated;
  });
  return presentApp(app);
}

export async function deleteApp(principal: Principal, appId: string) {
  await getAppRecord(appId);
  await db.$transaction(async (tx) => {
    await tx.app.delete({ where: { id: appId } });
    await recordAudit(tx, principal, {
      action: "app.deleted",
      resourceType: "app",
      resourceId: appId,
      appId,
    });
  });
}

/** New secret now; the old one keeps verifying intake signatures until the grace period ends. */
export async function rotateAppSecret(
  principal: Principal,
  appId: string,
  input: { graceSeconds: number; secret?: string },
) {
  const { graceSeconds } = input;
  const current = await getAppRecord(appId);
  const secret = input.secret ?? generateSecret();
  const app = await db.$transaction(async (tx) => {
    const previous = previousSecret(current.secretEncrypted, graceSeconds);
    const updated = await tx.app.update({
      where: { id: appId },
      data: {
        secretEncrypted: encryptSecret(secret),
        previousSecretEncrypted: previous.encrypted,
        previousSecretExpiresAt: previous.expiresAt,
      },
    });
    await recordAudit(tx, principal, {
      action: "app.secret_rotated",
      resourceType: "app",
      resourceId: appId,
      appId,
      changes: { graceSeconds, secret: input.secret ? "given" : "generated" },
    });
    return updated;
  });
  return presentApp(app, { revealSecret: secret });
}

/**
 * The app with its current secret in full, for an operator connecting another realtime server.
 * Every reveal is in the audit log. A secret another key encrypted is a 409, not a 500.
 */
export async function revealAppSecret(principal: Principal, appId: string) {
  const app = await getAppRecord(appId);
  const secret = decryptStored(app.secretEncrypted, `app '${appId}'`);
  await recordAudit(db, principal, {
    action: "app.secret_revealed",
    resourceType: "app",
    resourceId: appId,
    appId,
  });
  return presentApp(app, { revealSecret: secret });
}

/**
 * Secrets that verify intake signatures now: the current one and, within the grace period, the
 * previous.
 */
export function appVerificationSecrets(app: App, now = new Date()): string[] {
  const secrets = [decryptSecret(app.secretEncrypted)];
  if (
    app.previousSecretEncrypted &&
    app.previousSecretExpiresAt &&
    app.previousSecretExpiresAt > now
  ) {
    secrets.push(decryptSecret(app.previousSecretEncrypted));
  }
  return secrets;
}
