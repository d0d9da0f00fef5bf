import { startPgBouncer } from "./pgbouncer";
import { pgbouncerPass } from "./test-env";
import { prepareWorkerDatabases } from "./worker-databases";

// Global set-up of the PgBouncer pass: migrate its database directly and copy it per vitest worker,
// then start PgBouncer in front of Postgres for the pass's test processes (and the workers they
// start); stopped after.
export default async function setup() {
  const pass = pgbouncerPass();
  await prepareWorkerDatabases(pass.env.DIRECT_DATABASE_URL);
  const bouncer = await startPgBouncer(pass.env.DIRECT_DATABASE_URL, pass.port);
  return () => bouncer.stop();
}
