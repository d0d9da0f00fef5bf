import { json, route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { startRecovery } from "@/lib/services/recovery";
import { recoverSchema, type RecoverInput } from "@/lib/validation/delivery-actions";

export const POST = route<{ appId: string; endpointId: string }, RecoverInput>(
  { scope: "write", body: recoverSchema },
  async ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return json(await startRecovery(principal, params.appId, params.endpointId, body), 202);
  },
);
