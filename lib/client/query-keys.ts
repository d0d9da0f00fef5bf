// One place for react-query keys, so mutations invalidate exactly what they change.
export const keys = {
  apps: ["apps"] as const,
  overview: ["overview"] as const,
  app: (appId: string) => ["apps", appId] as const,
  endpoints: (appId: string) => ["apps", appId, "endpoints"] as const,
  endpoint: (appId: string, endpointId: string) =>
    ["apps", appId, "endpoints", endpointId] as const,
  stats: (appId: string, endpointId: string, window: string) =>
    ["apps", appId, "endpoints", endpointId, "stats", window] as const,
  deliveries: (appId: string) => ["apps", appId, "deliveries"] as const,
  delivery: (appId: string, deliveryId: string) => ["apps", appId, "delivery", deliveryId] as const,
  events: (appId: string) => ["apps", appId, "events"] as const,
  event: (appId: string, eventId: string) => ["apps", appId, "event", eventId] as const,
  eventTypes: ["event-types"] as const,
  apiTokens: ["api-tokens"] as const,
  auditLog: ["audit-log"] as const,
  job: (jobId: string) => ["jobs", jobId] as const,
};
