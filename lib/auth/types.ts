import type { Scope } from "./scopes";

// The caller's identity, in a file of its own: services take a Principal (to audit and scope what
// they do) without importing the authentication code that builds one.

/**
 * Who is calling: a token (scoped, maybe to one app), the bootstrap token, or a dashboard session.
 */
export type Principal = {
  kind: "token" | "bootstrap" | "session" | "anonymous";
  id: string;
  scopes: Set<Scope>;
  /** When set, only this app is reachable. */
  appId: string | null;
  /** A token's own expiry: the tokens it creates may not outlive it. */
  expiresAt?: Date | null;
};
