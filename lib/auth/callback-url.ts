/**
 * Where to go after signing in: only a path on this site. "//host/x" and "/\host/x" start with a
 * slash too, but a browser reads them as another site (an open redirect).
 */
export function pathOnThisSite(callbackUrl: string | undefined): string {
  const base = "http://herald.invalid";
  if (!callbackUrl?.startsWith("/")) return "/";
  try {
    const url = new URL(callbackUrl, base);
    // Dot segments resolved ("/.//host" is "//host" now) it must still be a path, not a host.
    if (url.origin === base && !url.pathname.startsWith("//")) return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    // not a URL at all
  }
  return "/";
}
