import { json, pageQuery, route } from "@/lib/api/handler";
import { requireUnrestricted } from "@/lib/auth/principal";
import { createApiToken, listApiTokens } from "@/lib/services/api-tokens";
import { createApiTokenSchema } from "@/lib/validation/api-tokens";

export const GET = route({ scope: "write", query: pageQuery }, ({ principal, query }) => {
  requireUnrestricted(principal);
  return listApiTokens(query);
});

export const POST = route(
  { scope: "write", body: createApiTokenSchema },
  async ({ principal, body }) => {
    requireUnrestricted(principal);
    return json(await createApiToken(principal, body), 201);
  },
);
