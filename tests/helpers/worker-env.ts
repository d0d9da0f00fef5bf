import { workerDatabaseUrl } from "./test-env";

// Runs in each vitest worker before a test file: the database URLs the run's environment gives
// (the config's, for the whole run) now name this worker's own copy, for this process and every
// process it starts.
for (const key of ["DATABASE_URL", "DIRECT_DATABASE_URL"]) {
  const url = process.env[key];
  if (url) process.env[key] = workerDatabaseUrl(url);
}
