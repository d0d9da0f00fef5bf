import { buildOpenApiDocument } from "./openapi";

// The `Allow` header of a 405 (RFC 9110 section 15.5.6 requires one). Next answers a method a route
// does not export before any Herald code runs and does not say which methods the route has, so
// they come from the OpenAPI document, which tests keep equal to the route files' exports.

type PathMethods = { pattern: RegExp; dynamicSegments: number; allow: string };

function buildTable(): PathMethods[] {
  return (
    Object.entries(buildOpenApiDocument().paths ?? {})
      .map(([template, item]) => {
        const methods = Object.keys(item ?? {})
          .filter((key) => ["get", "post", "put", "patch", "delete"].includes(key))
          .map((method) => method.toUpperCase());
        // Next implements OPTIONS for every route and HEAD for every route with GET.
        const allow = [...methods, "OPTIONS", ...(methods.includes("GET") ? ["HEAD"] : [])]
          .sort()
          .join(", ");
        const segments = template.split("/");
        const pattern = new RegExp(
          `^${segments.map((segment) => (/^\{.+\}$/.test(segment) ? "[^/]+" : escapeRegExp(segment))).join("/")}/?$`,
        );
        return {
          pattern,
          dynamicSegments: segments.filter((segment) => segment.startsWith("{")).length,
          allow,
        };
      })
      // No two documented paths overlap today; should they, the one with fewer parameters is taken.
      .sort((a, b) => a.dynamicSegments - b.dynamicSegments)
  );
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Built when the web server loads this module, not inside the first 405's writeHead. */
const table = buildTable();

/**
 * next-auth's own routes (app/api/auth/[...nextauth]) export GET and POST; they are not in the
 * document.
 */
const AUTH_ROUTES = /^\/api\/auth\//;

/**
 * "GET, HEAD, OPTIONS, POST" for a documented API path, or null for one the document does not list.
 */
export function allowedMethods(pathname: string): string | null {
  if (AUTH_ROUTES.test(pathname)) return "GET, HEAD, OPTIONS, POST";
  return table.find((entry) => entry.pattern.test(pathname))?.allow ?? null;
}

/**
 * The methods Next's route handlers can answer at all; any other (TRACE, CONNECT...) Next fails
 * with a 500.
 */
export const ROUTE_HANDLER_METHODS = new Set([
  "GET",
  "HEAD",
  "OPTIONS",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
]);
