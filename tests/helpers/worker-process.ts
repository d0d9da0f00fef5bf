import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { testEnv } from "./test-env";

// Runs worker/index.ts as a real child process (node --import tsx: one process, so a signal
// reaches the worker itself rather than a wrapper) with the test env and a queue prefix.

export const uniquePrefix = (name: string) => `t-${name}-${randomBytes(4).toString("hex")}`;

export type WorkerProcess = {
  pid: number;
  output: () => string;
  kill9: () => Promise<void>;
  terminate: () => Promise<number | null>;
};

/** Fast reconciler settings so crash tests finish in seconds. */
export const fastEngineEnv: Record<string, string> = {
  HERALD_RECONCILE_INTERVAL_MS: "500",
  HERALD_RECONCILE_GRACE_MS: "2000",
  // Generous: on a loaded machine a local receiver can take seconds, and a timeout is a real retry.
  HERALD_REQUEST_TIMEOUT_MS: "5000",
  HERALD_SHUTDOWN_TIMEOUT_MS: "5000",
};

/**
 * bundled: run the production bundle (node worker/start.mjs builds it) instead of the sources
 * through tsx. readyWhen: the output that means it started (default "worker ready").
 */
export async function startWorkerProcess(
  prefix: string,
  extraEnv: Record<string, string> = {},
  options: { bundled?: boolean; readyWhen?: string } = {},
): Promise<WorkerProcess> {
  const readyWhen = options.readyWhen ?? "worker ready";
  const args = options.bundled ? ["worker/start.mjs"] : ["--import", "tsx", "worker/index.ts"];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "test",
      ...testEnv,
      HERALD_LOG_LEVEL: "info",
      ...fastEngineEnv,
      HERALD_QUEUE_PREFIX: prefix,
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const onData = () => {
      if (!output.includes(readyWhen)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    output: () => output,
    kill9: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    terminate: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
