import { NextResponse, type NextRequest } from "next/server";
import { PAGE_PATH_HEADER } from "@/lib/auth/callback-url";

// A server layout is not told the URL it renders for: pass the page's path on, so the dashboard
// layout can send a signed-out visitor to /login with a callbackUrl back to it. Set here whatever
// the client sent (and login only follows paths on this site anyway).
export function proxy(request: NextRequest) {
  const url = request.nextUrl.clone();
  url.searchParams.delete("_rsc"); // the router's cache-buster on client navigations
  const headers = new Headers(request.headers);
  headers.set(PAGE_PATH_HEADER, `${url.pathname}${url.search}`);
  return NextResponse.next({ request: { headers } });
}

// Pages only: not the API, Next's assets or the icons.
export const config = {
  matcher: ["/((?!api/|_next/|favicon\\.ico|icon\\.svg).*)"],
};
