import { NextRequest } from "next/server";

export const BOOTSTRAP_TOKEN = "test-bootstrap-token-0123456789";

type RouteHandler = (
  req: NextRequest,
  ctx: { params: Promise<Record<string, string>> },
) => Promise<Response>;

export type CallOptions = {
  params?: Record<string, string>;
  body?: unknown;
  /** Sent as-is (for malformed JSON tests). */
  /**
   * Sent as is: text, bytes, or a stream (sent without a Content-Length, like a chunked request).
   */
  rawBody?: string | Uint8Array | ReadableStream<Uint8Array>;
  token?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string>;
};

export type ApiResult<T = any> = { status: number; body: T; headers: Headers };

/** Calls a route handler in-process with a real Request, the way Next.js does. */
export async function call<T = any>(
  handler: RouteHandler,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResult<T>> {
  const url = new URL(path, "http://localhost:3000");
  for (const [name, value] of Object.entries(options.query ?? {}))
    url.searchParams.set(name, value);
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? BOOTSTRAP_TOKEN : options.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  const payload =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers.set("content-type", "application/json");
  const req = new NextRequest(url, {
    method,
    headers,
    body: payload as BodyInit | undefined,
    ...(payload instanceof ReadableStream ? { duplex: "half" } : {}),
  });
  const res = await handler(req, { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
