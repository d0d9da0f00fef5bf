import { route } from "@/lib/api/handler";
import { revealEndpointSecret } from "@/lib/services/endpoints";

// The endpoint's Standard Webhooks signing secret in full, on demand (write scope); audited.
export const POST = route<{ appId: string; endpointId: string }>(
  { scope: "write", app: true },
  ({ principal, params }) => {
    return revealEndpointSecret(principal, params.appId, params.endpointId);
  },
);
