import { json, pageQuery, route } from "@/lib/api/handler";
import { createEndpoint, listEndpoints } from "@/lib/services/endpoints";
import { createEndpointSchema } from "@/lib/validation/endpoints";

export const GET = route({ scope: "read", app: true, query: pageQuery }, ({ params, query }) => {
  return listEndpoints(params.appId, query);
});

export const POST = route(
  { scope: "write", app: true, body: createEndpointSchema },
  async ({ principal, params, body }) => {
    return json(await createEndpoint(principal, params.appId, body), 201);
  },
);
