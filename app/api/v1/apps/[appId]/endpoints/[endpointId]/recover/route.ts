import { json, route } from "@/lib/api/handler";
import { startRecovery } from "@/lib/services/recovery";
import { recoverSchema, type RecoverInput } from "@/lib/validation/delivery-actions";

export const POST = route<{ appId: string; endpointId: string }, RecoverInput>(
  { scope: "write", app: true, body: recoverSchema },
  async ({ principal, params, body }) => {
    return json(await startRecovery(principal, params.appId, params.endpointId, body), 202);
  },
);
