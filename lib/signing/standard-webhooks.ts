import { createHmac } from "node:crypto";

// Standard Webhooks (standardwebhooks.com): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
// secret, space separated during a rotation; the key is the base64 after `whsec_`.
// Signed with node:crypto, not the official package's `Webhook.sign`: that one hashes in
// JavaScript (fast-sha256), which took 6.5 % of the worker's CPU per unbatched delivery
// (bench/RESULTS.md). The tests check these signatures against the official package.

export type StandardWebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

const SECRET_PREFIX = "whsec_";

/** `v1,<signature>` of `body` sent as message `messageId` at `seconds` (Unix time). */
export function standardWebhookSignature(
  secret: string,
  messageId: string,
  seconds: number,
  body: string,
): string {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    "base64",
  );
  // As the official package: an empty key signs nothing.
  if (key.length === 0) throw new Error("Secret can't be empty.");
  return `v1,${createHmac("sha256", key).update(`${messageId}.${seconds}.${body}`).digest("base64")}`;
}

export function standardWebhookHeaders(
  secrets: string[],
  messageId: string,
  body: string,
  now = new Date(),
): StandardWebhookHeaders {
  // The spec signs whole seconds: header and signature use the same second.
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(seconds),
    "webhook-signature": secrets
      .map((secret) => standardWebhookSignature(secret, messageId, seconds, body))
      .join(" "),
  };
}
