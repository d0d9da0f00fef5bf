import { route } from "@/lib/api/handler";
import { requireAppAccess } from "@/lib/auth/principal";
import { rotateAppSecret } from "@/lib/services/apps";
import { rotateSecretSchema } from "@/lib/validation/apps";

export const POST = route(
  { scope: "write", body: rotateSecretSchema },
  ({ principal, params, body }) => {
    requireAppAccess(principal, params.appId);
    return rotateAppSecret(principal, params.appId, body.graceSeconds);
  },
);
