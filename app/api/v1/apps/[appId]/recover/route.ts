import { json, route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { startRecovery } from "@/lib/services/recovery";
import { recoverSchema, type RecoverInput } from "@/lib/validation/delivery-actions";

// Recover across the app: the failed deliveries of every endpoint that is enabled now.
export const POST = route<{ appId: string }, RecoverInput>(
  { scope: "write", body: recoverSchema },
  async ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return json(await startRecovery(principal, params.appId, null, body), 202);
  },
);
