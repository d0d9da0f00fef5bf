import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { deleteEndpoint, getEndpoint, updateEndpoint } from "@/lib/services/endpoints";
import { updateEndpointSchema } from "@/lib/validation/endpoints";

export const GET = route({ scope: "read" }, ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  return getEndpoint(params.appId, params.endpointId);
});

export const PATCH = route(
  { scope: "write", body: updateEndpointSchema },
  ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return updateEndpoint(principal, params.appId, params.endpointId, body);
  },
);

export const DELETE = route({ scope: "write" }, async ({ principal, params }) => {
  requireAppAccess(principal, params.appId);
  await deleteEndpoint(principal, params.appId, params.endpointId);
});
