import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { listDeliveries } from "@/lib/services/deliveries";
import { deliveriesQuery } from "@/lib/validation/deliveries";

export const GET = route(
  { scope: "read", query: deliveriesQuery },
  ({ principal, params, query }) => {
    requireAppAccess(principal, params.appId);
    return listDeliveries(params.appId, query);
  },
);
