import { json, route } from "@/lib/api/handler";
import { redeliver } from "@/lib/services/redeliver";

export const POST = route<{ appId: string; deliveryId: string }>(
  { scope: "write", app: true },
  async ({ principal, params }) => {
    return json(await redeliver(principal, params.appId, params.deliveryId), 202);
  },
);
