import type { IncomingMessage, ServerResponse } from "node:http";
import { NextRequest } from "next/server";
import { POST as nativeIngest } from "@/app/api/v1/apps/[appId]/events/route";
import { POST as pusherIntake } from "@/app/api/intake/pusher/[appId]/route";
import { MAX_INGEST_BODY_BYTES } from "@/lib/validation/ingest";

// The two intake routes are every producer's hot path. Next's router, tracing and web-stream
// plumbing cost about as much CPU per request as the intake itself (bench/README.md), so the web
// server (server.ts) hands well-formed intake POSTs straight to the SAME route handlers, with a
// NextRequest built from the buffered body. Anything unusual (no Content-Length, an oversized
// body, odd paths, dashboard sessions) goes through Next as usual, so behaviour never differs.

type RouteHandler = (
  req: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

const ROUTES: { pattern: RegExp; handler: RouteHandler; needsAuthorization: boolean }[] = [
  // Native ingest authenticates with a Bearer token; without one it may be a dashboard session,
  // which needs Next's request scope.
  {
    pattern: /^\/api\/v1\/apps\/([A-Za-z0-9._~-]+)\/events$/,
    handler: nativeIngest as RouteHandler,
    needsAuthorization: true,
  },
  {
    pattern: /^\/api\/intake\/pusher\/([A-Za-z0-9._~-]+)$/,
    handler: pusherIntake as RouteHandler,
    needsAuthorization: false,
  },
];

/** The handler and app id when this request can take the direct path; null sends it to Next. */
export function directIntakeRoute(
  req: IncomingMessage,
): { handler: RouteHandler; appId: string } | null {
  if (req.method !== "POST" || !req.url) return null;
  const declared = Number(req.headers["content-length"]);
  if (!Number.isInteger(declared) || declared < 0 || declared > MAX_INGEST_BODY_BYTES) return null;
  const pathname = req.url.split("?", 1)[0]!;
  for (const route of ROUTES) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    if (route.needsAuthorization && !req.headers.authorization) return null;
    return { handler: route.handler, appId: match[1]! };
  }
  return null;
}

export async function serveDirectIntake(
  req: IncomingMessage,
  res: ServerResponse,
  route: { handler: RouteHandler; appId: string },
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  // The host part is never read; a malformed Host header must not make the URL invalid.
  const request = new NextRequest(new URL(req.url!, "http://localhost"), {
    method: "POST",
    headers,
    body: Buffer.concat(chunks),
  });
  const response = await route.handler(request, {
    params: Promise.resolve({ appId: route.appId }),
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    "content-length": body.length,
  });
  res.end(body);
}
