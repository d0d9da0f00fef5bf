import { db } from "../db";
import { hotQuery } from "../pg";
import { AppError, notFound } from "../errors";
import { randomToken, sha256Hex } from "../crypto";
import type { Principal } from "../auth/types";
import { hasScope } from "../auth/scopes";
import type { CreateApiTokenInput } from "../validation/api-tokens";
import { recordAudit } from "./audit";
import { pageArgs, toPage, type PageRequest } from "./pagination";
import type { ApiToken } from "../generated/prisma/client";

const TOKEN_PREFIX = "hrld_";

function presentApiToken(token: ApiToken, plaintext?: string) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    scopes: token.scopes,
    appId: token.appId,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    ...(plaintext ? { token: plaintext } : {}),
  };
}

/** Creates a token; the plaintext is returned once and only its SHA-256 is stored. */
export async function createApiToken(principal: Principal, input: CreateApiTokenInput) {
  // A token can hand on only what it has itself: a write token minting an ingest token would
  // escalate.
  const missing = input.scopes.filter((scope) => !hasScope(principal.scopes, scope));
  if (missing.length > 0) {
    throw new AppError(
      "forbidden",
      `A token can only grant scopes it has itself; this one lacks ${missing.map((scope) => `'${scope}'`).join(", ")}`,
    );
  }
  // Nor outlive itself: an expiring token minting a token that never expires would escape its
  // expiry.
  const requestedExpiry = input.expiresAt ? new Date(input.expiresAt) : null;
  if (principal.expiresAt && (!requestedExpiry || requestedExpiry > principal.expiresAt)) {
    throw new AppError(
      "forbidden",
      `This token expires at ${principal.expiresAt.toISOString()}; the tokens it creates must set expiresAt no later than that`,
    );
  }
  if (
    input.appId &&
    !(await db.app.findUnique({ where: { id: input.appId }, select: { id: true } }))
  ) {
    throw new AppError("validation_failed", `appId: app '${input.appId}' does not exist`, [
      { field: "appId", issue: "app does not exist" },
    ]);
  }
  const plaintext = `${TOKEN_PREFIX}${randomToken(32)}`;
  const token = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        name: input.name,
        prefix: plaintext.slice(0, TOKEN_PREFIX.length + 6),
        tokenHash: sha256Hex(plaintext),
        scopes: input.scopes,
        appId: input.appId ?? null,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
        createdBy: principal.id,
      },
    });
    await recordAudit(tx, principal, {
      action: "api_token.created",
      resourceType: "api_token",
      resourceId: created.id,
      appId: created.appId,
      changes: { name: created.name, scopes: created.scopes },
    });
    return created;
  });
  return presentApiToken(token, plaintext);
}

export async function listApiTokens(page: PageRequest) {
  const rows = await db.apiToken.findMany({ orderBy: { id: "desc" }, ...pageArgs(page) });
  return toPage(rows, page, (row) => presentApiToken(row));
}

export async function revokeApiToken(principal: Principal, id: string) {
  const existing = await db.apiToken.findUnique({ where: { id } }).catch(() => null);
  if (!existing) throw notFound("API token", id);
  if (existing.revokedAt) return presentApiToken(existing);
  const revoked = await db.$transaction(async (tx) => {
    const updated = await tx.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, principal, {
      action: "api_token.revoked",
      resourceType: "api_token",
      resourceId: id,
      appId: updated.appId,
    });
    return updated;
  });
  return presentApiToken(revoked);
}

/** The stored token for a presented bearer token, if it is active. */
export type ActiveToken = {
  id: string;
  scopes: string[];
  appId: string | null;
  expiresAt: Date | null;
};

/** Every API request with a token comes here: one indexed query through the hot-path pool. */
export async function findActiveToken(plaintext: string): Promise<ActiveToken | null> {
  if (!plaintext.startsWith(TOKEN_PREFIX)) return null;
  const [token] = await hotQuery<ActiveToken & { lastUsedAt: Date | null }>(
    `SELECT id::text, scopes, app_id AS "appId", expires_at AS "expiresAt", last_used_at AS "lastUsedAt" FROM api_tokens
     WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [sha256Hex(plaintext)],
  );
  if (!token) return null;
  // lastUsedAt is advisory: at most one write a minute per token
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > 60_000) {
    void hotQuery("UPDATE api_tokens SET last_used_at = now() WHERE id = $1::uuid", [
      token.id,
    ]).catch(() => undefined);
  }
  return { id: token.id, scopes: token.scopes, appId: token.appId, expiresAt: token.expiresAt };
}
