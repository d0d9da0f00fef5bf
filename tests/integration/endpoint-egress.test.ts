import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptSecret } from "@/lib/crypto";
import { db } from "@/lib/db";
import { MASK } from "@/lib/mask";
import { createEndpoint, patchEndpoint, readEndpoint } from "../helpers/endpoints-api";
import { makeApp } from "../factories";
import { engineUnderTest, ingest } from "../helpers/engine";
import {
  makeTlsFixtures,
  startConnectProxy,
  startMtlsReceiver,
  type ConnectProxy,
  type MtlsReceiver,
} from "../helpers/egress-servers";
import { eventually } from "../helpers/receiver";

// An endpoint's TLS client certificate and proxy through the API (validated, the key encrypted at
// rest, write-only, masked) and through the engine: a worker process sends with the certificate,
// through the endpoint's proxy. The worker trusts the receiver's CA (NODE_EXTRA_CA_CERTS, as an
// operator with a private CA would), so an endpoint without a certificate fails on the client
// certificate alone.

const tls = makeTlsFixtures();
const engine = engineUnderTest("egress", { NODE_EXTRA_CA_CERTS: tls.caFile });
let receiver: MtlsReceiver;
let proxy: ConnectProxy;
beforeAll(async () => {
  receiver = await startMtlsReceiver(tls);
  proxy = await startConnectProxy("team:proxy-password");
});
afterAll(async () => {
  await Promise.all([receiver?.close(), proxy?.close()]);
  tls.remove();
});

const create = (appId: string, body: Record<string, unknown>) =>
  createEndpoint(appId, {
    eventTypes: ["client_event"],
    batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
    ...body,
  });
const clientTls = () => ({ clientCertificate: tls.client.cert, clientKey: tls.client.key });

describe("endpoint egress settings in the API", () => {
  it("stores the client key encrypted, never shows it, and keeps it when the masked value comes back", async () => {
    const app = await makeApp();
    const proxyUrl = `http://team:proxy-password@localhost:${proxy.port}`;
    const created = await create(app.id, {
      url: receiver.url("/api"),
      tls: { ...clientTls(), ca: tls.ca },
      proxy: proxyUrl,
    });
    expect(created.status).toBe(201);
    expect(created.body.tls).toEqual({
      clientCertificate: tls.client.cert,
      clientKey: MASK,
      ca: tls.ca,
    });
    expect(created.body.proxy).toBe(`http://team:${MASK}@localhost:${proxy.port}`);
    expect(JSON.stringify(created.body)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(created.body)).not.toContain("proxy-password");

    const row = await db.endpoint.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.tlsClientKeyEncrypted).not.toContain("PRIVATE KEY");
    expect(decryptSecret(row.tlsClientKeyEncrypted!)).toBe(tls.client.key);
    expect(decryptSecret(row.proxyEncrypted!)).toBe(proxyUrl);
    expect((await readEndpoint(app.id, created.body.id)).body).toMatchObject({
      tls: { clientKey: MASK },
      proxy: `http://team:${MASK}@localhost:${proxy.port}`,
    });

    // Sent back as read: nothing changes. The audit log has neither the key nor the password.
    const same = await patchEndpoint(app.id, created.body.id, {
      tls: created.body.tls,
      proxy: created.body.proxy,
      description: "same",
    });
    expect(same.status).toBe(200);
    const after = await db.endpoint.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(after.tlsClientKeyEncrypted).toBe(row.tlsClientKeyEncrypted);
    expect(after.proxyEncrypted).toBe(row.proxyEncrypted);
    const audit = await db.auditLog.findMany({ where: { resourceId: created.body.id } });
    expect(audit.length).toBe(2);
    expect(JSON.stringify(audit)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(audit)).not.toContain("proxy-password");

    // null removes them.
    const cleared = await patchEndpoint(app.id, created.body.id, { tls: null, proxy: null });
    expect(cleared.body).toMatchObject({ tls: null, proxy: null });
    expect(await db.endpoint.findUniqueOrThrow({ where: { id: created.body.id } })).toMatchObject({
      tlsClientCertificate: null,
      tlsClientKeyEncrypted: null,
      tlsCa: null,
      proxyEncrypted: null,
    });
  });

  it("refuses what could never work with 422 naming the field", async () => {
    const app = await makeApp();
    const url = receiver.url("/invalid");
    const cases: [Record<string, unknown>, string][] = [
      [
        { tls: { ...clientTls(), clientCertificate: "not a certificate" } },
        "tls.clientCertificate",
      ],
      [
        { tls: { ...clientTls(), clientCertificate: `${tls.client.cert}\ntrailing junk` } },
        "tls.clientCertificate",
      ],
      [
        {
          tls: {
            ...clientTls(),
            clientKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
          },
        },
        "tls.clientKey",
      ],
      [{ tls: { ...clientTls(), clientKey: tls.stranger.key } }, "tls.clientKey"],
      [{ tls: { ...clientTls(), clientKey: MASK } }, "tls.clientKey"],
      [
        {
          tls: {
            ...clientTls(),
            ca: "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----",
          },
        },
        "tls.ca",
      ],
      [{ tls: { clientCertificate: tls.client.cert } }, "tls.clientKey"],
      [{ proxy: "socks5://localhost:1080" }, "proxy"],
      [{ proxy: "http://localhost:3128/path" }, "proxy"],
      [{ proxy: "http://10.0.0.7:3128" }, "proxy"],
      [{ proxy: `http://team:${MASK}@localhost:3128` }, "proxy"],
    ];
    for (const [body, field] of cases) {
      const result = await create(app.id, { url, ...body });
      expect(result.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(result.body.error.details.map((detail: { field: string }) => detail.field)).toContain(
        field,
      );
    }
    const lambda = await create(app.id, { lambda: { functionName: "f" }, tls: clientTls() });
    expect(lambda.status).toBe(422);
    expect(lambda.body.error.details).toEqual([expect.objectContaining({ field: "tls" })]);

    // A new certificate with the masked key: the stored key must belong to it.
    const created = await create(app.id, { url, tls: clientTls() });
    const mismatched = await patchEndpoint(app.id, created.body.id, {
      tls: { clientCertificate: tls.stranger.cert, clientKey: MASK },
    });
    expect(mismatched.status).toBe(422);
    expect(mismatched.body.error.details).toEqual([
      expect.objectContaining({ field: "tls.clientKey" }),
    ]);
    expect(await db.endpoint.count({ where: { appId: app.id } })).toBe(1);
  });
});

describe("endpoint egress in the engine", () => {
  it("sends with the client certificate, fails without one, and goes through the endpoint's proxy", async () => {
    const app = await makeApp();
    const withCertificate = await create(app.id, { url: receiver.url("/mtls"), tls: clientTls() });
    const without = await create(app.id, {
      url: receiver.url("/no-certificate"),
      retry: { scheduleSeconds: [] },
    });
    const proxied = await create(app.id, {
      url: receiver.url("/proxied"),
      tls: clientTls(),
      proxy: `http://team:proxy-password@localhost:${proxy.port}`,
    });
    for (const endpoint of [withCertificate, without, proxied]) expect(endpoint.status).toBe(201);

    const result = await ingest(app.id, [
      { name: "client_event", channel: "private-a", event: "client-x", data: "{}" },
    ]);
    expect(result.status).toBe(202);

    const status = async (endpointId: string) =>
      await db.delivery.findFirst({ where: { endpointId }, include: { attempts: true } });
    const [sent, failed, viaProxy] = await eventually(
      async () => {
        const all = await Promise.all(
          [withCertificate, without, proxied].map((endpoint) => status(endpoint.body.id)),
        );
        return (
          all.every((delivery) => delivery && ["succeeded", "failed"].includes(delivery.status)) &&
          all
        );
      },
      { timeoutMs: 30_000, what: "the three deliveries to finish" },
    );
    expect(sent!.status).toBe("succeeded");
    expect(viaProxy!.status).toBe("succeeded");
    expect(failed!.status).toBe("failed");
    expect(failed!.attempts[0]!.error).toBeTruthy();
    expect(receiver.requests.map((request) => [request.path, request.clientCn]).sort()).toEqual([
      ["/mtls", "herald-client"],
      ["/proxied", "herald-client"],
    ]);
    expect(receiver.refusedHandshakes.join("\n")).toContain("peer did not return a certificate");
    // The proxy was asked for the address the worker judged, with the endpoint's credentials.
    expect(proxy.connects).toEqual([
      {
        target: `127.0.0.1:${receiver.port}`,
        authorization: `Basic ${Buffer.from("team:proxy-password").toString("base64")}`,
      },
    ]);
    expect(engine.worker.output()).not.toContain("PRIVATE KEY");
  });
});
