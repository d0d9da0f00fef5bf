import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { getEndpointStats } from "@/lib/services/endpoint-stats";
import { endpointStatsQuery } from "@/lib/validation/deliveries";

export const GET = route(
  { scope: "read", query: endpointStatsQuery },
  ({ principal, params, query }) => {
    requireAppAccess(principal, params.appId);
    return getEndpointStats(params.appId, params.endpointId, query);
  },
);
