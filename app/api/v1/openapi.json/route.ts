import { route } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";

// Public, like health and intake: the contract holds no secrets, and Swagger UI or a client
// generator should be able to read it without a token.
export const GET = route({ scope: null }, async () => buildOpenApiDocument());
