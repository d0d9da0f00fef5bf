import { prepareDatabase } from "../../lib/migrations";
import { testEnv } from "../helpers/test-env";

export default async function globalSetup() {
  await prepareDatabase(testEnv.DATABASE_URL!);
}
