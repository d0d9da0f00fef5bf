import { NextResponse, type NextRequest } from "next/server";
import { z, ZodError, type ZodType } from "zod";
import { AppError, type ErrorDetail } from "../errors";
import { logger } from "../logger";
import {
  authenticate,
  requireAppAccess,
  requireScope,
  type Principal,
  type Scope,
} from "../auth/principal";
import { withIdempotency } from "./idempotency";
import { decodeUtf8Body, parseJson } from "../validation/json";

export { parseJson };

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export type RouteContext<Params, Body, Query> = {
  req: NextRequest;
  params: Params;
  body: Body;
  query: Query;
  principal: Principal;
};

type RouteOptions<Body, Query> = {
  /** Scope the caller needs; null = public (health, signed intake). */
  scope: Scope | null;
  /**
   * The route names an app (`/apps/{appId}/...`): a token limited to another app gets 403 before
   * anything is read. Every route under app/api/v1/apps/[appId] sets it.
   */
  app?: true;
  body?: ZodType<Body>;
  query?: ZodType<Query>;
  maxBodyBytes?: number;
};

type NextRouteContext = { params: Promise<Record<string, string>> };

export function json(data: unknown, status = 200): NextResponse {
  return NextResponse.json(data, { status });
}

export function errorResponse(error: AppError): NextResponse {
  return json(
    { error: { code: error.code, message: error.message, details: error.details } },
    error.status,
  );
}

/**
 * The one wrapper every route handler goes through: auth -> parse -> handler -> respond,
 * with every failure mapped to {"error": {code, message, details}}.
 */
export function route<
  Params extends Record<string, string> = Record<string, string>,
  Body = undefined,
  Query = undefined,
>(
  options: RouteOptions<Body, Query>,
  handler: (ctx: RouteContext<Params, Body, Query>) => Promise<unknown>,
) {
  return async (req: NextRequest, context: NextRouteContext): Promise<Response> => {
    try {
      const params = ((await context?.params) ?? {}) as Params;
      // An id with a NUL character cannot exist (Postgres text cannot hold one).
      if (Object.values(params).some((value) => value.includes("\u0000")))
        throw new AppError("not_found", "The resource was not found");
      const principal = options.scope ? await authenticate(req) : anonymous;
      if (options.scope) requireScope(principal, options.scope);
      if (options.app) requireAppAccess(principal, params.appId ?? "");
      const query = options.query ? parseQuery(req, options.query) : (undefined as Query);
      const rawBody = options.body
        ? await readBody(req, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
        : "";
      const body = options.body ? await parseBody(rawBody, options.body) : (undefined as Body);
      const run = async () => toResponse(await handler({ req, params, body, query, principal }));
      if (req.method === "POST" && req.headers.get("idempotency-key") && options.scope) {
        return await withIdempotency(req, principal, rawBody, run);
      }
      return await run();
    } catch (error) {
      return errorResponse(toAppError(error));
    }
  };
}

const anonymous: Principal = { kind: "anonymous", id: "anonymous", scopes: new Set(), appId: null };

function toResponse(result: unknown): Response {
  if (result instanceof Response) return result;
  if (result === undefined) return new NextResponse(null, { status: 204 });
  return json(result);
}

/**
 * The body's bytes, read only up to `maxBytes`: a chunked body (no Content-Length) that goes past
 * the limit is refused as soon as it does, never buffered whole.
 */
export async function readBodyBytes(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The body as text: at most `maxBytes`, and valid UTF-8. */
export async function readBody(req: Request, maxBytes: number): Promise<string> {
  return decodeUtf8Body(await readBodyBytes(req, maxBytes));
}

const tooLarge = (maxBytes: number) =>
  new AppError(
    "payload_too_large",
    `Request body is larger than ${Math.round(maxBytes / 1024)} KiB`,
  );

/** parseAsync: some checks run outside the event loop (a channel pattern's ReDoS check). */
function parseBody<Body>(raw: string, schema: ZodType<Body>): Promise<Body> {
  return schema.parseAsync(parseJson(raw));
}

function parseQuery<Query>(req: NextRequest, schema: ZodType<Query>): Query {
  const raw = Object.fromEntries(req.nextUrl.searchParams);
  const withNul = Object.keys(raw).find((name) => raw[name]!.includes("\u0000"));
  if (withNul)
    throw new AppError(
      "bad_request",
      `Invalid query parameters: ${withNul}: must not contain NUL characters`,
      [{ field: withNul, issue: "must not contain NUL characters" }],
    );
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const details = zodDetails(result.error);
  throw new AppError("bad_request", `Invalid query parameters: ${summarize(details)}`, details);
}

function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) => {
    // Name each unknown key as its own field rather than blaming the enclosing object.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        field: [...issue.path, key].join("."),
        issue: "is not a known field",
      }));
    }
    return [{ field: issue.path.join(".") || "(root)", issue: issue.message }];
  });
}

function summarize(details: ErrorDetail[]): string {
  return details.map((detail) => `${detail.field}: ${detail.issue}`).join("; ");
}

const CONNECTION_ERROR =
  /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|Connection is closed|Stream isn't writeable|max retries per request|Can't reach database|Connection terminated|connect ECONN|timeout exceeded when trying to connect/i;
/**
 * The connection broke while a statement (maybe the COMMIT) was on its way: the outcome is unknown.
 */
const CONNECTION_LOST_MIDWAY =
  /Connection terminated unexpectedly|ECONNRESET|terminating connection|server closed the connection unexpectedly/i;

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const details = zodDetails(error);
    return new AppError("validation_failed", `Validation failed: ${summarize(details)}`, details);
  }
  const prismaCode = (error as { code?: unknown })?.code;
  if (prismaCode === "P2002") {
    const target = (
      error as {
        meta?: {
          target?: unknown;
          driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } };
        };
      }
    ).meta;
    const fields =
      target?.driverAdapterError?.cause?.constraint?.fields ??
      (Array.isArray(target?.target) ? (target?.target as string[]) : []);
    return new AppError(
      "conflict",
      `A resource with the same ${fields.join(", ") || "unique value"} already exists`,
    );
  }
  if (prismaCode === "P2025") return new AppError("not_found", "The resource was not found");
  // A malformed id in the URL (e.g. not a UUID) names nothing that exists.
  if (prismaCode === "P2007" || prismaCode === "P2023")
    return new AppError("not_found", "The resource was not found (malformed id)");
  const message =
    error instanceof Error
      ? `${error.name} ${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`
      : String(error);
  // Postgres aborted the transaction to break a deadlock or a serialization conflict: all of it was
  // rolled back.
  if (
    prismaCode === "P2034" ||
    /deadlock detected|could not serialize access|40P01|40001/.test(message)
  ) {
    logger.warn({ err: error }, "transaction aborted by a conflict with concurrent work");
    return new AppError(
      "conflict",
      "The change collided with concurrent work and was rolled back; nothing was changed. Retry it.",
    );
  }
  if (CONNECTION_LOST_MIDWAY.test(message)) {
    logger.warn({ err: error }, "connection to a dependency lost during the request");
    return new AppError(
      "service_unavailable",
      "The connection to a backing service (Postgres or Redis) broke during the request, so it may or may not have been stored. Retry later; for events, send the same event ids again (ones already stored come back as duplicates).",
    );
  }
  if (CONNECTION_ERROR.test(message)) {
    logger.warn({ err: error }, "dependency unavailable");
    return new AppError(
      "service_unavailable",
      "A backing service (Postgres or Redis) is unavailable; nothing was stored. Retry later.",
    );
  }
  logger.error({ err: error }, "unhandled error in route");
  return new AppError("internal_error", "Internal error");
}

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
