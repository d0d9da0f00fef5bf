import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import { call } from "./api";

// Herald's Pusher-compatible intake on a real HTTP port, for a realtime server running as its own
// process (tests/helpers/soketi.ts) to post its webhooks to: each request goes to the route
// handler in this process, exactly as Next.js would call it. Every answer is recorded, so a test
// can tell a refused webhook from one that never came.

const INTAKE_PATH = /^\/api\/intake\/pusher\/([^/?]+)$/;

export type IntakeAnswer = { appId: string; status: number; body: unknown };

export type IntakeServer = {
  /** The URL to give the realtime server as its webhook URL for this app. */
  url: (appId: string) => string;
  answers: IntakeAnswer[];
  close: () => Promise<void>;
};

async function readAll(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startIntakeServer(): Promise<IntakeServer> {
  const answers: IntakeAnswer[] = [];
  const server: Server = createServer((req, res) => {
    // A request handler cannot be async: its promise would be dropped by node:http.
    void (async () => {
      const rawBody = await readAll(req);
      const appId = INTAKE_PATH.exec(req.url ?? "")?.[1];
      if (req.method !== "POST" || !appId) {
        res.writeHead(404).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ["x-pusher-key", "x-pusher-signature", "content-type"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const result = await call(intakeRoute.POST, "POST", `/api/intake/pusher/${appId}`, {
        params: { appId: decodeURIComponent(appId) },
        rawBody,
        headers,
        token: null,
      }).catch((error: unknown) => ({ status: 599, body: String(error) }));
      answers.push({ appId, status: result.status, body: result.body });
      res.writeHead(result.status, { "content-type": "application/json" });
      res.end(JSON.stringify(result.body ?? null));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (appId) => `http://127.0.0.1:${port}/api/intake/pusher/${encodeURIComponent(appId)}`,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
