import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { z } from "zod";
import { isMasked, MASK } from "../mask";

// How an HTTP endpoint's requests leave Herald: through which HTTP CONNECT proxy, and with which
// TLS client certificate (mTLS). PEM is checked with node:crypto when saved, so a delivery never
// fails on a certificate that could not have worked.

const MAX_PEM_LENGTH = 64 * 1024;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

// The dashboard's endpoint form runs these schemas in the browser, where node:crypto has no X.509
// or key parsing: there only the PEM's shape is checked, and the API checks the rest on save.
const canParsePem = typeof X509Certificate === "function" && typeof createPrivateKey === "function";

const isCertificateBundle = (pem: string) =>
  (pem.match(CERTIFICATE_BLOCK) ?? []).length > 0 &&
  pem.replace(CERTIFICATE_BLOCK, "").trim() === "";

/** The certificates of a PEM bundle, or null when it holds anything else or one does not parse. */
function parseCertificates(pem: string): X509Certificate[] | null {
  const blocks = pem.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0 || pem.replace(CERTIFICATE_BLOCK, "").trim() !== "") return null;
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch {
    return null;
  }
}

function parsePrivateKey(pem: string): KeyObject | null {
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem) || /ENCRYPTED/.test(pem)) return null;
  try {
    return createPrivateKey(pem);
  } catch {
    return null;
  }
}

/** Why `key` cannot be the private key of the bundle's first certificate, or null. */
export function clientKeyIssue(certificatePem: string, keyPem: string): string | null {
  const shapeOk = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyPem) && !/ENCRYPTED/.test(keyPem);
  const key = canParsePem ? parsePrivateKey(keyPem) : null;
  if (canParsePem ? !key : !shapeOk)
    return "must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, or RSA/EC PRIVATE KEY)";
  const leaf = key ? parseCertificates(certificatePem)?.[0] : undefined;
  if (key && leaf && !leaf.checkPrivateKey(key))
    return "is not the private key of clientCertificate (the first certificate)";
  return null;
}

const pemCertificates = (what: string) =>
  z
    .string()
    .max(MAX_PEM_LENGTH, `must be at most ${MAX_PEM_LENGTH} characters`)
    .refine((pem) => (canParsePem ? parseCertificates(pem) !== null : isCertificateBundle(pem)), {
      message: `must be ${what} in PEM (-----BEGIN CERTIFICATE----- blocks, nothing else)`,
    });

export const clientTlsSchema = z
  .object({
    clientCertificate: pemCertificates("the client certificate (then its chain)").describe(
      "PEM: the client certificate first, then any intermediates",
    ),
    clientKey: z
      .string()
      .max(MAX_PEM_LENGTH, `must be at most ${MAX_PEM_LENGTH} characters`)
      .describe(
        "PEM private key of clientCertificate; write-only (read back masked; on update the masked value keeps the stored key)",
      ),
    ca: pemCertificates("CA certificates")
      .nullable()
      .optional()
      .describe(
        "PEM CA certificates the receiver's certificate must chain to, instead of the public ones",
      ),
  })
  .strict()
  .superRefine((tls, ctx) => {
    // A masked key stands for the stored one; the service checks that one against the certificate.
    if (isMasked(tls.clientKey)) return;
    const issue = clientKeyIssue(tls.clientCertificate, tls.clientKey);
    if (issue) ctx.addIssue({ code: "custom", path: ["clientKey"], message: issue });
  })
  // Not registered by id: the OpenAPI generator would drop the null of a nullable $ref.
  .describe("TLS client certificate presented to the receiver (mTLS)");

export type ClientTlsInput = z.infer<typeof clientTlsSchema>;

/** An HTTP CONNECT proxy: http(s)://[user:password@]host:port. */
const proxyUrlSchema = z
  .url({ protocol: /^https?$/, error: "must be 'direct' or the proxy's http:// or https:// URL" })
  .max(2048, "must be at most 2048 characters")
  .refine((value) => {
    const url = URL.canParse(value) ? new URL(value) : null;
    return !url || ((url.pathname === "/" || url.pathname === "") && !url.search && !url.hash);
  }, "must be the proxy's address alone (no path, query or fragment)");

export const endpointProxySchema = z
  .union([z.literal("direct"), proxyUrlSchema])
  .nullable()
  .describe(
    "HTTP CONNECT proxy for this endpoint: its URL, 'direct' for none, or null for HERALD_EGRESS_PROXY (if set). A password in the URL is read back masked",
  );

/** The proxy as shown: its password (if any) masked. */
export function maskProxy(proxy: string): string {
  if (proxy === "direct" || !URL.canParse(proxy)) return proxy;
  const url = new URL(proxy);
  if (!url.password) return proxy;
  url.password = MASK;
  return url.toString().replace(/\/$/, "");
}

export const clientTlsViewSchema = z.object({
  clientCertificate: z.string(),
  clientKey: z.string().describe("Always masked"),
  ca: z.string().nullable(),
});
