export const SCOPES = ["read", "write", "ingest", "metrics"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Whether `granted` includes `scope`. write implies read: a token that can change configuration can
 * also see it.
 */
export function hasScope(granted: ReadonlySet<Scope>, scope: Scope): boolean {
  return granted.has(scope) || (scope === "read" && granted.has("write"));
}
