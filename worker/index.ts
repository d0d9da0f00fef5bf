import { env, loadEnv, EnvError } from "../lib/env";

process.env.HERALD_PROCESS = "worker";

try {
  loadEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

// Started together with the web process on a fresh database, wait until it is migrated.
const { waitForSchemaOrExit } = await import("../lib/schema-readiness");
await waitForSchemaOrExit(env.DATABASE_URL);

// A worker started on its own (npm run worker, on any host) checks its key too: with the wrong one
// every signature would fail.
const { assertEncryptionKeyMatches } = await import("../lib/services/encryption-check");
try {
  await assertEncryptionKeyMatches();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const { startWorker } = await import("./runtime");
// The signal handlers go in before the start finishes: a SIGTERM while it is starting (a deploy
// that changes its mind) waits for the start, then stops gracefully instead of killing it.
const started = startWorker();
const observability = started.then(async () =>
  (await import("./observability")).startObservability(),
);

/** Time after the hand-back deadline for closing connections. */
const SHUTDOWN_MARGIN_MS = 10_000;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  // Closing waits on Redis and Postgres; when one of them is down that could last for ever. Past
  // the hand-back deadline plus a margin, exit anyway: what is still `delivering` is taken back by
  // the reconciler of a running worker, as after a crash.
  const { logger } = await import("../lib/logger");
  setTimeout(() => {
    logger.error(
      { signal },
      "shutdown did not finish in time (is Redis or Postgres down?); exiting",
    );
    process.exit(1);
  }, env.HERALD_SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS).unref();
  const runtime = await started;
  await (await observability).stop();
  await runtime.stop(signal);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
await observability;
