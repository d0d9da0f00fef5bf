import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOGIN_ATTEMPTS_ALLOWED } from "@/lib/auth/login-throttle";
import { DEAD_REDIS_URL } from "../helpers/unavailable-services";
import { testEnv } from "../helpers/test-env";

// Sign-in throttling with Redis unreachable: the web process counts attempts itself, so signing in
// stays possible and guessing stays limited.

async function signInWithoutRedis(attempts: { password: string; address: string }[]) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "./tests/helpers/next-auth-cjs-interop.mjs",
      "--import",
      "tsx",
      "tests/helpers/sign-in-child.ts",
      JSON.stringify(attempts),
    ],
    {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "test",
        ...testEnv,
        REDIS_URL: DEAD_REDIS_URL,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const line = output.split("\n").find((entry) => entry.startsWith("RESULT "));
  if (!line) throw new Error(`sign-in child exited with ${code} without an answer:\n${output}`);
  return JSON.parse(line.slice("RESULT ".length)) as string[];
}

describe("sign-in throttling with Redis unreachable", () => {
  it("still signs in, and still refuses an address that used up its failures", async () => {
    const password = testEnv.HERALD_ADMIN_PASSWORD!;
    const attacker = "198.51.100.7";
    const outcomes = await signInWithoutRedis([
      { password, address: "198.51.100.1" },
      ...Array.from({ length: LOGIN_ATTEMPTS_ALLOWED }, (_, index) => ({
        password: `guess-${index}`,
        address: attacker,
      })),
      { password, address: attacker },
      { password: "guess-again", address: attacker },
      { password, address: "198.51.100.2" },
    ]);
    expect(outcomes).toEqual([
      "signed in",
      ...Array(LOGIN_ATTEMPTS_ALLOWED).fill("wrong password"),
      "refused: Too many failed sign-ins. Try again in 15 minutes.",
      "refused: Too many failed sign-ins. Try again in 15 minutes.",
      "signed in",
    ]);
  });
});
