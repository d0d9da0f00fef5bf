/**
 * Where to go after signing in: only a path on this site. "//host/x" and "/\host/x" start with a
 * slash too, but a browser reads them as another site (an open redirect).
 */
export function pathOnThisSite(callbackUrl: string | string[] | undefined): string {
  const base = "http://herald.invalid";
  // A repeated query parameter arrives as an array: not a path.
  if (typeof callbackUrl !== "string" || !callbackUrl.startsWith("/")) return "/";
  try {
    const url = new URL(callbackUrl, base);
    // Dot segments resolved ("/.//host" is "//host" now) it must still be a path, not a host.
    if (url.origin === base && !url.pathname.startsWith("//"))
      return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    // not a URL at all
  }
  return "/";
}

/**
 * Request header the proxy (proxy.ts) sets to the page's path, so server layouts know where a
 * visitor was going.
 */
export const PAGE_PATH_HEADER = "x-herald-page-path";

/** The login page, with the way back to `path` (a path on this site, else none). */
export function loginUrl(path: string | null | undefined): string {
  const callbackUrl = pathOnThisSite(path ?? undefined);
  return callbackUrl === "/" ? "/login" : `/login?callbackUrl=${encodeURIComponent(callbackUrl)}`;
}
