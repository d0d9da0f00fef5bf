import { json, route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { redeliver } from "@/lib/services/redeliver";

export const POST = route<{ appId: string; deliveryId: string }>(
  { scope: "write" },
  async ({ principal, params }) => {
    requireAppAccess(principal, params.appId);
    return json(await redeliver(principal, params.appId, params.deliveryId), 202);
  },
);
