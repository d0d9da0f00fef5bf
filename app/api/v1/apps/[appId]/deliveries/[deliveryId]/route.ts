import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { getDelivery } from "@/lib/services/deliveries";

export const GET = route({ scope: "read" }, ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  return getDelivery(params.appId, params.deliveryId);
});
