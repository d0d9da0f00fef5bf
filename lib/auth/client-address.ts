// The connecting address of a request, as the web server (server/index.ts) records it on every
// request (overwriting whatever a client sent under that name). Sign-in throttling counts by it.
export const CLIENT_ADDRESS_HEADER = "x-herald-client-address";

export function clientAddress(headers: Record<string, unknown> | undefined): string {
  const value = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof value === "string" && value ? value : "unknown";
}
