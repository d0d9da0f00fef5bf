import { route } from "@/lib/api/handler";
import { revealAppSecret } from "@/lib/services/apps";

// The app secret in full, on demand (write scope: a read-only token never sees it); audited.
export const POST = route<{ appId: string }>(
  { scope: "write", app: true },
  ({ principal, params }) => {
    return revealAppSecret(principal, params.appId);
  },
);
