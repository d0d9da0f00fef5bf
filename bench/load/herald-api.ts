import { randomBytes } from "node:crypto";

// The benchmark talks to Herald only through its public REST API (README.md#rest-api), like a user.

export type Batching = { enabled: boolean; durationMs: number; maxBatchSize: number };

export class HeraldApi {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** An app with one HTTP endpoint for client_event, pointing at the receiver. */
  async createAppWithEndpoint(
    label: string,
    url: string | null,
    batching: Batching,
    ordering: "none" | "channel" = "none",
  ): Promise<{ appId: string; endpointId: string | null }> {
    const appId = `bench-${label}-${randomBytes(3).toString("hex")}`;
    await this.request("POST", "/api/v1/apps", { id: appId, name: `Benchmark ${label}`, batching });
    if (!url) return { appId, endpointId: null };
    const endpoint = await this.request<{ id: string }>("POST", `/api/v1/apps/${appId}/endpoints`, {
      description: `benchmark ${label}`,
      url,
      eventTypes: ["client_event"],
      batching,
      ordering,
    });
    return { appId, endpointId: endpoint.id };
  }

  ingestPath(appId: string): string {
    return `/api/v1/apps/${appId}/events`;
  }
}

/**
 * A bulk ingest body; each event's data carries its sequence number and send time for the receiver.
 */
export function bulkBody(
  channel: string,
  firstSequence: number,
  count: number,
  withSendTime: boolean,
  channelPerEvent = false,
): string {
  const now = Date.now();
  const events = Array.from({ length: count }, (_, index) => ({
    name: "client_event",
    channel: channelPerEvent ? `${channel}-${firstSequence + index}` : channel,
    event: "client-bench",
    data: withSendTime ? { s: firstSequence + index, t: now } : { s: firstSequence + index },
    socket_id: "1234.5678",
    user_id: "bench-user",
  }));
  return JSON.stringify({ events });
}

export type BulkIngestResult = {
  events: number;
  requests: number;
  firstSentAtMs: number;
  lastAcceptedAtMs: number;
  rejected: string[];
};

/**
 * Posts `total` events in requests of `perRequest`, `concurrency` requests at a time, and resolves
 * when every request is answered. Rejected requests are collected, not retried.
 */
export async function ingestInBulk(
  api: HeraldApi,
  appId: string,
  options: {
    total: number;
    perRequest: number;
    concurrency: number;
    channel: string;
    withSendTime?: boolean;
    /** Each event on a channel of its own (`<channel>-<sequence>`). */
    channelPerEvent?: boolean;
  },
): Promise<BulkIngestResult> {
  const url = `${api.baseUrl}${api.ingestPath(appId)}`;
  const batches = Math.ceil(options.total / options.perRequest);
  let nextBatch = 0;
  let accepted = 0;
  const rejected: string[] = [];
  const firstSentAtMs = Date.now();
  async function lane() {
    while (nextBatch < batches) {
      const batch = nextBatch++;
      const first = batch * options.perRequest;
      const count = Math.min(options.perRequest, options.total - first);
      const response = await fetch(url, {
        method: "POST",
        headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
        body: bulkBody(
          options.channel,
          first,
          count,
          options.withSendTime ?? true,
          options.channelPerEvent,
        ),
      });
      const text = await response.text();
      if (response.status === 202) accepted += count;
      else rejected.push(`${response.status}: ${text.slice(0, 200)}`);
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return {
    events: accepted,
    requests: batches,
    firstSentAtMs,
    lastAcceptedAtMs: Date.now(),
    rejected,
  };
}
