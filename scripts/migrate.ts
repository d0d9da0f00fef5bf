import { loadEnv, migrationDatabaseUrl } from "../lib/env";
import { prepareDatabase } from "../lib/migrations";

const env = loadEnv();
const { created, applied } = await prepareDatabase(migrationDatabaseUrl(env));
if (created) console.log("Created the database");
console.log(
  applied.length ? `Applied migrations: ${applied.join(", ")}` : "Database is up to date",
);
