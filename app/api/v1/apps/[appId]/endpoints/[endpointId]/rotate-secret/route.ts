import { route } from "@/lib/api/handler";
import { rotateEndpointSecret } from "@/lib/services/endpoints";
import { rotateEndpointSecretSchema } from "@/lib/validation/endpoints";

export const POST = route(
  { scope: "write", app: true, body: rotateEndpointSecretSchema },
  ({ principal, params, body }) => {
    return rotateEndpointSecret(principal, params.appId, params.endpointId, body.graceSeconds);
  },
);
