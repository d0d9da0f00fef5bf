import { route } from "@/lib/api/handler";
import { getDelivery } from "@/lib/services/deliveries";

export const GET = route({ scope: "read", app: true }, ({ params }) => {
  return getDelivery(params.appId, params.deliveryId);
});
