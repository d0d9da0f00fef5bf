/**
 * Vitest runs this many test files at once (HERALD_TEST_WORKERS, default 2). Each of its workers
 * has a database of its own, copied from the run's migrated one when the run starts: files in
 * different workers then never see each other's events, and one file's worker (its reconciler,
 * say) never routes another's.
 */
export const TEST_WORKERS = Number(process.env.HERALD_TEST_WORKERS ?? 2);

/**
 * The database of the vitest worker running this file (VITEST_POOL_ID, 1 to TEST_WORKERS):
 * `<database>_w<id>`. Outside vitest's workers (its global set-up, Playwright) the URL as given.
 */
export function workerDatabaseUrl(url: string, poolId = process.env.VITEST_POOL_ID): string {
  const database = new URL(url);
  const suffix = `_w${poolId}`;
  if (poolId && !database.pathname.endsWith(suffix)) database.pathname += suffix;
  return database.toString();
}

// The environment every test process (and the servers e2e tests start) runs with.
export const testEnv: Record<string, string> = {
  NODE_ENV: "test",
  HERALD_SKIP_DOTENV: "1",
  DATABASE_URL: workerDatabaseUrl(
    process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/herald_test",
  ),
  REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0",
  HERALD_ENCRYPTION_KEY: "dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE=",
  HERALD_API_TOKEN: "test-bootstrap-token-0123456789",
  HERALD_ADMIN_EMAIL: "admin@example.com",
  HERALD_ADMIN_PASSWORD: "correct-horse-battery",
  NEXTAUTH_SECRET: "test-nextauth-secret-0123456789",
  HERALD_ALLOWED_DESTINATIONS: "127.0.0.1,localhost,::1",
  HERALD_LOG_LEVEL: "silent",
  // Workers of parallel test files would all want the default metrics port; tests that scrape a
  // worker give it one of their own.
  HERALD_WORKER_METRICS_PORT: "0",
};

/**
 * The integration pass through PgBouncer (transaction mode): a database of its own, reached through
 * the PgBouncer that tests/helpers/pgbouncer-setup.ts starts on TEST_PGBOUNCER_PORT (default 6433);
 * it is created and migrated directly (DIRECT_DATABASE_URL), as an operator would.
 */
export function pgbouncerPass(directUrl = testEnv.DATABASE_URL!) {
  const direct = new URL(directUrl);
  direct.pathname = `${direct.pathname}_pgbouncer`;
  const pooled = new URL(direct);
  pooled.hostname = "127.0.0.1";
  pooled.port = process.env.TEST_PGBOUNCER_PORT ?? "6433";
  return {
    port: Number(pooled.port),
    env: {
      TEST_DATABASE_URL: pooled.toString(),
      DATABASE_URL: pooled.toString(),
      DIRECT_DATABASE_URL: direct.toString(),
      HERALD_TEST_PGBOUNCER: "1",
    },
  };
}
