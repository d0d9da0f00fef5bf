// Browsers and tools that skip <link rel="icon"> still ask for /favicon.ico: send them to the
// icon Next serves from app/icon.svg.
export function GET(): Response {
  return new Response(null, {
    status: 308,
    headers: { location: "/icon.svg", "cache-control": "public, max-age=86400" },
  });
}
