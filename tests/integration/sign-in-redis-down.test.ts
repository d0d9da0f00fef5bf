import { describe, expect, it } from "vitest";
import { LOGIN_ATTEMPTS_ALLOWED } from "@/lib/auth/login-throttle";
import { DEAD_REDIS_URL, runInChild } from "../helpers/unavailable-services";
import { testEnv } from "../helpers/test-env";

// Sign-in throttling with Redis unreachable: the web process counts attempts itself, so signing in
// stays possible and guessing stays limited.

const signInWithoutRedis = (attempts: { password: string; address: string }[]) =>
  runInChild<string[]>("tests/helpers/sign-in-child.ts", attempts, { REDIS_URL: DEAD_REDIS_URL });

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
