import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { env } from "./env";
import { AppError } from "./errors";

// Secrets at rest: AES-256-GCM with HERALD_ENCRYPTION_KEY, stored as "v1.<iv>.<tag>.<ciphertext>".
const VERSION = "v1";

function key(): Buffer {
  return Buffer.from(env.HERALD_ENCRYPTION_KEY, "base64");
}

/**
 * `withKey` (base64, default HERALD_ENCRYPTION_KEY): another key, as a database from another
 * install has.
 */
export function encryptSecret(plaintext: string, withKey?: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(
    "aes-256-gcm",
    withKey ? Buffer.from(withKey, "base64") : key(),
    iv,
  );
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    ciphertext.toString("base64url"),
  ].join(".");
}

/**
 * What a rotation keeps of the secret it replaces: the stored (encrypted) secret and when it stops
 * being accepted, or nothing when there is no grace period.
 */
export function previousSecret(
  stored: string,
  graceSeconds: number,
): { encrypted: string | null; expiresAt: Date | null } {
  if (graceSeconds <= 0) return { encrypted: null, expiresAt: null };
  return { encrypted: stored, expiresAt: new Date(Date.now() + graceSeconds * 1000) };
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(".");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined)
    throw new Error("Unreadable encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([
    decipher.update(Buffer.from(ciphertext, "base64url")),
    decipher.final(),
  ]).toString("utf8");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Decrypts a stored secret to show it, or explains (409) that HERALD_ENCRYPTION_KEY cannot. */
export function decryptStored(stored: string, owner: string): string {
  try {
    return decryptSecret(stored);
  } catch {
    throw new AppError(
      "conflict",
      `The secret of ${owner} was encrypted with another HERALD_ENCRYPTION_KEY and cannot be revealed; rotate it`,
    );
  }
}
