// The contract between the delivery engine and its transports (HTTP and AWS Lambda).

export type TransportRequest = {
  /** Exact body bytes; signed already, never re-serialised. */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
};

export type TransportResult = {
  /** HTTP status, or the Lambda invoke status; null when there was no response. */
  status: number | null;
  headers: Record<string, string> | null;
  /** Truncated to RESPONSE_BODY_LIMIT bytes. */
  body: string | null;
  /** Network failure, timeout or function error, as text; null on a response. */
  error: string | null;
  durationMs: number;
  /** Seconds from a Retry-After header, when present and valid. */
  retryAfterSeconds?: number | null;
};

export const RESPONSE_BODY_LIMIT = 16 * 1024;

export type LambdaConfig = {
  functionName: string;
  region?: string;
  invocationType: "Event" | "RequestResponse";
  qualifier?: string;
  endpointUrl?: string;
};

/** How an HTTP endpoint's requests leave: its proxy choice and its TLS client certificate. */
export type EndpointEgress = {
  /** "direct", a proxy URL, or null for HERALD_EGRESS_PROXY (direct when that is unset). */
  proxy: string | null;
  tls: { cert: string; key: string; ca: string | null } | null;
};
