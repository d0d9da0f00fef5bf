import { loadEnv, EnvError } from "../lib/env";

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
const runtime = await startWorker();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  await runtime.stop(signal);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
