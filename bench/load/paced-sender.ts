import http from "node:http";
import { percentiles, type Percentiles } from "./stats";

// Sends single-event ingest requests at a steady rate (open loop: one every 1000/rate ms on an
// absolute schedule, not bursts). autocannon's rate limit sends each second's quota as fast as it
// can and then idles, which would measure queueing, not steady-state latency.
// Each event's data carries its sequence number and send time ({"s", "t"}) for the receiver.

export type PacedOptions = {
  url: string;
  token: string;
  ratePerSecond: number;
  durationSeconds: number;
  channel: string;
  firstSequence: number;
};

export type PacedResult = {
  sent: number;
  accepted: number;
  failed: number;
  statusCodes: Record<string, number>;
  achievedRatePerSecond: number;
  /**
   * Requests answered per second until the last answer: below the sent rate, the server fell
   * behind.
   */
  completedRatePerSecond: number;
  latencyMs: Percentiles;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function postOne(options: PacedOptions, sequence: number): Promise<{ status: number; ms: number }> {
  const started = process.hrtime.bigint();
  const body = JSON.stringify({
    events: [
      {
        id: `lat-${sequence}-${Date.now()}`,
        name: "client_event",
        channel: options.channel,
        event: "client-bench",
        data: { s: sequence, t: Date.now() },
        socket_id: "1234.5678",
      },
    ],
  });
  return new Promise((resolve) => {
    const req = http.request(
      options.url,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${options.token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
          }),
        );
      },
    );
    req.on("error", () =>
      resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
    req.end(body);
  });
}

async function run(options: PacedOptions): Promise<PacedResult> {
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const intervalMs = 1000 / options.ratePerSecond;
  const startedAt = performance.now();
  const inFlight: Promise<{ status: number; ms: number }>[] = [];
  for (let index = 0; index < total; index++) {
    const dueAt = startedAt + index * intervalMs;
    const wait = dueAt - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(postOne(options, options.firstSequence + index));
  }
  const sendSeconds = (performance.now() - startedAt) / 1000;
  const responses = await Promise.all(inFlight);
  const answerSeconds = (performance.now() - startedAt) / 1000;
  const statusCodes: Record<string, number> = {};
  for (const response of responses)
    statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
  const accepted = responses.filter((response) => response.status === 202).length;
  return {
    sent: total,
    accepted,
    failed: total - accepted,
    statusCodes,
    achievedRatePerSecond: total / sendSeconds,
    completedRatePerSecond: total / answerSeconds,
    latencyMs: percentiles(
      responses.filter((response) => response.status === 202).map((response) => response.ms),
    ),
  };
}

process.once("message", (options: PacedOptions) => {
  run(options).then(
    (result) => process.send?.({ result }, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.message }, () => process.exit(1)),
  );
});
