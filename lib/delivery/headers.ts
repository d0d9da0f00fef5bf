import { MASK } from "../mask";
import { pusherSignature } from "../signing/pusher";
import { standardWebhookHeaders } from "../signing/standard-webhooks";
import { isReservedHeader } from "../validation/endpoints";

// Outgoing request headers (docs/engine.md#wire-format). Custom headers go in first and can never
// replace the content type, the Pusher or Standard Webhooks headers, or Herald's own (validation
// refuses them on save; this skip covers rows stored before a name was reserved).

const USER_AGENT = "Herald-Webhooks/1.0";

export type SigningInput = {
  body: string;
  appKey: string;
  appSecret: string;
  deliveryId: string;
  attemptNumber: number;
  customHeaders: Record<string, string>;
  /** null when the endpoint has Standard Webhooks off. */
  standardWebhookSecrets: string[] | null;
  now?: Date;
};

export function buildRequestHeaders(input: SigningInput): Record<string, string> {
  const headers: Record<string, string> = { "User-Agent": USER_AGENT };
  for (const [name, value] of Object.entries(input.customHeaders)) {
    if (isReservedHeader(name)) continue;
    if (name.toLowerCase() === "user-agent") delete headers["User-Agent"];
    headers[name] = value;
  }
  headers["Content-Type"] = "application/json";
  headers["X-Pusher-Key"] = input.appKey;
  headers["X-Pusher-Signature"] = pusherSignature(input.appSecret, input.body);
  if (input.standardWebhookSecrets?.length) {
    Object.assign(
      headers,
      standardWebhookHeaders(input.standardWebhookSecrets, input.deliveryId, input.body, input.now),
    );
  }
  headers["X-Herald-Delivery-Id"] = input.deliveryId;
  headers["X-Herald-Attempt"] = String(input.attemptNumber);
  return headers;
}

/** What the attempt log keeps: signatures and every custom header value masked. */
export function maskRequestHeaders(
  headers: Record<string, string>,
  customHeaders: Record<string, string>,
): Record<string, string> {
  const custom = new Set(Object.keys(customHeaders).map((name) => name.toLowerCase()));
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    masked[name] =
      lower === "x-pusher-signature" || lower === "webhook-signature" || custom.has(lower)
        ? MASK
        : value;
  }
  return masked;
}
