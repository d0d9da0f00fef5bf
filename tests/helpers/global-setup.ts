import { prepareDatabase } from "../../lib/migrations";
import { testEnv } from "./test-env";

// Creates and migrates the test database once per run; tests create their own data.
export default async function setup() {
  await prepareDatabase(testEnv.DATABASE_URL!);
}
