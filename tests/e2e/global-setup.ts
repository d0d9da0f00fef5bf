import { mkdirSync } from "node:fs";
import { prepareDatabase } from "../../lib/migrations";
import { e2eEnv } from "./env";

export default async function globalSetup() {
  await prepareDatabase(e2eEnv.DATABASE_URL!);
  mkdirSync("test-results/screenshots", { recursive: true });
}
