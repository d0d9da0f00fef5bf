import { spawn } from "node:child_process";
import path from "node:path";
import { Redis } from "ioredis";
import { testEnv } from "./test-env";

// For tests while Redis or Postgres is down: intake (or another script) run in a child process
// pointed at a closed port, and a look at what a queue prefix holds.

/** Ports nothing listens on: connections are refused at once. */
export const DEAD_REDIS_URL = "redis://127.0.0.1:1/0";
export const DEAD_DATABASE_URL = "postgresql://postgres@127.0.0.1:1/herald_test";

export type ChildIntakeRequest = {
  route: "native" | "pusher";
  appId: string;
  rawBody: string;
  headers?: Record<string, string>;
};
export type ChildIntakeResult = { status: number; body: any; elapsedMs: number };

/** Calls an intake route handler in a fresh process with the given environment overrides. */
export async function intakeInChild(
  request: ChildIntakeRequest,
  env: Record<string, string>,
): Promise<ChildIntakeResult> {
  return runInChild<ChildIntakeResult>(
    "tests/helpers/intake-child.ts",
    { headers: {}, ...request },
    env,
  );
}

/**
 * Runs a test script (TypeScript, through tsx) in a fresh process with the test env plus `env`,
 * passing `input` as JSON in argv[2]; resolves with what it printed on its `RESULT <json>` line.
 */
export async function runInChild<T>(
  script: string,
  input: unknown,
  env: Record<string, string>,
): Promise<T> {
  const root = path.resolve(import.meta.dirname, "../..");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "./tests/helpers/next-auth-cjs-interop.mjs",
      "--import",
      "tsx",
      script,
      JSON.stringify(input),
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NODE_ENV: "test",
        ...testEnv,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const line = output.split("\n").find((entry) => entry.startsWith("RESULT "));
  if (!line) throw new Error(`${script} exited with ${code} without an answer:\n${output}`);
  return JSON.parse(line.slice("RESULT ".length)) as T;
}

/**
 * Every Redis key under a BullMQ prefix (jobs, ids, events), so a test can assert nothing was
 * enqueued.
 */
export async function keysUnderPrefix(prefix: string): Promise<string[]> {
  const redis = new Redis(testEnv.REDIS_URL!);
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
      keys.push(...(batch as string[]));
    return keys;
  } finally {
    await redis.quit();
  }
}
