import { disconnectDb, db } from "../lib/db";
import { loadEnv, migrationDatabaseUrl } from "../lib/env";
import { prepareDatabase } from "../lib/migrations";
import type { Principal } from "../lib/auth/principal";
import { createApp } from "../lib/services/apps";
import { createEndpoint } from "../lib/services/endpoints";

// `npm run db:seed`: a demo app with one endpoint, created through the same services as the API.
// Safe to run again: an existing demo app is left as it is.

const DEMO_APP_ID = "demo-app";
const seedPrincipal: Principal = {
  kind: "bootstrap",
  id: "seed",
  scopes: new Set(["read", "write", "ingest"]),
  appId: null,
};

const env = loadEnv();
await prepareDatabase(migrationDatabaseUrl(env));

const existing = await db.app.findUnique({
  where: { id: DEMO_APP_ID },
  include: { _count: { select: { endpoints: true } } },
});
if (existing && existing._count.endpoints > 0) {
  console.log(`The demo app '${DEMO_APP_ID}' already exists; nothing to do.`);
} else {
  const app =
    existing ??
    (await createApp(seedPrincipal, {
      id: DEMO_APP_ID,
      name: "Demo app",
      enabled: true,
      batching: { enabled: true, durationMs: 50, maxBatchSize: 100 },
    }));
  // The endpoint is created on its own so that a run refused here (a loopback URL outside
  // HERALD_ALLOWED_DESTINATIONS) can be completed by running the seed again.
  const endpoint = await createEndpoint(seedPrincipal, app.id, {
    description: "Demo receiver on this machine",
    url: `http://127.0.0.1:${env.PORT + 1}/webhooks`,
    eventTypes: [
      "channel_occupied",
      "channel_vacated",
      "member_added",
      "member_removed",
      "client_event",
    ],
    filter: {},
    headers: {},
    enabled: true,
  }).catch((error: Error) => {
    console.error(
      `Created app '${app.id}' but not its endpoint: ${error.message}\n` +
        "Allow the demo receiver (HERALD_ALLOWED_DESTINATIONS=127.0.0.1) and run the seed again.",
    );
    process.exit(1);
  });
  // Secrets stay out of terminal output (it ends up in CI logs); reveal them when needed.
  console.log(
    `Created app '${app.id}' (key ${app.key}) and endpoint ${endpoint.id} -> ${endpoint.url}`,
  );
  console.log(
    `Get the app secret with POST /api/v1/apps/${app.id}/reveal-secret, the signing secret with .../endpoints/${endpoint.id}/reveal-secret`,
  );
}
await disconnectDb();
