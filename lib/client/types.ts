import type { ChannelType } from "../channels";
// The JSON the REST API returns (SPEC section 8), as the dashboard reads it.

export type Batching = { enabled: boolean; durationMs: number; maxBatchSize: number };

export type App = {
  id: string;
  name: string;
  key: string;
  secret: string;
  enabled: boolean;
  batching: Batching;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
};

// Shapes the server already defines are imported as types only (erased from the browser bundle).
export type { AppOverview } from "../validation/overview";
export type { ChannelType };

export type ChannelFilter = {
  channelType?: ChannelType | null;
  channelPrefix?: string | null;
  channelSuffix?: string | null;
  channelPattern?: string | null;
};

type LambdaTarget = {
  functionName: string;
  region?: string | null;
  invocationType: "Event" | "RequestResponse";
  qualifier?: string | null;
  endpointUrl?: string | null;
};

export type Endpoint = {
  id: string;
  appId: string;
  description: string;
  url?: string | null;
  lambda?: LambdaTarget | null;
  eventTypes: string[];
  filter: ChannelFilter;
  headers: Record<string, string>;
  enabled: boolean;
  disabledReason?: string | null;
  /** Herald disabled it (410 Gone, failures in a row), not a person or token. */
  disabledAutomatically?: boolean;
  disabledAt?: string | null;
  timeoutMs?: number | null;
  retry?: { scheduleSeconds: number[]; maxAgeSeconds?: number | null } | null;
  rateLimit?: { perSecond: number } | null;
  batching?: Batching | null;
  standardWebhooks: { enabled: boolean; secret: string; previousSecretExpiresAt?: string | null };
  createdAt: string;
  updatedAt: string;
};

export type EndpointInput = {
  description?: string;
  url?: string | null;
  lambda?: LambdaTarget | null;
  eventTypes: string[];
  filter?: ChannelFilter;
  headers?: Record<string, string>;
  enabled?: boolean;
  timeoutMs?: number | null;
  retry?: { scheduleSeconds: number[]; maxAgeSeconds?: number | null } | null;
  rateLimit?: { perSecond: number } | null;
  batching?: Batching | null;
  standardWebhooks?: { enabled: boolean };
};

type DeliveryStatus = "pending" | "delivering" | "succeeded" | "retrying" | "failed" | "cancelled";

export type Attempt = {
  id?: string;
  number: number;
  trigger: "auto" | "manual";
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
  startedAt: string;
};

export type Delivery = {
  id: string;
  appId: string;
  /** null once the endpoint was deleted (its deliveries stay in the log). */
  endpointId: string | null;
  eventIds: string[];
  eventNames?: string[];
  channels?: string[];
  status: DeliveryStatus;
  /** Sent by the endpoint's Test button; Recover skips it. */
  test?: boolean;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt?: string | null;
  lastResponseStatus?: number | null;
  lastError?: string | null;
  body?: string;
  createdAt: string;
  updatedAt?: string;
  attempts?: Attempt[];
};

export type EventType = {
  name: string;
  description: string;
  schema: unknown | null;
  builtIn: boolean;
  createdAt?: string;
  updatedAt?: string;
};

export type ApiToken = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  appId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  token?: string;
};

export type AuditEntry = {
  id: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  appId: string | null;
  changes: Record<string, unknown> | null;
  createdAt: string;
};

export type BackgroundJob = {
  id: string;
  type: string;
  status: "queued" | "running" | "succeeded" | "failed";
  total: number;
  processed: number;
  progress?: number;
  result?: unknown;
  error?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
};

export type StatsBucket = {
  start: string;
  attempts: number;
  succeeded: number;
  failed: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
};

export type EndpointStats = {
  endpointId: string;
  window: string;
  since: string;
  until: string;
  bucketSeconds: number;
  deliveries: Record<string, number> & { total: number };
  successRate: number | null;
  attempts: { total: number; succeeded: number; failed: number };
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  buckets: StatsBucket[];
  recentFailures: Array<{
    attemptId: string;
    deliveryId: string;
    number: number;
    responseStatus: number | null;
    error: string | null;
    startedAt: string;
  }>;
};

export type TestResult = {
  deliveryId: string | null;
  status: DeliveryStatus | string;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number | null;
  error: string | null;
};
