import { route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { revokeApiToken } from "@/lib/services/api-tokens";

/** Revokes the token; it stays listed (with revokedAt) for the audit trail. */
export const DELETE = route({ scope: "write" }, ({ principal, params }) => {
  requireUnrestricted(principal);
  return revokeApiToken(principal, params.tokenId);
});
