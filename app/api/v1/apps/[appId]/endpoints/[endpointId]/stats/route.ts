import { route } from "@/lib/api/handler";
import { getEndpointStats } from "@/lib/services/endpoint-stats";
import { endpointStatsQuery } from "@/lib/validation/deliveries";

export const GET = route(
  { scope: "read", app: true, query: endpointStatsQuery },
  ({ params, query }) => {
    return getEndpointStats(params.appId, params.endpointId, query);
  },
);
