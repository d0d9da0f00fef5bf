import { AppError } from "../errors";
import { env } from "../env";
import { safeEqual } from "../crypto";
import { findActiveToken } from "../services/api-tokens";

import { hasScope, SCOPES, type Scope } from "./scopes";

export { SCOPES, type Scope };

/** Who is calling: a token (scoped, maybe to one app), the bootstrap token, or a dashboard session. */
export type Principal = {
  kind: "token" | "bootstrap" | "session" | "anonymous";
  id: string;
  scopes: Set<Scope>;
  /** When set, only this app is reachable. */
  appId: string | null;
  /** A token's own expiry: the tokens it creates may not outlive it. */
  expiresAt?: Date | null;
};

const ALL_SCOPES = new Set<Scope>(SCOPES);

export async function authenticate(req: Request): Promise<Principal> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError("unauthorized", "Authorization header must be 'Bearer <token>'");
    return authenticateToken(match[1]!);
  }
  // Outside a Next request scope (scripts, tests) there is no session to read. next-auth is loaded
  // on first use: token requests (the direct intake path, server/index.ts) never need it.
  const [{ getServerSession }, { authOptions }] = await Promise.all([import("next-auth"), import("./options")]);
  const session = await getServerSession(authOptions).catch(() => null);
  if (session?.user?.email) {
    return { kind: "session", id: `user:${session.user.email}`, scopes: ALL_SCOPES, appId: null };
  }
  throw new AppError("unauthorized", "Authentication required: send 'Authorization: Bearer <token>'");
}

async function authenticateToken(token: string): Promise<Principal> {
  if (env.HERALD_API_TOKEN && safeEqual(token, env.HERALD_API_TOKEN)) {
    return { kind: "bootstrap", id: "bootstrap", scopes: ALL_SCOPES, appId: null };
  }
  const stored = await findActiveToken(token);
  if (!stored) throw new AppError("unauthorized", "The API token is invalid, expired or revoked");
  return { kind: "token", id: `token:${stored.id}`, scopes: new Set(stored.scopes as Scope[]), appId: stored.appId, expiresAt: stored.expiresAt };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal.scopes, scope)) throw new AppError("forbidden", `This token lacks the '${scope}' scope`);
}

export function requireAppAccess(principal: Principal, appId: string): void {
  if (principal.appId && principal.appId !== appId) {
    throw new AppError("forbidden", `This token is limited to app '${principal.appId}'`);
  }
}

/** Deployment-wide resources (event types, tokens, import) need a token not limited to one app. */
export function requireUnrestricted(principal: Principal): void {
  if (principal.appId) throw new AppError("forbidden", "This token is limited to one app and cannot manage deployment-wide settings");
}
