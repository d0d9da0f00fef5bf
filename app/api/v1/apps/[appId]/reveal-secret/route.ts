import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { revealAppSecret } from "@/lib/services/apps";

// The app secret in full, on demand (write scope: a read-only token never sees it); audited.
export const POST = route<{ appId: string }>({ scope: "write" }, ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  return revealAppSecret(principal, params.appId);
});
