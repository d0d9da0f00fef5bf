import { route } from "@/lib/api/handler";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/services/endpoints";
import { updateEndpointSchema } from "@/lib/validation/endpoints";

export const GET = route({ scope: "read", app: true }, ({ params }) => {
  return getEndpoint(params.appId, params.endpointId);
});

export const PATCH = route(
  { scope: "write", app: true, body: updateEndpointSchema },
  ({ principal, params, body }) => {
    return updateEndpoint(principal, params.appId, params.endpointId, body);
  },
);

export const DELETE = route({ scope: "write", app: true }, async ({ principal, params }) => {
  await deleteEndpoint(principal, params.appId, params.endpointId);
});
