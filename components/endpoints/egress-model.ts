import type { Endpoint } from "@/lib/client/types";
import { MASK } from "@/lib/mask";

// The endpoint form's Egress section: how an HTTP endpoint's requests leave Herald (a proxy
// override, a TLS client certificate). The client key is write-only: the API reads it back
// masked, and sending the mask keeps the stored key.

export type EgressFormValues = {
  proxyMode: "inherit" | "direct" | "url";
  proxyUrl: string;
  clientCertificateEnabled: boolean;
  clientCertificate: string;
  /** A new key typed in; empty with keyStored = keep the stored one. */
  clientKey: string;
  keyStored: boolean;
  ca: string;
};

export const emptyEgressForm: EgressFormValues = {
  proxyMode: "inherit",
  proxyUrl: "",
  clientCertificateEnabled: false,
  clientCertificate: "",
  clientKey: "",
  keyStored: false,
  ca: "",
};

export const EGRESS_LABELS = {
  "egress.proxyUrl": "Proxy URL",
  "egress.clientCertificate": "Client certificate",
  "egress.clientKey": "Client key",
  "egress.ca": "CA certificates",
} as const;

export function egressFromEndpoint(endpoint: Endpoint): EgressFormValues {
  const proxy = endpoint.proxy ?? null;
  const tls = endpoint.tls ?? null;
  return {
    proxyMode: proxy === null ? "inherit" : proxy === "direct" ? "direct" : "url",
    // A password in it comes back masked; sent back as-is it keeps the stored one.
    proxyUrl: proxy && proxy !== "direct" ? proxy : "",
    clientCertificateEnabled: tls !== null,
    clientCertificate: tls?.clientCertificate ?? "",
    clientKey: "",
    keyStored: tls !== null,
    ca: tls?.ca ?? "",
  };
}

/** The API fields for the section: left out on create when unset, null on edit to clear. */
export function egressBody(values: EgressFormValues, mode: "create" | "edit") {
  const unset = mode === "edit" ? null : undefined;
  const proxy =
    values.proxyMode === "inherit"
      ? unset
      : values.proxyMode === "direct"
        ? "direct"
        : values.proxyUrl.trim();
  const tls = values.clientCertificateEnabled
    ? {
        clientCertificate: values.clientCertificate.trim(),
        clientKey: values.keyStored && values.clientKey.trim() === "" ? MASK : values.clientKey,
        ca: values.ca.trim() || null,
      }
    : unset;
  return { proxy, tls };
}

/** Where the form shows an API egress field's problem. */
export function egressFieldOf(apiField: string): string | null {
  if (apiField === "proxy") return "egress.proxyUrl";
  if (apiField === "tls" || apiField === "tls.clientCertificate") return "egress.clientCertificate";
  if (apiField === "tls.clientKey") return "egress.clientKey";
  if (apiField === "tls.ca") return "egress.ca";
  return null;
}
