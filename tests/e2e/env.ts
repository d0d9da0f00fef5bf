import { testEnv } from "../helpers/test-env";

// The e2e servers get their own database and queue prefix, so vitest suites running at the same
// time (with their own workers and reconcilers) never touch the dashboard's data or jobs.
const base = new URL(testEnv.DATABASE_URL!);
base.pathname = "/herald_e2e";

export const e2eEnv: Record<string, string> = {
  ...testEnv,
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? base.toString(),
  HERALD_QUEUE_PREFIX: process.env.E2E_QUEUE_PREFIX ?? "herald-e2e",
  // The banner test freezes the worker: it should count as gone within seconds.
  HERALD_WORKER_TIMEOUT_SECONDS: "8",
};

export const BOOTSTRAP_TOKEN = e2eEnv.HERALD_API_TOKEN!;
export const ADMIN_EMAIL = e2eEnv.HERALD_ADMIN_EMAIL!;
export const ADMIN_PASSWORD = e2eEnv.HERALD_ADMIN_PASSWORD!;
