import path from "node:path";
import { defineConfig } from "vitest/config";
import { pgbouncerPass, TEST_WORKERS, testEnv } from "./tests/helpers/test-env";

// Tests talk to the real Postgres and Redis on this machine, in their own database.

/**
 * Run a second time through PgBouncer in transaction mode: the suites that between them use every
 * database path (ingest, routing and its locks, batching, claims and outcomes, retries, the
 * reconciler, manual sends, retention, the API's reads and transactions, migrations, sessions,
 * per-channel order, presence holds and chunked sends, which take transaction-scoped locks too).
 */
const PGBOUNCER_PASS = [
  "engine-delivery",
  "engine-routing",
  "engine-manual",
  "engine-ordering",
  "engine-chunks",
  "presence-grace",
  "reconcile",
  "retention",
  "intake-api",
  "endpoints-api",
  "apps-api",
  "api-tokens-api",
  "delivery-log-api",
  "endpoint-stats",
  "postgres-sessions",
  "migrations",
].map((name) => `tests/integration/${name}.test.ts`);

const integration = {
  globalSetup: ["tests/helpers/global-setup.ts"],
  setupFiles: ["tests/helpers/worker-env.ts"],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    env: testEnv,
    // Files run side by side, each worker on a database of its own (tests/helpers/test-env.ts).
    maxWorkers: TEST_WORKERS,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "integration", include: ["tests/integration/**/*.test.ts"], ...integration },
      },
      {
        extends: true,
        test: {
          name: "pgbouncer",
          include: PGBOUNCER_PASS,
          ...integration,
          globalSetup: ["tests/helpers/pgbouncer-setup.ts"],
          env: { ...testEnv, ...pgbouncerPass().env },
        },
      },
    ],
  },
});
