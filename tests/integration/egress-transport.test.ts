import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "@/lib/env";
import { sendHttp } from "@/lib/delivery/http";
import type { EndpointEgress } from "@/lib/delivery/types";
import {
  makeTlsFixtures,
  startConnectProxy,
  startMtlsReceiver,
  type ConnectProxy,
  type MtlsReceiver,
} from "../helpers/egress-servers";

// The HTTP transport's egress: a TLS client certificate (mTLS), HERALD_EGRESS_PROXY, an
// endpoint's own proxy or none, and the private-address guard judging the final target through a
// proxy. Only the host name localhost may be delivered to here (not 127.0.0.1), so the guard has
// something to refuse.

process.env.HERALD_ALLOWED_DESTINATIONS = "localhost";

const tls = makeTlsFixtures();
const clientTls = { cert: tls.client.cert, key: tls.client.key, ca: tls.ca };
let receiver: MtlsReceiver;
let egressProxy: ConnectProxy;
let endpointProxy: ConnectProxy;

beforeAll(async () => {
  receiver = await startMtlsReceiver(tls);
  egressProxy = await startConnectProxy("herald:s3cret");
  endpointProxy = await startConnectProxy();
  // Read lazily: nothing has read the environment yet (checked below).
  process.env.HERALD_EGRESS_PROXY = `http://herald:s3cret@127.0.0.1:${egressProxy.port}`;
});
afterAll(async () => {
  await Promise.all([receiver?.close(), egressProxy?.close(), endpointProxy?.close()]);
  tls.remove();
});

const send = (url: string, egress: EndpointEgress) =>
  sendHttp(
    url,
    { body: '{"events":[]}', headers: { "content-type": "application/json" }, timeoutMs: 5000 },
    egress,
  );

describe("egress", () => {
  it("presents the client certificate; 'direct' bypasses HERALD_EGRESS_PROXY", async () => {
    expect(env.HERALD_EGRESS_PROXY).toBe(`http://herald:s3cret@127.0.0.1:${egressProxy.port}`);
    const result = await send(receiver.url("/direct"), { proxy: "direct", tls: clientTls });
    expect(result).toMatchObject({ status: 200, error: null });
    expect(receiver.requests.filter((request) => request.path === "/direct")).toEqual([
      expect.objectContaining({ clientCn: "herald-client", body: '{"events":[]}' }),
    ]);
    expect(egressProxy.connects).toEqual([]);
  });

  it("fails the handshake with a client certificate the receiver does not trust", async () => {
    const refusedBefore = receiver.refusedHandshakes.length;
    const result = await send(receiver.url("/stranger"), {
      proxy: "direct",
      tls: { cert: tls.stranger.cert, key: tls.stranger.key, ca: tls.ca },
    });
    expect(result.status).toBeNull();
    expect(result.error).toBeTruthy();
    expect(receiver.requests.some((request) => request.path === "/stranger")).toBe(false);
    expect(receiver.refusedHandshakes.length).toBeGreaterThan(refusedBefore);
  });

  it("goes through HERALD_EGRESS_PROXY to the address it judged, keeping the name for Host and TLS", async () => {
    const result = await send(receiver.url("/proxied"), { proxy: null, tls: clientTls });
    expect(result).toMatchObject({ status: 200, error: null });
    // The proxy was asked for the address Herald resolved and judged, never the name, and got the
    // operator's credentials; the receiver's certificate names only localhost, so the TLS check
    // (and SNI) used the name.
    expect(egressProxy.connects).toEqual([
      {
        target: `127.0.0.1:${receiver.port}`,
        authorization: `Basic ${Buffer.from("herald:s3cret").toString("base64")}`,
      },
    ]);
    expect(receiver.requests.find((request) => request.path === "/proxied")).toMatchObject({
      host: `localhost:${receiver.port}`,
      clientCn: "herald-client",
    });
  });

  it("refuses a private target through the proxy before asking it for anything", async () => {
    const connectsBefore = egressProxy.connects.length;
    const result = await send(`https://127.0.0.1:${receiver.port}/private`, {
      proxy: null,
      tls: clientTls,
    });
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/^EDESTINATIONREFUSED: destination 127\.0\.0\.1/);
    expect(egressProxy.connects.length).toBe(connectsBefore);
  });

  it("uses an endpoint's own proxy instead, judged by the guard like a destination", async () => {
    const egressBefore = egressProxy.connects.length;
    const result = await send(receiver.url("/own-proxy"), {
      proxy: `http://localhost:${endpointProxy.port}`,
      tls: clientTls,
    });
    expect(result).toMatchObject({ status: 200, error: null });
    expect(endpointProxy.connects.map((entry) => entry.target)).toEqual([
      `127.0.0.1:${receiver.port}`,
    ]);
    expect(egressProxy.connects.length).toBe(egressBefore);

    for (const proxy of [`http://127.0.0.1:${endpointProxy.port}`, "http://10.1.2.3:3128"]) {
      const refused = await send(receiver.url("/own-proxy"), { proxy, tls: clientTls });
      expect(refused.status).toBeNull();
      expect(refused.error).toMatch(/^EDESTINATIONREFUSED: proxy: destination /);
    }
    expect(endpointProxy.connects).toHaveLength(1);
  });

  it("answers a proxy's refusal (407 without its credentials) as a failed attempt", async () => {
    const result = await send(receiver.url("/no-credentials"), {
      proxy: `http://localhost:${egressProxy.port}`,
      tls: clientTls,
    });
    expect(result.status).toBeNull();
    expect(result.error).toMatch(/407|Proxy/);
    expect(receiver.requests.some((request) => request.path === "/no-credentials")).toBe(false);
  });
});
