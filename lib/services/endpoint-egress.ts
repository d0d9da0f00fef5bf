import { decryptSecret, encryptSecret } from "../crypto";
import { validationError } from "../errors";
import { isMasked, MASK } from "../mask";
import type { Endpoint } from "../generated/prisma/client";
import { literalDestinationRefusal } from "../delivery/destinations";
import { clientKeyIssue, maskProxy, type ClientTlsInput } from "../validation/endpoint-egress";

// An endpoint's egress settings as stored (proxy and client key encrypted), as shown (proxy
// password and key masked), and as written on create and update (a masked value sent back keeps
// what is stored, as with header values).

type EgressInput = { proxy?: string | null; tls?: ClientTlsInput | null };

type EgressColumns = {
  proxyEncrypted?: string | null;
  tlsClientCertificate?: string | null;
  tlsClientKeyEncrypted?: string | null;
  tlsCa?: string | null;
};

const NO_EGRESS: Required<EgressColumns> = {
  proxyEncrypted: null,
  tlsClientCertificate: null,
  tlsClientKeyEncrypted: null,
  tlsCa: null,
};

export function presentEgress(endpoint: Endpoint) {
  return {
    proxy: endpoint.proxyEncrypted ? maskProxy(decryptSecret(endpoint.proxyEncrypted)) : null,
    tls: endpoint.tlsClientCertificate
      ? { clientCertificate: endpoint.tlsClientCertificate, clientKey: MASK, ca: endpoint.tlsCa }
      : null,
  };
}

/** The input as the audit log records it: the key and a proxy password masked. */
export function auditedEgress(input: EgressInput): Record<string, unknown> {
  return {
    ...(input.proxy !== undefined ? { proxy: input.proxy && maskProxy(input.proxy) } : {}),
    ...(input.tls !== undefined ? { tls: input.tls && { ...input.tls, clientKey: MASK } } : {}),
  };
}

function proxyColumn(proxy: string | null, stored: string | null): string | null {
  if (proxy === null) return null;
  // The masked value read back from the API stands for the stored proxy.
  if (stored && proxy === maskProxy(decryptSecret(stored))) return stored;
  if (proxy.includes(MASK))
    throw validationError("proxy", "holds the masked placeholder; send the real password");
  const host = proxy === "direct" ? null : new URL(proxy).hostname;
  // Like an endpoint URL: a proxy an API user names is judged by the private-address guard (one
  // the operator sets in HERALD_EGRESS_PROXY is not).
  const refusal = host && literalDestinationRefusal(host);
  if (refusal)
    throw validationError(
      "proxy",
      `points at ${host}, a private, loopback or link-local address Herald does not connect to; add it to HERALD_ALLOWED_DESTINATIONS to allow it`,
    );
  return encryptSecret(proxy);
}

function tlsColumns(tls: ClientTlsInput | null, storedKey: string | null): EgressColumns {
  if (tls === null) return { tlsClientCertificate: null, tlsClientKeyEncrypted: null, tlsCa: null };
  let keyEncrypted: string;
  if (isMasked(tls.clientKey)) {
    if (!storedKey)
      throw validationError(
        "tls.clientKey",
        "is the masked placeholder but no key is stored; send the PEM private key",
      );
    const issue = clientKeyIssue(tls.clientCertificate, decryptSecret(storedKey));
    if (issue) throw validationError("tls.clientKey", `(the stored key) ${issue}`);
    keyEncrypted = storedKey;
  } else {
    keyEncrypted = encryptSecret(tls.clientKey);
  }
  return {
    tlsClientCertificate: tls.clientCertificate,
    tlsClientKeyEncrypted: keyEncrypted,
    tlsCa: tls.ca ?? null,
  };
}

function refuseForLambda(input: EgressInput): void {
  if (input.proxy) throw validationError("proxy", "applies to URL endpoints only; remove it");
  if (input.tls) throw validationError("tls", "applies to URL endpoints only; remove it");
}

/** Columns of a new endpoint. */
export function egressOnCreate(input: EgressInput, kind: "http" | "lambda"): EgressColumns {
  if (kind === "lambda") {
    refuseForLambda(input);
    return NO_EGRESS;
  }
  return {
    proxyEncrypted: input.proxy === undefined ? null : proxyColumn(input.proxy, null),
    ...(input.tls ? tlsColumns(input.tls, null) : {}),
  };
}

/** Columns an update changes (none for fields it leaves out); a switch to Lambda clears them. */
export function egressOnUpdate(
  current: Endpoint,
  input: EgressInput,
  becomesLambda: boolean,
): EgressColumns {
  if (becomesLambda) {
    refuseForLambda(input);
    return current.kind === "lambda" ? {} : NO_EGRESS;
  }
  return {
    ...(input.proxy !== undefined
      ? { proxyEncrypted: proxyColumn(input.proxy, current.proxyEncrypted) }
      : {}),
    ...(input.tls !== undefined ? tlsColumns(input.tls, current.tlsClientKeyEncrypted) : {}),
  };
}
