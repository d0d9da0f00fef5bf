import { describe, expect, it } from "vitest";
import { parseEnv, webEnvProblems } from "@/lib/env";

// A missing or invalid variable stops start-up with a line naming it (README.md#configuration).
const valid = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/herald",
  HERALD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  NEXTAUTH_SECRET: "a-long-enough-session-secret",
};
const problem = (overrides: Record<string, string | undefined>) => {
  try {
    parseEnv({ ...valid, ...overrides });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe("environment", () => {
  it("accepts a minimal valid environment, with defaults", () => {
    const env = parseEnv(valid);
    expect(env.HERALD_RETRY_SCHEDULE_SECONDS).toEqual([5, 30, 120, 600, 1800, 3600, 7200, 14400]);
    expect(webEnvProblems(env)).toEqual([]);
  });

  it("names a missing DATABASE_URL as missing", () => {
    expect(problem({ DATABASE_URL: undefined })).toContain("DATABASE_URL is required");
    expect(problem({ DATABASE_URL: "mysql://x" })).toContain(
      "DATABASE_URL must be a postgresql:// URL",
    );
  });

  it("refuses an encryption key with junk around valid base64", () => {
    expect(
      problem({ HERALD_ENCRYPTION_KEY: `${valid.HERALD_ENCRYPTION_KEY}!!!junk***` }),
    ).toContain("HERALD_ENCRYPTION_KEY must be 32 bytes");
    expect(problem({ HERALD_ENCRYPTION_KEY: Buffer.alloc(16).toString("base64") })).toContain(
      "HERALD_ENCRYPTION_KEY",
    );
    // The same 32 bytes written as base64url, unpadded or with a trailing newline still work.
    const bytes = Buffer.alloc(32, 251);
    for (const written of [bytes.toString("base64url"), `${bytes.toString("base64")}\n`]) {
      expect(
        Buffer.from(
          parseEnv({ ...valid, HERALD_ENCRYPTION_KEY: written }).HERALD_ENCRYPTION_KEY,
          "base64",
        ),
      ).toEqual(bytes);
    }
  });

  it("checks every allow-list entry: IP, CIDR with a valid prefix, or host name", () => {
    expect(
      problem({
        HERALD_ALLOWED_DESTINATIONS:
          "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8, hooks.internal, localhost",
      }),
    ).toBeNull();
    expect(problem({ HERALD_ALLOWED_DESTINATIONS: "10.0.0.0/33" })).toContain(
      "entry '10.0.0.0/33'",
    );
    expect(problem({ HERALD_ALLOWED_DESTINATIONS: "not a host!" })).toContain(
      "entry 'not a host!'",
    );
    expect(problem({ HERALD_ALLOWED_DESTINATIONS: "hooks.internal/8" })).toContain(
      "entry 'hooks.internal/8'",
    );
  });

  it("refuses an empty entry in the retry schedule and a non-http NEXTAUTH_URL", () => {
    expect(problem({ HERALD_RETRY_SCHEDULE_SECONDS: "5,,30" })).toContain(
      "HERALD_RETRY_SCHEDULE_SECONDS",
    );
    expect(problem({ NEXTAUTH_URL: "ftp://x" })).toContain("NEXTAUTH_URL");
    expect(problem({ NEXTAUTH_URL: "https://herald.example.com" })).toBeNull();
  });

  it("tells the web process it needs NEXTAUTH_SECRET", () => {
    expect(webEnvProblems(parseEnv({ ...valid, NEXTAUTH_SECRET: undefined }))).toEqual([
      expect.stringContaining("NEXTAUTH_SECRET is required"),
    ]);
  });

  it("reads Redis Sentinel and Cluster nodes, with default ports, and names what is wrong", () => {
    const sentinel = parseEnv({
      ...valid,
      REDIS_SENTINELS: "10.0.0.1:26380, sentinel-b ,[fd00::1]:26381",
      REDIS_SENTINEL_NAME: "mymaster",
    });
    expect(sentinel.REDIS_SENTINELS).toEqual([
      { host: "10.0.0.1", port: 26380 },
      { host: "sentinel-b", port: 26379 },
      { host: "fd00::1", port: 26381 },
    ]);
    expect(
      parseEnv({ ...valid, REDIS_CLUSTER_NODES: "redis-a:7000,redis-b" }).REDIS_CLUSTER_NODES,
    ).toEqual([
      { host: "redis-a", port: 7000 },
      { host: "redis-b", port: 6379 },
    ]);
    expect(problem({ REDIS_SENTINELS: "a:26379" })).toContain("REDIS_SENTINEL_NAME is required");
    expect(problem({ REDIS_CLUSTER_NODES: "a:99999" })).toContain(
      "REDIS_CLUSTER_NODES entry 'a:99999' is not host:port",
    );
    expect(problem({ REDIS_CLUSTER_NODES: "redis://a:6379" })).toContain("REDIS_CLUSTER_NODES");
    expect(
      problem({ REDIS_SENTINELS: "a", REDIS_SENTINEL_NAME: "m", REDIS_CLUSTER_NODES: "b" }),
    ).toContain("REDIS_CLUSTER_NODES cannot be set together with REDIS_SENTINELS");
  });
});
