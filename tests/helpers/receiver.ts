import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP server on 127.0.0.1 that records every request and answers as scripted.

export type ReceivedRequest = {
  method: string;
  path: string;
  /** Lowercase names, as Node (and the pusher SDK) see them. */
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
};

export type ScriptedResponse = {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
};
/** index = how many requests this path had before this one. */
export type Script = (request: ReceivedRequest, index: number) => ScriptedResponse | undefined;

export type Receiver = {
  url: (path: string) => string;
  requests: ReceivedRequest[];
  at: (path: string) => ReceivedRequest[];
  /** Scripts per path; unscripted paths answer 200. */
  script: (path: string, script: Script) => void;
  close: () => Promise<void>;
};

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startReceiver(): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, Script>();
  const server: Server = createServer((req, res) => {
    // A request handler cannot be async: its promise would be dropped by node:http.
    void (async () => {
      const body = await readAll(req);
      const path = (req.url ?? "/").split("?")[0]!;
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(", ") : (value ?? ""),
        ]),
      );
      const request: ReceivedRequest = {
        method: req.method ?? "",
        path,
        headers,
        body,
        receivedAt: Date.now(),
      };
      const index = requests.filter((entry) => entry.path === path).length;
      requests.push(request);
      const response = scripts.get(path)?.(request, index) ?? {};
      if (response.delayMs) await new Promise((resolve) => setTimeout(resolve, response.delayMs));
      res.writeHead(response.status ?? 200, { "content-type": "text/plain", ...response.headers });
      res.end(response.body ?? "ok");
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    at: (path) => requests.filter((request) => request.path === path),
    script: (path, script) => void scripts.set(path, script),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until check() returns a truthy value, or fails with the last value seen. */
type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

export async function eventually<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last) return last as Truthy<T>;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out waiting for ${options.what ?? "condition"}; last value: ${JSON.stringify(last)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** The event objects a path received, flattened across request bodies. */
export function receivedEvents(requests: ReceivedRequest[]): Record<string, unknown>[] {
  return requests.flatMap(
    (request) => (JSON.parse(request.body) as { events: Record<string, unknown>[] }).events,
  );
}
