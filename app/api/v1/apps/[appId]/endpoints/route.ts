import { json, pageQuery, route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { createEndpoint, listEndpoints } from "@/lib/services/endpoints";
import { createEndpointSchema } from "@/lib/validation/endpoints";

export const GET = route({ scope: "read", query: pageQuery }, ({ principal, params, query }) => {
  requireAppAccess(principal, params.appId);
  return listEndpoints(params.appId, query);
});

export const POST = route(
  { scope: "write", body: createEndpointSchema },
  async ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return json(await createEndpoint(principal, params.appId, body), 201);
  },
);
