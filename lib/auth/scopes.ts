export const SCOPES = ["read", "write", "ingest"] as const;
export type Scope = (typeof SCOPES)[number];
