// Secrets the API returned in full (create/rotate) handed from one page to the next in memory
// only, never in storage, and taken (deleted) when shown.
const pending = new Map<string, string>();

export function handOver(key: string, secret: string): void {
  pending.set(key, secret);
}

export function takeOver(key: string): string | null {
  const secret = pending.get(key) ?? null;
  pending.delete(key);
  return secret;
}
