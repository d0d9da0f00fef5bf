import { execFileSync } from "node:child_process";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { connect, type AddressInfo, type Socket } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";

// What the egress tests talk to: certificates made with openssl, an HTTPS receiver that demands a
// client certificate signed by its CA, and an HTTP CONNECT proxy that records where it was asked
// to connect. All on 127.0.0.1, all real.

export type Pem = { cert: string; key: string };
export type TlsFixtures = {
  dir: string;
  caFile: string;
  ca: string;
  /** The receiver's certificate: for the name localhost only (no IP address in it). */
  server: Pem;
  /** A client certificate the receiver's CA signed (CN herald-client). */
  client: Pem;
  /** A client certificate from another CA, which the receiver does not trust. */
  stranger: Pem;
  remove: () => void;
};

/** Generates a CA, a server and two client certificates (EC P-256, valid 2 days). */
export function makeTlsFixtures(): TlsFixtures {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-tls-"));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const selfSignedCa = (name: string) =>
    openssl(
      "req",
      "-x509",
      ...newKey,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      `/CN=${name}`,
    );
  const signed = (name: string, ca: string, extensions: string) => {
    openssl(
      "req",
      ...newKey,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
    );
    return {
      cert: readFileSync(file(`${name}.crt`), "utf8"),
      key: readFileSync(file(`${name}.key`), "utf8"),
    };
  };
  selfSignedCa("test-ca");
  selfSignedCa("other-ca");
  return {
    dir,
    caFile: file("test-ca.crt"),
    ca: readFileSync(file("test-ca.crt"), "utf8"),
    server: signed(
      "localhost",
      "test-ca",
      "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n",
    ),
    client: signed("herald-client", "test-ca", "extendedKeyUsage=clientAuth\n"),
    stranger: signed("stranger", "other-ca", "extendedKeyUsage=clientAuth\n"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type MtlsRequest = { path: string; host: string; clientCn: string; body: string };

export type MtlsReceiver = {
  port: number;
  url: (path: string) => string;
  requests: MtlsRequest[];
  /** TLS handshakes that failed (e.g. no or an untrusted client certificate). */
  refusedHandshakes: string[];
  close: () => Promise<void>;
};

/** HTTPS on 127.0.0.1 that completes a handshake only with a client certificate its CA signed. */
export async function startMtlsReceiver(tls: TlsFixtures): Promise<MtlsReceiver> {
  const requests: MtlsRequest[] = [];
  const refusedHandshakes: string[] = [];
  const server = createHttpsServer(
    { ...tls.server, ca: tls.ca, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        requests.push({
          path: req.url ?? "/",
          host: req.headers.host ?? "",
          clientCn: String(peer.subject?.CN ?? ""),
          body: Buffer.concat(chunks).toString("utf8"),
        });
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      })();
    },
  );
  server.on("tlsClientError", (error) => refusedHandshakes.push(error.message));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (urlPath) => `https://localhost:${port}${urlPath}`,
    requests,
    refusedHandshakes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ConnectProxy = {
  port: number;
  /** The `host:port` of every CONNECT, in order, and the Proxy-Authorization it carried. */
  connects: { target: string; authorization: string | undefined }[];
  close: () => Promise<void>;
};

/**
 * A forward proxy that only tunnels (CONNECT), like an egress proxy; with `credentials` it answers
 * 407 to a CONNECT without them.
 */
export async function startConnectProxy(credentials?: string): Promise<ConnectProxy> {
  const connects: ConnectProxy["connects"] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((_req, res) => {
    res.writeHead(405);
    res.end("CONNECT only");
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    const authorization = req.headers["proxy-authorization"];
    connects.push({ target: req.url ?? "", authorization });
    const expected = credentials && `Basic ${Buffer.from(credentials).toString("base64")}`;
    if (expected && authorization !== expected) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n");
      return;
    }
    const [host, port] = [req.url!.slice(0, req.url!.lastIndexOf(":")), req.url!.split(":").pop()];
    const upstream = connect(Number(port), host!.replace(/^\[|\]$/g, ""), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    connects,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
