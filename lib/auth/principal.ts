import { AppError } from "../errors";
import { env } from "../env";
import { safeEqual } from "../crypto";
import { findActiveToken } from "../services/api-tokens";

import { hasScope, SCOPES, type Scope } from "./scopes";
import type { Principal } from "./types";

export type { Principal, Scope };

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
  const [{ getServerSession }, { authOptions }] = await Promise.all([
    import("next-auth"),
    import("./options"),
  ]);
  const session = await getServerSession(authOptions).catch(() => null);
  if (session?.user?.email) {
    refuseCrossSiteWrite(req);
    return { kind: "session", id: `user:${session.user.email}`, scopes: ALL_SCOPES, appId: null };
  }
  throw new AppError(
    "unauthorized",
    "Authentication required: send 'Authorization: Bearer <token>'",
  );
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF: the session cookie is SameSite=Lax, which still lets a page on a sibling subdomain or
 * another port of the same host send it with a POST. A browser says where a request comes from
 * (Sec-Fetch-Site, Origin), so a session may only change things from the dashboard's own origin.
 * Requests that carry neither header do not come from a browser page.
 */
function refuseCrossSiteWrite(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const fetchSite = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  const sameOrigin = fetchSite
    ? fetchSite === "same-origin" || fetchSite === "none"
    : origin === null || isOwnOrigin(req, origin);
  if (!sameOrigin) {
    throw new AppError(
      "forbidden",
      "Cross-site request refused: the dashboard session can only change things from Herald's own pages (use an API token)",
    );
  }
}

function isOwnOrigin(req: Request, origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const own = [
    req.headers.get("x-forwarded-host"),
    req.headers.get("host"),
    env.NEXTAUTH_URL ? new URL(env.NEXTAUTH_URL).host : null,
  ];
  return own.some(
    (candidate) => candidate !== null && candidate.toLowerCase() === host.toLowerCase(),
  );
}

async function authenticateToken(token: string): Promise<Principal> {
  if (env.HERALD_API_TOKEN && safeEqual(token, env.HERALD_API_TOKEN)) {
    return { kind: "bootstrap", id: "bootstrap", scopes: ALL_SCOPES, appId: null };
  }
  const stored = await findActiveToken(token);
  if (!stored) throw new AppError("unauthorized", "The API token is invalid, expired or revoked");
  return {
    kind: "token",
    id: `token:${stored.id}`,
    scopes: new Set(stored.scopes as Scope[]),
    appId: stored.appId,
    expiresAt: stored.expiresAt,
  };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal.scopes, scope))
    throw new AppError("forbidden", `This token lacks the '${scope}' scope`);
}

export function requireAppAccess(principal: Principal, appId: string): void {
  if (principal.appId && principal.appId !== appId) {
    throw new AppError("forbidden", `This token is limited to app '${principal.appId}'`);
  }
}

/** Deployment-wide resources (event types, tokens, import) need a token not limited to one app. */
export function requireUnrestricted(principal: Principal): void {
  if (principal.appId)
    throw new AppError(
      "forbidden",
      "This token is limited to one app and cannot manage deployment-wide settings",
    );
}
