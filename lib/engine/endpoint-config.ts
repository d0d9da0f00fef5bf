import { db } from "../db";
import { decryptSecret } from "../crypto";
import type { App, Endpoint } from "../generated/prisma/client";
import type { EndpointEgress } from "../delivery/types";

// Endpoint + app configuration and decrypted secrets, cached per worker process. An entry is used
// only while the endpoint's and the app's updated_at match what the claim just read from Postgres
// (so a disable, an edit or a secret rotation is seen at once), and for a few seconds at most.

export type EndpointWithApp = Endpoint & { app: App };

export type EndpointConfig = {
  endpoint: EndpointWithApp;
  appSecret: string;
  customHeaders: Record<string, string>;
  standardWebhookSecrets: string[];
  egress: EndpointEgress;
};

type Entry = {
  config: EndpointConfig;
  endpointUpdatedAt: number;
  appUpdatedAt: number;
  expiresAt: number;
};

const TTL_MS = 5000;
const cache = new Map<string, Entry>();

export type ConfigVersion = { endpointUpdatedAt: Date; appUpdatedAt: Date };

/** Decrypts what signing needs (the same rules as endpointSecrets() of the endpoints service). */
export function buildEndpointConfig(endpoint: EndpointWithApp, now: Date): EndpointConfig {
  const standardWebhookSecrets = [decryptSecret(endpoint.standardWebhooksSecretEncrypted)];
  const previous = endpoint.previousStandardWebhooksSecretEncrypted;
  const expiresAt = endpoint.previousStandardWebhooksSecretExpiresAt;
  if (previous && expiresAt && expiresAt > now)
    standardWebhookSecrets.push(decryptSecret(previous));
  const headers = endpoint.headersEncrypted
    ? (JSON.parse(decryptSecret(endpoint.headersEncrypted)) as Record<string, string>)
    : {};
  return {
    endpoint,
    appSecret: decryptSecret(endpoint.app.secretEncrypted),
    customHeaders: endpoint.kind === "http" ? headers : {},
    standardWebhookSecrets,
    egress: {
      proxy: endpoint.proxyEncrypted ? decryptSecret(endpoint.proxyEncrypted) : null,
      tls:
        endpoint.tlsClientCertificate && endpoint.tlsClientKeyEncrypted
          ? {
              cert: endpoint.tlsClientCertificate,
              key: decryptSecret(endpoint.tlsClientKeyEncrypted),
              ca: endpoint.tlsCa,
            }
          : null,
    },
  };
}

/**
 * What a deliver job sends with: the endpoint's configuration, or (when its secrets cannot be
 * decrypted, say with a changed HERALD_ENCRYPTION_KEY) the endpoint and why no request can be
 * built.
 */
export type PreparedEndpoint =
  | { endpoint: EndpointWithApp; config: EndpointConfig; problem?: undefined }
  | { endpoint: EndpointWithApp; config: null; problem: string };

/** The endpoint's configuration at `version` (from the claim), or null when it was deleted. */
export async function prepareEndpoint(
  endpointId: string,
  version: ConfigVersion,
): Promise<PreparedEndpoint | null> {
  const now = Date.now();
  const cached = cache.get(endpointId);
  if (
    cached &&
    cached.expiresAt > now &&
    cached.endpointUpdatedAt === version.endpointUpdatedAt.getTime() &&
    cached.appUpdatedAt === version.appUpdatedAt.getTime()
  ) {
    return { endpoint: cached.config.endpoint, config: cached.config };
  }
  const endpoint = await db.endpoint.findUnique({
    where: { id: endpointId },
    include: { app: true },
  });
  if (!endpoint) {
    cache.delete(endpointId);
    return null;
  }
  let config: EndpointConfig;
  try {
    config = buildEndpointConfig(endpoint, new Date(now));
  } catch (error) {
    cache.delete(endpointId);
    return {
      endpoint,
      config: null,
      problem: `Herald could not prepare the request: ${(error as Error).message}`,
    };
  }
  // A previous signing secret stops being used when its grace period ends.
  const previousExpiry = endpoint.previousStandardWebhooksSecretExpiresAt?.getTime() ?? Infinity;
  cache.set(endpointId, {
    config,
    endpointUpdatedAt: endpoint.updatedAt.getTime(),
    appUpdatedAt: endpoint.app.updatedAt.getTime(),
    expiresAt: Math.min(now + TTL_MS, previousExpiry > now ? previousExpiry : now + TTL_MS),
  });
  if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
  return { endpoint, config };
}
