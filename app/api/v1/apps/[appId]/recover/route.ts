import { json, route } from "@/lib/api/handler";
import { startRecovery } from "@/lib/services/recovery";
import { recoverSchema, type RecoverInput } from "@/lib/validation/delivery-actions";

// Recover across the app: the failed deliveries of every endpoint that is enabled now.
export const POST = route<{ appId: string }, RecoverInput>(
  { scope: "write", app: true, body: recoverSchema },
  async ({ principal, params, body }) => {
    return json(await startRecovery(principal, params.appId, null, body), 202);
  },
);
