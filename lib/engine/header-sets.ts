import { createHash } from "node:crypto";
import { db } from "../db";

// An attempt's request headers, kept once per distinct set (docs/engine.md#request-header-sets).
// Masked, every attempt of an endpoint sends the same headers but for a few values the attempt
// row already holds; a set keeps the rest once and names those, and reading fills them in again.
// Only a value that equals its derivation is left out, so headers read back are always exactly
// the headers recorded.

/** What an attempt row holds that its headers repeat. */
export type AttemptKeys = { deliveryId: string; number: number; startedAt: Date };

const DERIVED: Record<string, (attempt: AttemptKeys) => string> = {
  "X-Herald-Delivery-Id": (attempt) => attempt.deliveryId,
  "X-Herald-Attempt": (attempt) => String(attempt.number),
  "webhook-id": (attempt) => attempt.deliveryId,
  // Standard Webhooks signs whole seconds of the time the attempt started.
  "webhook-timestamp": (attempt) => String(Math.floor(attempt.startedAt.getTime() / 1000)),
};

export type HeaderSet = { headers: Record<string, string>; derived: string[] };

/** The set of `headers` sent by `attempt`: what they have in common with other attempts. */
export function headerSetOf(headers: Record<string, string>, attempt: AttemptKeys): HeaderSet {
  const set: HeaderSet = { headers: {}, derived: [] };
  for (const [name, value] of Object.entries(headers)) {
    const derive = Object.hasOwn(DERIVED, name) ? DERIVED[name] : undefined;
    if (derive && derive(attempt) === value) set.derived.push(name);
    else set.headers[name] = value;
  }
  set.derived.sort();
  return set;
}

/** The headers `attempt` sent, from its set. */
export function headersFromSet(set: HeaderSet, attempt: AttemptKeys): Record<string, string> {
  const headers = { ...set.headers };
  for (const name of set.derived) {
    const derive = Object.hasOwn(DERIVED, name) ? DERIVED[name] : undefined;
    if (derive) headers[name] = derive(attempt);
  }
  return headers;
}

/** A set's key: the first 128 bits of the sha256 of its content, as a UUID. */
export function headerSetDigest(set: HeaderSet): string {
  const hex = createHash("sha256")
    .update(JSON.stringify([Object.entries(set.headers).sort(), set.derived]))
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Digests this process has seen written: their sets are not sent to Postgres again. */
const written = new Set<string>();
const WRITTEN_MAX = 10_000;

/**
 * The sets of `sets` that this process has not written yet, one per digest, as JSON for the
 * recorder's statement (which inserts them with ON CONFLICT DO NOTHING); `commit` notes them as
 * written once that statement succeeded.
 */
export function newHeaderSets(
  sets: HeaderSet[],
  digests: string[],
): { json: string; commit: () => void } {
  const fresh = new Map<string, HeaderSet>();
  digests.forEach((digest, index) => {
    if (!written.has(digest)) fresh.set(digest, sets[index]!);
  });
  return {
    json: JSON.stringify([...fresh].map(([digest, set]) => ({ digest, ...set }))),
    commit: () => {
      if (written.size + fresh.size > WRITTEN_MAX) written.clear();
      for (const digest of fresh.keys()) written.add(digest);
    },
  };
}

/** The request headers of attempts as recorded, whether kept on the row or in a set. */
export async function attemptRequestHeaders(
  attempts: {
    deliveryId: string;
    number: number;
    startedAt: Date;
    requestHeaders: unknown;
    requestHeaderSet: string | null;
  }[],
): Promise<Record<string, string>[]> {
  const digests = [...new Set(attempts.flatMap((attempt) => attempt.requestHeaderSet ?? []))];
  const sets = new Map(
    digests.length > 0
      ? (
          await db.requestHeaderSet.findMany({
            where: { digest: { in: digests } },
            select: { digest: true, headers: true, derived: true },
          })
        ).map((set) => [set.digest, set])
      : [],
  );
  return attempts.map((attempt) => {
    const set = attempt.requestHeaderSet === null ? undefined : sets.get(attempt.requestHeaderSet);
    if (!set) return (attempt.requestHeaders ?? {}) as Record<string, string>;
    return headersFromSet(
      { headers: set.headers as Record<string, string>, derived: set.derived },
      attempt,
    );
  });
}
