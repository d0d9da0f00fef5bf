import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import next from "next";
import { CLIENT_ADDRESS_HEADER } from "../lib/auth/client-address";

// Herald's web process: Next.js (dashboard + REST API) behind a plain node:http server that hands
// intake POSTs to their route handlers directly (lib/api/direct-intake.ts). Runs from the esbuild
// bundle server/dist/index.cjs (server/build.mjs), started by `npm start` / `npm run web`.

// The project root: this file runs as server/dist/index.cjs.
const dir = path.resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  // Before Next starts answering 500s: a missing or invalid variable is one line and an exit.
  const { loadWebEnvOrExit } = await import("../lib/env");
  const env = loadWebEnvOrExit();
  if (!env.HERALD_ADMIN_PASSWORD)
    console.warn(
      "HERALD_ADMIN_PASSWORD is not set: nobody can sign in to the dashboard (API tokens still work)",
    );
  // Started together with a worker or another web process on a fresh database (npm run web
  // migrates first; node server/start.mjs alone does not), wait until it is migrated.
  const { waitForSchemaOrExit } = await import("../lib/schema-readiness");
  await waitForSchemaOrExit(env.DATABASE_URL);
  const port = env.PORT;
  // Unset: every interface, like `next start`. (Not HOSTNAME: shells and containers set that to the
  // machine name.)
  const hostname = env.HERALD_WEB_HOST;
  const app = next({ dev: false, dir, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();
  // After prepare(): the route handlers load next/server, which needs the environment Next sets up.
  const { directIntakeRoute, serveDirectIntake } = await import("../lib/api/direct-intake");
  const { allowedMethods, ROUTE_HANDLER_METHODS } = await import("../lib/api/allowed-methods");
  const server = createServer((req, res) => {
    // Set here, so a client cannot choose it: sign-in throttling counts failures per address.
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    if (hasMalformedApiPath(req.url)) return answerMalformedPath(res);
    if (req.url?.startsWith("/api/") && !ROUTE_HANDLER_METHODS.has(req.method ?? ""))
      return refuseMethod(req, res, allowedMethods);
    const direct = directIntakeRoute(req);
    // Intake served directly always answers with a content type: only Next's answers need this.
    if (!direct && req.url?.startsWith("/api/")) explainMethodNotAllowed(req, res, allowedMethods);
    const served = direct ? serveDirectIntake(req, res, direct) : handle(req, res);
    served.catch((error: unknown) => {
      console.error("request failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { code: "internal_error", message: "Internal error", details: [] },
        }),
      );
    });
  });
  server.listen(port, hostname, () =>
    console.log(`herald web listening on port ${port} (${hostname ?? "all interfaces"})`),
  );
  const stop = () => {
    server.close();
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/**
 * Next answers an API path with a broken percent-encoding (e.g. %E0%A4%A) with a text 500 before
 * any route runs.
 */
function hasMalformedApiPath(url: string | undefined): boolean {
  if (!url?.startsWith("/api/")) return false;
  try {
    decodeURIComponent(url.split("?", 1)[0]!);
    return false;
  } catch {
    return true;
  }
}

function answerMalformedPath(res: ServerResponse): void {
  const body = JSON.stringify({
    error: {
      code: "bad_request",
      message: "The URL path has a malformed percent-encoding",
      details: [],
    },
  });
  res.writeHead(400, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

type AllowedMethods = (path: string) => string | null;

/**
 * The JSON 405 for this request, naming method and path, and the route's Allow header when known.
 */
function methodNotAllowed(
  req: IncomingMessage,
  allowedMethods: AllowedMethods,
): { body: string; allow: string | null } {
  const path = req.url!.split("?", 1)[0]!;
  const body = JSON.stringify({
    error: {
      code: "method_not_allowed",
      message: `${req.method} is not supported on ${path}`,
      details: [],
    },
  });
  return { body, allow: allowedMethods(path) };
}

/** A method no route handler can have (TRACE, CONNECT...): Next would answer it with a text 500. */
function refuseMethod(
  req: IncomingMessage,
  res: ServerResponse,
  allowedMethods: AllowedMethods,
): void {
  const { body, allow } = methodNotAllowed(req, allowedMethods);
  res.writeHead(405, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(allow ? { allow } : {}),
  });
  res.end(body);
}

/**
 * Next answers a method a route handler does not export with an empty 405 and no Allow header:
 * give it the same JSON error body as every other API error, naming the method and the path, and
 * the Allow header RFC 9110 asks for.
 */
function explainMethodNotAllowed(
  req: IncomingMessage,
  res: ServerResponse,
  allowedMethods: AllowedMethods,
): void {
  let body: string | undefined;
  // Next sends the headers before ending the body, so both steps are wrapped: the headers get the
  // JSON type and length, the (empty) end gets the body.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    // Only Next's own empty answer: it has no content type; a route's 405 with a body would.
    if (statusCode === 405 && res.getHeader("content-type") === undefined) {
      const answer = methodNotAllowed(req, allowedMethods);
      body = answer.body;
      const allow = answer.allow;
      res.setHeader("content-type", "application/json");
      res.setHeader("content-length", Buffer.byteLength(body));
      if (allow) res.setHeader("allow", allow);
    }
    return writeHead(statusCode, ...rest);
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const empty = args[0] === undefined || typeof args[0] === "function";
    return body !== undefined && empty ? end(body) : end(...args);
  }) as typeof res.end;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
