import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ReceiverCommand, ReceiverSnapshot } from "../receiver";
import type { LoadOptions, LoadResult } from "./autocannon-child";
import type { BareSenderOptions, BareSenderResult } from "./bare-sender-child";
import type { PacedOptions, PacedResult } from "./paced-sender";
import type { RetentionOptions, RetentionResult } from "./retention-child";
import { stopProcess, track } from "./processes";

// TypeScript children of the benchmark (receiver, autocannon, bare sender, paced sender), forked with the same
// tsx loader as this process and spoken to over IPC.

const benchDir = path.join(process.cwd(), "bench");

function forkScript(relativePath: string, env?: NodeJS.ProcessEnv): ChildProcess {
  return track(
    fork(path.join(benchDir, relativePath), [], {
      detached: true,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...(env ? { env } : {}),
    }),
  );
}

/** Forks a script, sends it one message, and resolves with its one reply ({result} or {error}). */
async function runOnce<Options, Result>(
  relativePath: string,
  options: Options,
  timeoutMs: number,
  env?: NodeJS.ProcessEnv,
): Promise<Result> {
  const child = forkScript(relativePath, env);
  try {
    return await new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${relativePath} did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.once("message", (message: { result?: Result; error?: string }) => {
        clearTimeout(timer);
        if (message.error !== undefined) reject(new Error(`${relativePath}: ${message.error}`));
        else resolve(message.result as Result);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${relativePath} exited with code ${code} before answering`));
      });
      child.send(options as object);
    });
  } finally {
    await stopProcess(child, 2000);
  }
}

export const runAutocannon = (options: LoadOptions) =>
  runOnce<LoadOptions, LoadResult>(
    "load/autocannon-child.ts",
    options,
    (options.durationSeconds + 60) * 1000,
  );

export const runPacedSender = (options: PacedOptions) =>
  runOnce<PacedOptions, PacedResult>(
    "load/paced-sender.ts",
    options,
    (options.durationSeconds + 60) * 1000,
  );

export const runBareSender = (options: BareSenderOptions) =>
  runOnce<BareSenderOptions, BareSenderResult>(
    "load/bare-sender-child.ts",
    options,
    (options.durationSeconds + 60) * 1000,
  );

/** Herald's retention job at a chosen time, in a process with Herald's environment. */
export const runRetention = (options: RetentionOptions, env: NodeJS.ProcessEnv) =>
  runOnce<RetentionOptions, RetentionResult>(
    "load/retention-child.ts",
    options,
    30 * 60 * 1000,
    env,
  );

export type Receiver = {
  port: number;
  pid: number;
  url: (pathname: string) => string;
  snapshot: (pathname: string) => Promise<ReceiverSnapshot>;
  latencies: (pathname: string) => Promise<number[]>;
  stop: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const child = forkScript("receiver.ts");
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the receiver did not start within 20 s")),
      20_000,
    );
    child.once("message", (message: { ready?: number }) => {
      clearTimeout(timer);
      resolve(message.ready ?? 0);
    });
    child.once("exit", (code) => reject(new Error(`the receiver exited with code ${code}`)));
  });
  let nextId = 1;
  const pending = new Map<number, (reply: unknown) => void>();
  child.on("message", (message: { id?: number; reply?: unknown }) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.reply);
    pending.delete(message.id);
  });
  const ask = <T>(command: ReceiverCommand["command"], pathname: string) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve as (reply: unknown) => void);
      child.send({ id, command, path: pathname } satisfies ReceiverCommand);
    });
  return {
    port,
    pid: child.pid!,
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    snapshot: (pathname) => ask<ReceiverSnapshot>("snapshot", pathname),
    latencies: (pathname) => ask<number[]>("latencies", pathname),
    stop: () => stopProcess(child, 2000),
  };
}
