import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

// A real HTTP server on 127.0.0.1 that speaks the AWS Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations), for tests that use `endpointUrl`.

export type LambdaInvocation = {
  functionName: string;
  qualifier: string | null;
  invocationType: string;
  /** The exact request payload bytes as UTF-8. */
  payload: string;
  headers: IncomingMessage["headers"];
};

/** What the next invocations answer; defaults to success (202 Event, 200 RequestResponse). */
export type LambdaScript =
  | { kind: "ok"; payload?: string }
  | { kind: "functionError"; errorType?: string; payload: string }
  | {
      kind: "serviceError";
      status: number;
      errorType: string;
      message: string;
      retryAfterSeconds?: number;
    }
  | { kind: "hang" };

export type LambdaServer = {
  endpointUrl: string;
  invocations: LambdaInvocation[];
  /** Answer every following invocation this way. */
  respondWith(script: LambdaScript): void;
  close(): Promise<void>;
};

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaServer(): Promise<LambdaServer> {
  const invocations: LambdaInvocation[] = [];
  let script: LambdaScript = { kind: "ok" };
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    // A request handler cannot be async: its promise would be dropped by node:http.
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const match = INVOKE_PATH.exec(url.pathname);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      if (req.method !== "POST" || !match) {
        return sendJson(
          res,
          404,
          { message: `Unknown route ${req.method} ${url.pathname}` },
          { "x-amzn-errortype": "ResourceNotFoundException" },
        );
      }
      const invocationType = String(req.headers["x-amz-invocation-type"] ?? "RequestResponse");
      invocations.push({
        functionName: decodeURIComponent(match[1]!),
        qualifier: url.searchParams.get("Qualifier"),
        invocationType,
        payload: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
      });
      const requestId = `req-${invocations.length}`;
      switch (script.kind) {
        case "hang":
          hanging.add(res);
          return;
        case "serviceError": {
          const headers: Record<string, string> = {
            "x-amzn-errortype": script.errorType,
            "x-amzn-requestid": requestId,
          };
          if (script.retryAfterSeconds !== undefined)
            headers["retry-after"] = String(script.retryAfterSeconds);
          return sendJson(res, script.status, { Type: "User", message: script.message }, headers);
        }
        case "functionError":
          res.writeHead(200, {
            "content-type": "application/json",
            "x-amz-function-error": script.errorType ?? "Unhandled",
            "x-amz-executed-version": "$LATEST",
            "x-amzn-requestid": requestId,
          });
          return res.end(script.payload);
        case "ok":
          if (invocationType === "Event") {
            res.writeHead(202, { "x-amzn-requestid": requestId });
            return res.end();
          }
          res.writeHead(200, {
            "content-type": "application/json",
            "x-amz-executed-version": url.searchParams.get("Qualifier") ?? "$LATEST",
            "x-amzn-requestid": requestId,
          });
          return res.end(script.payload ?? "null");
      }
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpointUrl: `http://127.0.0.1:${port}`,
    invocations,
    respondWith(next) {
      script = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * For a test file: a Lambda server for its tests (read `.current` inside them), with the dummy
 * credentials the SDK's chain needs, closed with the file's Lambda clients at the end.
 */
export function useLambdaServer(closeClients: () => void): { current: LambdaServer } {
  const holder = {} as { current: LambdaServer };
  beforeAll(async () => {
    // The SDK's standard credential chain reads these; LocalStack-style dummy credentials.
    process.env.AWS_ACCESS_KEY_ID = "test";
    process.env.AWS_SECRET_ACCESS_KEY = "test";
    holder.current = await startLambdaServer();
  });
  afterAll(async () => {
    closeClients();
    await holder.current?.close();
  });
  return holder;
}
