import { AppError } from "@/lib/errors";
import { errorResponse } from "@/lib/api/handler";

// Any /api URL that no route matches answers in the API's JSON error shape, not an HTML page.
function unknownRoute(req: Request): Response {
  const { pathname } = new URL(req.url);
  return errorResponse(new AppError("not_found", `No API route matches ${req.method} ${pathname}`));
}

export {
  unknownRoute as GET,
  unknownRoute as POST,
  unknownRoute as PUT,
  unknownRoute as PATCH,
  unknownRoute as DELETE,
};
