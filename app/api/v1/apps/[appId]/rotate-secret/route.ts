import { route } from "@/lib/api/handler";
import { rotateAppSecret } from "@/lib/services/apps";
import { rotateSecretSchema } from "@/lib/validation/apps";

export const POST = route(
  { scope: "write", app: true, body: rotateSecretSchema },
  ({ principal, params, body }) => {
    return rotateAppSecret(principal, params.appId, body);
  },
);
