import { createHash } from "node:crypto";
import { db } from "../db";
import { logger } from "../logger";

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

const derivationOf = (name: string) => (Object.hasOwn(DERIVED, name) ? DERIVED[name] : undefined);

/** The set of `headers` sent by `attempt`: what they have in common with other attempts. */
export function headerSetOf(headers: Record<string, string>, attempt: AttemptKeys): HeaderSet {
  const set: HeaderSet = { headers: {}, derived: [] };
  for (const [name, value] of Object.entries(headers)) {
    const derive = derivationOf(name);
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
    const derive = derivationOf(name);
    if (derive) headers[name] = derive(attempt);
  }
  return headers;
}

const byName = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

/** A set's key: the first 128 bits of the sha256 of its content, as a UUID. */
export function headerSetDigest(set: HeaderSet): string {
  // By name: the default sort turned every pair into a string on each comparison, most of this
  // function's cost. The order, so the digest, is the same unless a name continues another with
  // a character below ","; such a set gets a new digest, so one more row, never a wrong read.
  const hex = createHash("sha256")
    .update(JSON.stringify([Object.entries(set.headers).sort(byName), set.derived]))
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The distinct sets among `sets`, as JSON for the recorder's statement, which inserts them with
 * ON CONFLICT DO NOTHING. Sent every time, not remembered per process: a set is then in Postgres
 * whenever an attempt names it, even after a restore or a failover lost one.
 */
export function headerSetsJson(sets: HeaderSet[], digests: string[]): string {
  const distinct = new Map<string, HeaderSet>();
  digests.forEach((digest, index) => distinct.set(digest, sets[index]!));
  return JSON.stringify([...distinct].map(([digest, set]) => ({ digest, ...set })));
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
    if (!set) {
      if (attempt.requestHeaderSet !== null)
        logger.error(
          { digest: attempt.requestHeaderSet, deliveryId: attempt.deliveryId },
          "request header set not found; the attempt's request headers read as empty",
        );
      return (attempt.requestHeaders ?? {}) as Record<string, string>;
    }
    return inJsonbOrder(
      headersFromSet(
        { headers: set.headers as Record<string, string>, derived: set.derived },
        attempt,
      ),
    );
  });
}

/** Keys as a jsonb column returns them (shorter first, then by bytes): as attempts read before. */
function inJsonbOrder(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .map(([name, value]) => ({ name, value, bytes: Buffer.from(name) }))
      .sort((a, b) => a.bytes.length - b.bytes.length || Buffer.compare(a.bytes, b.bytes))
      .map(({ name, value }) => [name, value]),
  );
}
