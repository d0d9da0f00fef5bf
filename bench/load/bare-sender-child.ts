import { createHmac, randomUUID } from "node:crypto";
import { Agent, request } from "undici";
import { percentiles, type Percentiles } from "./stats";

// The bare sender: the unavoidable work of a webhook sender and nothing else, in its own process
// (forked by bench/load/forked.ts) against the benchmark's receiver. undici `request` over one
// keep-alive pool with a fixed number of requests in flight; each request gets a fresh body in
// Herald's shape (`{time_ms, events}`), the Pusher signature and the Standard Webhooks one (the
// benchmark's endpoints have both on), and Herald's own headers. No database, no queue: what a
// delivery engine on this machine could reach if storing and scheduling cost nothing.

export type BareSenderOptions = {
  url: string;
  durationSeconds: number;
  inFlight: number;
  eventsPerRequest: number;
};

export type BareSenderResult = {
  durationSeconds: number;
  requests: number;
  ok2xx: number;
  failed: number;
  events: number;
  requestsPerSecond: number;
  eventsPerSecond: number;
  latencyMs: Percentiles;
};

const APP_KEY = "bench-key";
const APP_SECRET = "bench-secret-0123456789abcdef";
// A Standard Webhooks secret is `whsec_` + base64 of the key bytes; HMAC takes the decoded bytes.
const STANDARD_WEBHOOKS_KEY = Buffer.from("bench-standard-webhooks-key-0123", "utf8");

type Sequence = { next: number };

/** A body like Herald's: client events whose data carries a sequence number the receiver counts. */
function webhookBody(sequence: Sequence, count: number): string {
  const events = [];
  for (let index = 0; index < count; index++) {
    events.push({
      name: "client_event",
      channel: "private-bench-bare",
      event: "client-bench",
      data: JSON.stringify({ s: sequence.next++ }),
      socket_id: "1234.5678",
      user_id: "bench-user",
    });
  }
  return JSON.stringify({ time_ms: Date.now(), events });
}

function signedHeaders(body: string): Record<string, string> {
  const deliveryId = randomUUID();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const standardSignature = createHmac("sha256", STANDARD_WEBHOOKS_KEY)
    .update(`${deliveryId}.${timestamp}.${body}`)
    .digest("base64");
  return {
    "User-Agent": "Herald-Webhooks/1.0",
    "Content-Type": "application/json",
    "X-Pusher-Key": APP_KEY,
    "X-Pusher-Signature": createHmac("sha256", APP_SECRET).update(body).digest("hex"),
    "webhook-id": deliveryId,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${standardSignature}`,
    "X-Herald-Delivery-Id": deliveryId,
    "X-Herald-Attempt": "1",
  };
}

async function run(options: BareSenderOptions): Promise<BareSenderResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000 });
  const sequence: Sequence = { next: 0 };
  const latencies: number[] = [];
  let ok2xx = 0;
  let failed = 0;
  let events = 0;
  const startedAt = performance.now();
  const deadline = startedAt + options.durationSeconds * 1000;
  async function lane() {
    while (performance.now() < deadline) {
      const body = webhookBody(sequence, options.eventsPerRequest);
      const sentAt = performance.now();
      try {
        const response = await request(options.url, {
          method: "POST",
          headers: signedHeaders(body),
          body,
          dispatcher: agent,
        });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) {
          ok2xx++;
          events += options.eventsPerRequest;
        } else failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - sentAt);
    }
  }
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  const durationSeconds = (performance.now() - startedAt) / 1000;
  await agent.close();
  return {
    durationSeconds,
    requests: ok2xx + failed,
    ok2xx,
    failed,
    events,
    requestsPerSecond: ok2xx / durationSeconds,
    eventsPerSecond: events / durationSeconds,
    latencyMs: percentiles(latencies),
  };
}

process.once("message", (options: BareSenderOptions) => {
  run(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.message }, () => process.exit(1)),
  );
});
