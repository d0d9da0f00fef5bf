import { createServer, type Server } from "node:http";
import { env } from "../lib/env";
import { logger } from "../lib/logger";
import { metrics } from "../lib/metrics/registry";

// Each worker's Prometheus scrape target: GET /metrics on HERALD_WORKER_METRICS_HOST:PORT
// (127.0.0.1 by default, so only the host itself can read it unless the operator opens it).

export async function startMetricsServer(): Promise<Server | null> {
  const port = env.HERALD_WORKER_METRICS_PORT;
  if (port === 0) return null;
  const { registry } = metrics();
  const server = createServer((req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (req.method !== "GET" || path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found: try GET /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (error: unknown) => {
        logger.warn({ err: error }, "metrics not collected");
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics not collected\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, env.HERALD_WORKER_METRICS_HOST, () => resolve());
  });
  server.on("error", (error) => logger.warn({ err: error }, "metrics server error"));
  logger.info({ host: env.HERALD_WORKER_METRICS_HOST, port }, "worker metrics listening");
  return server;
}
