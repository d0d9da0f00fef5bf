import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { z } from "zod";
import { allowListEntryIssue } from "./delivery/allow-list";

// The one place that reads process.env. Validated lazily so `next build` can import modules
// without a configured environment; the first real use fails with one line per problem.

const csv = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean),
  );

const postgresUrl = z
  .string({ message: "is required, e.g. postgresql://postgres@127.0.0.1:5432/herald" })
  .refine((url) => URL.canParse(url) && /^postgres(ql)?:\/\//.test(url), {
    message: "must be a postgresql:// URL",
  });

type RedisNode = { host: string; port: number };

/** `host:port,host:port` (IPv6 as `[::1]:port`); a node without a port gets `defaultPort`. */
const redisNodes = (defaultPort: number) =>
  csv.transform((entries, ctx) =>
    entries.map((entry): RedisNode => {
      const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(entry);
      const port = Number(match?.[3] ?? defaultPort);
      if (!match || port < 1 || port > 65535) {
        ctx.addIssue({ code: "custom", message: `entry '${entry}' is not host:port` });
        return { host: "", port: 0 };
      }
      return { host: match[1] ?? match[2]!, port };
    }),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: postgresUrl,
  /**
   * Postgres itself, for creating and migrating the database, when DATABASE_URL goes through a
   * pooler such as PgBouncer (as Prisma's directUrl). Defaults to DATABASE_URL.
   */
  DIRECT_DATABASE_URL: postgresUrl.optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** BullMQ key prefix; lets several deployments (or test runs) share one Redis. */
  HERALD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, - or _")
    .default("herald"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .default("redis://127.0.0.1:6379"),
  /** Redis Sentinel (instead of REDIS_URL): the sentinels, and the name of the master they watch. */
  REDIS_SENTINELS: redisNodes(26379),
  REDIS_SENTINEL_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/, "must be the master's name as the sentinels know it")
    .optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  /** Password of the Redis servers (Sentinel, Cluster; a password in REDIS_URL wins over it). */
  REDIS_PASSWORD: z.string().optional(),
  /** Redis Cluster (instead of REDIS_URL): some of its nodes; the rest are discovered. */
  REDIS_CLUSTER_NODES: redisNodes(6379),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Read by server/index.ts before anything else loads; listed here so it is validated too. */
  HERALD_WEB_HOST: z
    .string()
    .refine((host) => isIP(host) !== 0 || /^[A-Za-z0-9.-]+$/.test(host), {
      message: "must be an IP address or a host name",
    })
    .optional(),
  /** Read by worker/start.mjs before the bundle loads. */
  HERALD_WORKER_PREBUILT: z.enum(["0", "1"], { message: "must be 1 (or empty)" }).optional(),
  HERALD_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  HERALD_ADMIN_EMAIL: z.email({ message: "must be an email address" }).optional(),
  HERALD_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  HERALD_ENCRYPTION_KEY: z
    .string({ message: "is required (32 random bytes, base64: openssl rand -base64 32)" })
    // Base64 or base64url, padded or not, around spaces (a key that worked before must still work);
    // then strict: Buffer.from(…, "base64") skips characters it does not know, so junk would pass.
    .transform((value) => value.trim().replaceAll("-", "+").replaceAll("_", "/"))
    .refine((value) => /^[A-Za-z0-9+/]{43}=?$/.test(value), {
      message: "must be 32 bytes encoded as base64 (openssl rand -base64 32)",
    }),
  HERALD_ALLOWED_DESTINATIONS: csv.superRefine((entries, ctx) => {
    for (const entry of entries) {
      const issue = allowListEntryIssue(entry);
      if (issue) ctx.addIssue({ code: "custom", message: `entry '${entry}' ${issue}` });
    }
  }),
  /** HTTP CONNECT proxy every HTTP delivery goes through (an endpoint may choose another, or none). */
  HERALD_EGRESS_PROXY: z
    .url({ protocol: /^https?$/, message: "must be the proxy's http:// or https:// URL" })
    .optional(),
  HERALD_RETRY_SCHEDULE_SECONDS: z
    .string()
    .default("5,30,120,600,1800,3600,7200,14400")
    .transform((value, ctx) => {
      const parts = value.split(",").map((part) => part.trim());
      const delays = parts.map(Number);
      if (
        parts.some((part) => part === "") ||
        delays.some((delay) => !Number.isInteger(delay) || delay < 0)
      ) {
        ctx.addIssue({ code: "custom", message: "must be comma-separated whole seconds" });
        return z.NEVER;
      }
      return delays;
    }),
  HERALD_MAX_DELIVERY_AGE_SECONDS: z.coerce.number().int().min(60).default(86_400),
  HERALD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  HERALD_AUTO_DISABLE_THRESHOLD: z.coerce.number().int().min(0).default(20),
  HERALD_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  HERALD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  /**
   * Requests (and deliver jobs) in flight per endpoint per worker. 20: a request's time in flight
   * is mostly the worker's busy event loop (~1.7 ms at 5k requests/s), and 10 left a fast receiver
   * idle (benchmark: 4,300 -> 5,000 deliveries/s); a slow endpoint still holds at most 20 of the
   * 50.
   */
  HERALD_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * New deliveries a worker may hold on the direct path at once (routing writes them claimed and
   * the worker sends them with no deliver job; docs/engine.md#the-direct-path). Unset: 200 per
   * request slot (10,000 with the default concurrency); 0 turns the direct path off.
   */
  HERALD_DIRECT_SENDS: z.coerce.number().int().min(0).max(100_000).optional(),
  HERALD_CACHE_MISS_WINDOW_MS: z.coerce.number().int().min(0).default(1000),
  /**
   * A Pusher-intake webhook whose time_ms is further than this from now is refused (replay
   * protection); realtime servers retry a webhook for up to 5 minutes.
   */
  HERALD_INTAKE_MAX_SKEW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(600),
  /** How often the reconciler rebuilds lost queue entries from Postgres. */
  HERALD_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Work overdue by this much (no job seen it) is re-enqueued by the reconciler. */
  HERALD_RECONCILE_GRACE_MS: z.coerce.number().int().min(500).default(10_000),
  /** How long graceful shutdown waits for in-flight deliveries before handing them back. */
  HERALD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  /** Each worker serves Prometheus metrics here; 0 = no metrics server. */
  HERALD_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  HERALD_WORKER_METRICS_HOST: z
    .string()
    .refine((host) => isIP(host) !== 0 || /^[A-Za-z0-9.-]+$/.test(host), {
      message: "must be an IP address or a host name",
    })
    .default("127.0.0.1"),
  /** Readiness turns degraded when the oldest waiting delivery or event is older than this. */
  HERALD_STALL_ALERT_SECONDS: z.coerce.number().int().min(1).default(300),
  /** A worker whose last heartbeat is older than this counts as gone. */
  HERALD_WORKER_TIMEOUT_SECONDS: z.coerce.number().int().min(2).default(30),
  HERALD_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z
    .url({ protocol: /^https?$/, message: "must be the dashboard's http:// or https:// URL" })
    .optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Rules across variables. */
const checkedEnvSchema = envSchema.superRefine((variables, ctx) => {
  if (variables.REDIS_SENTINELS.length && variables.REDIS_CLUSTER_NODES.length)
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_CLUSTER_NODES"],
      message: "cannot be set together with REDIS_SENTINELS: choose Sentinel or Cluster",
    });
  if (variables.REDIS_SENTINELS.length && !variables.REDIS_SENTINEL_NAME)
    ctx.addIssue({
      code: "custom",
      path: ["REDIS_SENTINEL_NAME"],
      message: "is required with REDIS_SENTINELS (the master's name, e.g. mymaster)",
    });
});

/** Where the database is created and migrated: Postgres itself, not a pooler in front of it. */
export function migrationDatabaseUrl(env: Env): string {
  return env.DIRECT_DATABASE_URL ?? env.DATABASE_URL;
}

let cached: Env | undefined;

export class EnvError extends Error {}

export function loadEnv(): Env {
  if (cached) return cached;
  if (existsSync(".env") && !process.env.HERALD_SKIP_DOTENV) {
    // Fills only variables that are not set, so the real environment always wins.
    process.loadEnvFile(".env");
  }
  cached = parseEnv(process.env);
  return cached;
}

/**
 * Validates variables (empty = not set, so defaults apply); throws an EnvError naming each problem.
 */
export function parseEnv(variables: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(Object.entries(variables).filter(([, value]) => value !== ""));
  const parsed = checkedEnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new EnvError(`Invalid environment: ${lines.join("; ")}`);
  }
  return parsed.data;
}

/** Lazily validated environment: reading any field validates everything once. */
export const env: Env = new Proxy({} as Env, {
  get: (_target, property) => loadEnv()[property as keyof Env],
});

/** What the web process needs on top of the shared variables: one line per problem. */
export function webEnvProblems(env: Env): string[] {
  const problems: string[] = [];
  if (!env.NEXTAUTH_SECRET)
    problems.push(
      "NEXTAUTH_SECRET is required by the web process (dashboard sessions): openssl rand -base64 32",
    );
  return problems;
}

/** The web process's environment; a missing or invalid variable prints one line each and exits. */
export function loadWebEnvOrExit(): Env {
  try {
    const loaded = loadEnv();
    const problems = webEnvProblems(loaded);
    if (problems.length) throw new EnvError(problems.join("\n"));
    return loaded;
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
