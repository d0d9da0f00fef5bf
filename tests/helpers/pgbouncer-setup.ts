import { prepareDatabase } from "../../lib/migrations";
import { startPgBouncer } from "./pgbouncer";
import { pgbouncerPass } from "./test-env";

// Global set-up of the PgBouncer pass: migrate its database directly, then start PgBouncer in
// front of Postgres for the pass's test processes (and the workers they start); stopped after.
export default async function setup() {
  const pass = pgbouncerPass();
  await prepareDatabase(pass.env.DIRECT_DATABASE_URL);
  const bouncer = await startPgBouncer(pass.env.DIRECT_DATABASE_URL, pass.port);
  return () => bouncer.stop();
}
