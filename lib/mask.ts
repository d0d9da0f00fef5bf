// How secrets are shown when not in full: the same on the server (API responses) and in the
// dashboard (a secret just returned in full is kept out of the query cache). No imports, so the
// client bundle can use it.

export const MASK = "********";

/** Shows the last four characters of long secrets only, so short ones are never revealed. */
export function maskSecret(secret: string): string {
  return secret.length >= 16 ? `${MASK}${secret.slice(-4)}` : MASK;
}

export function isMasked(value: string): boolean {
  return value.startsWith(MASK);
}
