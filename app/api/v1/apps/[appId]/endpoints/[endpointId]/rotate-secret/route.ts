import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { rotateEndpointSecret } from "@/lib/services/endpoints";
import { rotateEndpointSecretSchema } from "@/lib/validation/endpoints";

export const POST = route(
  { scope: "write", body: rotateEndpointSecretSchema },
  ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return rotateEndpointSecret(principal, params.appId, params.endpointId, body.graceSeconds);
  },
);
