import { testEnv } from "./test-env";
import { prepareWorkerDatabases } from "./worker-databases";

// Creates and migrates the test database once per run, and a copy of it per vitest worker; tests
// create their own data.
export default async function setup() {
  await prepareWorkerDatabases(testEnv.DATABASE_URL!);
}
