import { route } from "@/lib/api/handler";
import { listDeliveries } from "@/lib/services/deliveries";
import { deliveriesQuery } from "@/lib/validation/deliveries";

export const GET = route(
  { scope: "read", app: true, query: deliveriesQuery },
  ({ params, query }) => {
    return listDeliveries(params.appId, query);
  },
);
