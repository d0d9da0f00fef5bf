import { createHash } from "node:crypto";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { Agent, ProxyAgent, type Dispatcher } from "undici";
import { env } from "../env";
import { withTimeout } from "../timeout";
import { destinationRefusal, guardedLookup, literalDestinationRefusal } from "./destinations";
import type { EndpointEgress } from "./types";

// Requests that leave through an HTTP CONNECT proxy, or present a TLS client certificate, use a
// dispatcher of their own (one per distinct proxy + certificate, kept alive like the shared pool).
//
// Through a proxy the private-address guard must still judge the final target, but a proxy
// resolves the names it is asked to CONNECT to by itself, where Herald cannot look. So Herald
// resolves the target's name, judges every address it gets, and asks the proxy to CONNECT to the
// judged address (IP literal), keeping the name for the Host header and TLS (SNI and certificate
// check). The name is resolved once, by Herald: DNS rebinding has no second lookup to answer.

export const DEFAULT_EGRESS: EndpointEgress = { proxy: null, tls: null };

export type ProxyRoute = { url: string; guarded: boolean };

/**
 * The proxy a request goes through: the endpoint's own (judged by the guard like a destination,
 * since an API user chose it), none for "direct", else HERALD_EGRESS_PROXY (the operator's).
 */
export function proxyRoute(egress: EndpointEgress): ProxyRoute | null {
  if (egress.proxy === "direct") return null;
  if (egress.proxy) return { url: egress.proxy, guarded: true };
  return env.HERALD_EGRESS_PROXY ? { url: env.HERALD_EGRESS_PROXY, guarded: false } : null;
}

const KEEP_ALIVE = { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 };
const CONNECT_TIMEOUT_MS = 10_000;
const MAX_DISPATCHERS = 1000;

const dispatchers = new Map<string, Dispatcher>();

/**
 * The dispatcher for this proxy and client certificate (created on first use). Through a proxy the
 * connection goes to an address, so the name the receiver's certificate must carry (and SNI) is
 * given as `servername`, one dispatcher per name: undici's ProxyAgent takes it from its TLS
 * settings, not from the request, once those carry a client certificate.
 */
export function egressDispatcher(
  proxy: ProxyRoute | null,
  tls: EndpointEgress["tls"],
  servername?: string,
): Dispatcher {
  const key = createHash("sha256")
    .update(JSON.stringify([proxy?.url, proxy?.guarded, tls?.cert, tls?.key, tls?.ca, servername]))
    .digest("base64url");
  const existing = dispatchers.get(key);
  if (existing) return existing;
  const clientTls = tls ? { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}) } : {};
  const dispatcher = proxy
    ? new ProxyAgent({
        uri: proxy.url,
        ...KEEP_ALIVE,
        requestTls: {
          ...clientTls,
          ...(servername ? { servername } : {}),
          timeout: CONNECT_TIMEOUT_MS,
        },
        proxyTls: {
          timeout: CONNECT_TIMEOUT_MS,
          ...(proxy.guarded ? { lookup: guardedLookup() } : {}),
        },
      })
    : new Agent({
        ...KEEP_ALIVE,
        connect: { lookup: guardedLookup(), timeout: CONNECT_TIMEOUT_MS, ...clientTls },
      });
  dispatchers.set(key, dispatcher);
  // Settings that changed leave their dispatcher behind: past the bound, the oldest is closed.
  if (dispatchers.size > MAX_DISPATCHERS) {
    const [oldestKey, oldest] = dispatchers.entries().next().value!;
    dispatchers.delete(oldestKey);
    void oldest.close().catch(() => undefined);
  }
  return dispatcher;
}

/** Closes (or, with `destroy`, aborts the requests of) every egress dispatcher. */
export async function closeEgressDispatchers(destroy = false): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(
    all.map((dispatcher) =>
      (destroy ? dispatcher.destroy() : dispatcher.close()).catch(() => undefined),
    ),
  );
}

/** Why the endpoint's own proxy may not be connected to (an IP literal the guard refuses), or null. */
export function proxyRefusal(proxy: ProxyRoute): string | null {
  if (!proxy.guarded) return null;
  const refusal = literalDestinationRefusal(new URL(proxy.url).hostname);
  return refusal && `proxy: ${refusal}`;
}

/**
 * The target with its host name replaced by an address the guard allows (every address the name
 * has must be allowed, as for direct connections), the Host header that keeps the name, and the
 * name for TLS.
 */
export async function pinnedTarget(
  target: URL,
  timeoutMs: number,
): Promise<{ url: URL; host: string; servername?: string } | { refusal: string }> {
  const hostname = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(hostname)) {
    const refusal = literalDestinationRefusal(hostname);
    return refusal ? { refusal } : { url: target, host: target.host };
  }
  const addresses = await withTimeout(lookup(hostname, { all: true }), timeoutMs);
  for (const { address } of addresses) {
    const refusal = destinationRefusal(hostname, address);
    if (refusal) return { refusal };
  }
  const [first] = addresses;
  if (!first) throw new Error(`ENOTFOUND: ${hostname} has no address`);
  const url = new URL(target);
  url.hostname = first.family === 6 ? `[${first.address}]` : first.address;
  return { url, host: target.host, servername: hostname };
}
