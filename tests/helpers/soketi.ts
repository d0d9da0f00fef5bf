import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { eventually } from "./receiver";

// A real Soketi (the npm package's `soketi start`) as a child process: one app, presence on,
// webhooks for the given events posted to the given URL. Every port it opens is a free one, so
// test files and helpers running at once never meet.

export type SoketiApp = { id: string; key: string; secret: string };

export type Soketi = {
  host: string;
  port: number;
  output: () => string;
  stop: () => Promise<void>;
};

const SOKETI_BIN = createRequire(import.meta.url).resolve("@soketi/soketi/bin/server.js");

async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Soketi's node discovery binds a UDP port (shared by default) even with one node. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

export async function startSoketi(options: {
  app: SoketiApp;
  webhookUrl: string;
  eventTypes: string[];
}): Promise<Soketi> {
  const [port, metricsPort, clusterPort] = [
    await freeTcpPort(),
    await freeTcpPort(),
    await freeUdpPort(),
  ];
  // Soketi reads a .env from its working directory: give it an empty one of its own.
  const cwd = mkdtempSync(path.join(tmpdir(), "soketi-"));
  const child = spawn(process.execPath, [SOKETI_BIN, "start"], {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      NODE_NO_WARNINGS: "1",
      SOKETI_HOST: "127.0.0.1",
      SOKETI_PORT: String(port),
      SOKETI_METRICS_HOST: "127.0.0.1",
      SOKETI_METRICS_SERVER_PORT: String(metricsPort),
      SOKETI_CLUSTER_PORT: String(clusterPort),
      SOKETI_SHUTDOWN_GRACE_PERIOD: "0",
      SOKETI_DEFAULT_APP_ID: options.app.id,
      SOKETI_DEFAULT_APP_KEY: options.app.key,
      SOKETI_DEFAULT_APP_SECRET: options.app.secret,
      SOKETI_DEFAULT_APP_WEBHOOKS: JSON.stringify([
        { url: options.webhookUrl, event_types: options.eventTypes },
      ]),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exitCode = code;
      rmSync(cwd, { recursive: true, force: true });
      resolve();
    }),
  );
  const stop = async () => {
    if (exitCode === undefined) child.kill("SIGTERM");
    await exited;
  };
  try {
    // It prints that it is up even when a port was taken, so ask the port itself.
    await eventually(
      async () => {
        if (exitCode !== undefined) throw new Error(`soketi exited with ${exitCode}:\n${output}`);
        const answer = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
        return answer?.ok && (await answer.text()) === "OK";
      },
      { timeoutMs: 30_000, what: "soketi listening" },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { host: "127.0.0.1", port, output: () => output, stop };
}
