import { Webhook } from "standardwebhooks";

// Standard Webhooks (standardwebhooks.com): `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` per
// secret, space separated during a rotation. The official package does the signing.

export type StandardWebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export function standardWebhookHeaders(
  secrets: string[],
  messageId: string,
  body: string,
  now = new Date(),
): StandardWebhookHeaders {
  // The spec signs whole seconds; pass a Date truncated to the second so header and signature
  // agree.
  const timestamp = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body));
  return {
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": signatures.join(" "),
  };
}
