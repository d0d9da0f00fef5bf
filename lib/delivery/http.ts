import { Agent, request } from "undici";
import { configuredAllowList, guardedLookup, literalDestinationRefusal } from "./destinations";
import {
  closeEgressDispatchers,
  DEFAULT_EGRESS,
  egressDispatcher,
  pinnedTarget,
  proxyRefusal,
  proxyRoute,
} from "./egress";
import {
  RESPONSE_BODY_LIMIT,
  type EndpointEgress,
  type TransportRequest,
  type TransportResult,
} from "./types";

// HTTP transport: one keep-alive pool per process, no redirects followed (undici's request() never
// follows them), a hard timeout, and response bodies read up to 16 KiB and then discarded.

/** Past this much body we stop draining and drop the connection instead of reading it all. */
const MAX_DRAIN_BYTES = 1024 * 1024;

let agent: Agent | undefined;
function sharedAgent(): Agent {
  agent ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 120_000,
    connect: { lookup: guardedLookup(configuredAllowList()), timeout: 10_000 },
  });
  return agent;
}

/** Aborts requests still open (shutdown timeout: their deliveries were handed back). */
export async function destroyHttpAgent(): Promise<void> {
  const current = agent;
  agent = undefined;
  await Promise.all([current?.destroy().catch(() => undefined), closeEgressDispatchers(true)]);
}

export async function closeHttpAgent(): Promise<void> {
  const current = agent;
  agent = undefined;
  await Promise.all([current?.close().catch(() => undefined), closeEgressDispatchers()]);
}

export function retryAfterSeconds(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

function errorText(error: unknown, timeoutMs: number): string {
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (
    err?.name === "TimeoutError" ||
    err?.code === "UND_ERR_HEADERS_TIMEOUT" ||
    err?.code === "UND_ERR_BODY_TIMEOUT"
  ) {
    return `timeout: no complete response within ${timeoutMs} ms`;
  }
  const code = err?.cause?.code ?? err?.code;
  const message = err?.cause?.message ?? err?.message ?? String(error);
  return code ? `${code}: ${message}` : message;
}

export async function sendHttp(
  url: string,
  transport: TransportRequest,
  egress: EndpointEgress = DEFAULT_EGRESS,
): Promise<TransportResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (error: string): TransportResult => ({
    status: null,
    headers: null,
    body: null,
    error,
    durationMs: elapsed(),
  });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return fail(`invalid URL: ${url}`);
  }
  if (target.protocol !== "http:" && target.protocol !== "https:")
    return fail(`unsupported protocol ${target.protocol}`);
  // Names are checked inside the connection's DNS lookup; IP literals never reach a lookup.
  const refusal = literalDestinationRefusal(target.hostname);
  if (refusal) return fail(`EDESTINATIONREFUSED: ${refusal}`);
  const signal = AbortSignal.timeout(transport.timeoutMs);
  try {
    const proxy = proxyRoute(egress);
    let requestHeaders = transport.headers;
    let servername: string | undefined;
    if (proxy) {
      const refused = proxyRefusal(proxy);
      if (refused) return fail(`EDESTINATIONREFUSED: ${refused}`);
      const pinned = await pinnedTarget(target, transport.timeoutMs);
      if ("refusal" in pinned) return fail(`EDESTINATIONREFUSED: ${pinned.refusal}`);
      target = pinned.url;
      requestHeaders = { ...requestHeaders, host: pinned.host };
      servername = pinned.servername;
    }
    const response = await request(target, {
      method: "POST",
      headers: requestHeaders,
      body: transport.body,
      dispatcher:
        proxy || egress.tls ? egressDispatcher(proxy, egress.tls, servername) : sharedAgent(),
      signal,
      headersTimeout: transport.timeoutMs,
      bodyTimeout: transport.timeoutMs,
    });
    const chunks: Buffer[] = [];
    let kept = 0;
    let seen = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (kept < RESPONSE_BODY_LIMIT) {
        const part = chunk.subarray(0, RESPONSE_BODY_LIMIT - kept);
        chunks.push(part);
        kept += part.length;
      }
      if (seen > MAX_DRAIN_BYTES) {
        response.body.destroy();
        break;
      }
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    return {
      status: response.statusCode,
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
      error: null,
      durationMs: elapsed(),
      retryAfterSeconds: retryAfterSeconds(headers["retry-after"]),
    };
  } catch (error) {
    return fail(errorText(error, transport.timeoutMs));
  }
}
