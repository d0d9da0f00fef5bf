import { existsSync } from "node:fs";
import { z } from "zod";

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

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.url({ message: "must be a postgresql:// URL" }).refine((url) => /^postgres(ql)?:\/\//.test(url), {
    message: "must be a postgresql:// URL",
  }),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** BullMQ key prefix; lets several deployments (or test runs) share one Redis. */
  HERALD_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, - or _").default("herald"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be a redis:// URL").default("redis://127.0.0.1:6379"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HERALD_API_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  HERALD_ADMIN_EMAIL: z.email({ message: "must be an email address" }).optional(),
  HERALD_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  HERALD_ENCRYPTION_KEY: z
    .string({ message: "is required (32 random bytes, base64: openssl rand -base64 32)" })
    .refine((value) => Buffer.from(value, "base64").length === 32, {
      message: "must be 32 bytes encoded as base64 (openssl rand -base64 32)",
    }),
  HERALD_ALLOWED_DESTINATIONS: csv,
  HERALD_RETRY_SCHEDULE_SECONDS: z
    .string()
    .default("5,30,120,600,1800,3600,7200,14400")
    .transform((value, ctx) => {
      const delays = value.split(",").map((part) => Number(part.trim()));
      if (delays.some((delay) => !Number.isInteger(delay) || delay < 0)) {
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
   * idle (benchmark: 4,300 -> 5,000 deliveries/s); a slow endpoint still holds at most 20 of the 50.
   */
  HERALD_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
  HERALD_CACHE_MISS_WINDOW_MS: z.coerce.number().int().min(0).default(1000),
  /** How often the reconciler rebuilds lost queue entries from Postgres. */
  HERALD_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** Work overdue by this much (no job seen it) is re-enqueued by the reconciler. */
  HERALD_RECONCILE_GRACE_MS: z.coerce.number().int().min(500).default(10_000),
  /** How long graceful shutdown waits for in-flight deliveries before handing them back. */
  HERALD_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  HERALD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  NEXTAUTH_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  NEXTAUTH_URL: z.url().optional(),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export class EnvError extends Error {}

export function loadEnv(): Env {
  if (cached) return cached;
  if (existsSync(".env") && !process.env.HERALD_SKIP_DOTENV) {
    // Fills only variables that are not set, so the real environment always wins.
    process.loadEnvFile(".env");
  }
  // An empty assignment in .env (`NAME=`) means "not set", so defaults apply.
  const present = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`);
    throw new EnvError(`Invalid environment: ${lines.join("; ")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Lazily validated environment: reading any field validates everything once. */
export const env: Env = new Proxy({} as Env, {
  get: (_target, property) => loadEnv()[property as keyof Env],
});
