import { route } from "@/lib/api/handler";
import { buildOpenApiDocument } from "@/lib/api/openapi";

// Needs the read scope like every other management route (SPEC section 8: only health and intake
// are public).
export const GET = route({ scope: "read" }, async () => buildOpenApiDocument());
