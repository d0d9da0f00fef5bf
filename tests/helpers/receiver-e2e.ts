import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A webhook receiver on 127.0.0.1 for the e2e tests: records every request and answers with
// whatever status the test sets, so a test can make deliveries fail and then succeed.

export type ReceivedRequest = {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  events: Array<Record<string, unknown>>;
};

export type Receiver = {
  url: string;
  /** Answers 410 Gone, always. */
  goneUrl: string;
  requests: ReceivedRequest[];
  /** Status answered from now on (200 by default). */
  respondWith(status: number, body?: string): void;
  /** Answers this many ms late from now on (0 by default), to see a delivery in flight. */
  delay(ms: number): void;
  eventsNamed(name: string, channel?: string): ReceivedRequest[];
  close(): Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let status = 200;
  let responseBody = '{"ok":true}';
  let delayMs = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let events: Array<Record<string, unknown>> = [];
      try {
        events = (JSON.parse(body) as { events?: Array<Record<string, unknown>> }).events ?? [];
      } catch {
        events = [];
      }
      requests.push({ path: req.url ?? "/", headers: req.headers, body, events });
      // Any path ending in /gone answers 410, which makes Herald disable the endpoint.
      const gone = (req.url ?? "").endsWith("/gone");
      const [answer, answerBody] = [gone ? 410 : status, gone ? '{"error":"gone"}' : responseBody];
      setTimeout(() => {
        res.writeHead(answer, { "content-type": "application/json" });
        res.end(answerBody);
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    goneUrl: `http://127.0.0.1:${port}/hooks/gone`,
    requests,
    respondWith(next, body) {
      status = next;
      responseBody = body ?? (next < 300 ? '{"ok":true}' : '{"error":"receiver says no"}');
    },
    delay(ms) {
      delayMs = ms;
    },
    eventsNamed(name, channel) {
      return requests.filter((request) =>
        request.events.some(
          (event) => event.name === name && (!channel || event.channel === channel),
        ),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
