import { createHmac } from "node:crypto";
import { safeEqual } from "../crypto";

// Pusher's webhook signature: lowercase hex HMAC-SHA256 of the exact body bytes, keyed with the
// app secret. The same function signs outgoing deliveries and verifies Pusher-compatible intake.

export function pusherSignature(secret: string, body: string | Buffer): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/** Constant-time check of a received X-Pusher-Signature against any of the accepted secrets. */
export function verifyPusherSignature(
  secrets: string[],
  body: string | Buffer,
  signature: string | null,
): boolean {
  if (!signature) return false;
  const received = signature.trim().toLowerCase();
  let valid = false;
  // Check every secret (no early exit) so timing does not reveal which one matched.
  for (const secret of secrets) valid = safeEqual(pusherSignature(secret, body), received) || valid;
  return valid;
}
