import { randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { afterAll, describe, expect, it } from "vitest";
import { prepareDatabase } from "@/lib/migrations";
import { uniqueId } from "../factories";
import { testEnv } from "../helpers/test-env";
import { onServer, withClient } from "../helpers/worker-databases";

// Upgrading an install with history to the stats' table of failed attempts
// (migration 20261212100000): the failures already logged are listed at once, and every attempt
// logged afterwards is kept by the trigger. A database of its own, migrated in two steps.

const MIGRATION = "20261212100000_endpoint_failed_attempts";
let database: string | undefined;

afterAll(() =>
  onServer(process.env.DIRECT_DATABASE_URL || testEnv.DATABASE_URL!, async (admin) => {
    if (database) await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }),
);

describe("the failed attempts of the endpoint stats, on upgrade", () => {
  it("lists the failures logged before the upgrade, keeps every one after it, and goes with its app", async () => {
    const url = new URL(testEnv.DATABASE_URL!);
    database = uniqueId("herald_test_failures").replaceAll("-", "_");
    url.pathname = `/${database}`;
    await prepareDatabase(url.toString(), { before: MIGRATION });

    const endpointId = randomUUID();
    const deliveryId = uuidv7();
    const attempt = (number: number, status: number | null, error: string | null) =>
      withClient(url.toString(), (client) =>
        client.query(
          `INSERT INTO attempts (id, delivery_id, number, request_headers, duration_ms, response_status, error, started_at)
           VALUES ($1, $2, $3::int, '{}', 5, $4, $5, now() - $3::int * interval '1 minute')`,
          [uuidv7(), deliveryId, number, status, error],
        ),
      );
    await withClient(url.toString(), async (client) => {
      const appId = `app-${randomUUID()}`;
      await client.query(
        `INSERT INTO apps (id, name, key, secret_encrypted, updated_at) VALUES ($1, 'Failures', $2, 'x', now())`,
        [appId, randomUUID()],
      );
      await client.query(
        `INSERT INTO endpoints (id, app_id, kind, url, event_types, standard_webhooks_secret_encrypted, updated_at)
         VALUES ($1, $2, 'http', 'http://127.0.0.1:9/failures', ARRAY['client_event'], 'x', now())`,
        [endpointId, appId],
      );
      await client.query(
        `INSERT INTO deliveries (id, app_id, endpoint_id, event_ids, event_names, channels, body, status, attempt_count, updated_at)
         VALUES ($1, $2, $3, ARRAY['evt'], ARRAY['client_event'], ARRAY['private-a'], '{}', 'succeeded', 7, now())`,
        [deliveryId, appId, endpointId],
      );
    });
    // Failed: a 5xx, an error, no answer at all; not failed: a 2xx with no error.
    await attempt(1, 503, null);
    await attempt(2, null, "timeout");
    await attempt(3, 200, null);
    await attempt(4, null, null);

    await prepareDatabase(url.toString());
    await attempt(5, 500, null);
    await attempt(6, 204, null);
    await attempt(7, null, null);

    const { rows } = await withClient(url.toString(), (client) =>
      client.query<{ endpoint_id: string; delivery_id: string; number: number }>(
        "SELECT endpoint_id, delivery_id, number FROM endpoint_failed_attempts ORDER BY number",
      ),
    );
    expect(rows).toEqual(
      [1, 2, 4, 5, 7].map((number) => ({
        endpoint_id: endpointId,
        delivery_id: deliveryId,
        number,
      })),
    );

    // Deleting the app takes its endpoints' failures too (a trigger, as there is no key).
    const left = await withClient(url.toString(), async (client) => {
      await client.query("DELETE FROM apps");
      return (await client.query("SELECT count(*)::int AS n FROM endpoint_failed_attempts")).rows[0]
        .n;
    });
    expect(left).toBe(0);
  });
});
