import { describe, expect, it } from "vitest";
import * as endpointsRoute from "@/app/api/v1/apps/[appId]/endpoints/route";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as rotateRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/rotate-secret/route";
import * as revealRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/reveal-secret/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import * as auditLogRoute from "@/app/api/v1/audit-log/route";
import { db } from "@/lib/db";
import { MASK } from "@/lib/mask";
import { disableEndpoint } from "@/lib/engine/record";
import { endpointFilter, endpointSecrets } from "@/lib/services/endpoints";
import { call } from "../helpers/api";
import {
  createEndpoint,
  endpointsPath,
  patchEndpoint,
  readEndpoint,
} from "../helpers/endpoints-api";
import { makeApp } from "../factories";
import { makeAppWithEndpoint, makeEndpoint } from "../factories/endpoints";
import { makeEvent } from "../helpers/delivery-log-fixtures";

describe("endpoints API: create and read", () => {
  it("creates an HTTP endpoint, shows the signing secret once and masks headers", async () => {
    const app = await makeApp();
    const created = await createEndpoint(app.id, {
      url: "https://hooks.example.com/pusher",
      eventTypes: ["member_added", "member_removed"],
      filter: { channelType: "presence", channelPrefix: "presence-game-" },
      headers: { Authorization: "Bearer very-secret-token", "X-Source": "herald" },
      timeoutMs: 5000,
      retry: { scheduleSeconds: [1, 5, 30], maxAgeSeconds: 3600 },
      batching: { enabled: true, durationMs: 200, maxBatchSize: 10 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      appId: app.id,
      url: "https://hooks.example.com/pusher",
      eventTypes: ["member_added", "member_removed"],
      filter: { channelType: "presence", channelPrefix: "presence-game-" },
      headers: { Authorization: MASK, "X-Source": MASK },
      enabled: true,
      disabledReason: null,
      disabledAutomatically: false,
      disabledAt: null,
      timeoutMs: 5000,
      retry: { scheduleSeconds: [1, 5, 30], maxAgeSeconds: 3600 },
      batching: { enabled: true, durationMs: 200, maxBatchSize: 10 },
    });
    expect(created.body.lambda).toBeUndefined();
    const secret: string = created.body.standardWebhooks.secret;
    expect(created.body.standardWebhooks.enabled).toBe(true);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const again = await readEndpoint(app.id, created.body.id);
    expect(again.status).toBe(200);
    expect(again.body.standardWebhooks.secret).toBe(`${MASK}${secret.slice(-4)}`);
    expect(again.body.headers).toEqual({ Authorization: MASK, "X-Source": MASK });

    const row = await db.endpoint.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.headersEncrypted).not.toContain("very-secret-token");
    expect(row.standardWebhooksSecretEncrypted).not.toContain(secret.slice(6));
    expect(endpointSecrets(row)).toEqual({
      headers: { Authorization: "Bearer very-secret-token", "X-Source": "herald" },
      standardWebhookSecrets: [secret],
    });
    expect(endpointFilter(row)).toEqual({
      channelType: "presence",
      channelPrefix: "presence-game-",
    });
  });

  it("creates a Lambda endpoint with Event as the default invocation type", async () => {
    const app = await makeApp();
    const created = await createEndpoint(app.id, {
      lambda: {
        functionName: "sockudoPresenceHandler",
        region: "us-east-1",
        endpointUrl: "http://127.0.0.1:4566",
      },
      eventTypes: ["member_added"],
      standardWebhooks: { enabled: false },
    });
    expect(created.status).toBe(201);
    expect(created.body.lambda).toEqual({
      functionName: "sockudoPresenceHandler",
      region: "us-east-1",
      invocationType: "Event",
      endpointUrl: "http://127.0.0.1:4566",
    });
    expect(created.body.url).toBeUndefined();
    expect(created.body.standardWebhooks.enabled).toBe(false);
    expect(created.body.retry).toBeNull();
    expect(created.body.batching).toBeNull();
  });

  it("keeps a given whsec_ secret", async () => {
    const app = await makeApp();
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    const created = await createEndpoint(app.id, {
      url: "http://127.0.0.1:8080/x",
      eventTypes: ["channel_occupied"],
      standardWebhooks: { secret },
    });
    expect(created.status).toBe(201);
    expect(created.body.standardWebhooks.secret).toBe(secret);
  });

  it("lists an app's endpoints with a cursor, and only that app's", async () => {
    const { app } = await makeAppWithEndpoint();
    await makeEndpoint(app.id);
    await makeEndpoint(app.id);
    await makeAppWithEndpoint();
    const first = await call(endpointsRoute.GET, "GET", endpointsPath(app.id), {
      params: { appId: app.id },
      query: { limit: "2" },
    });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    const second = await call(endpointsRoute.GET, "GET", endpointsPath(app.id), {
      params: { appId: app.id },
      query: { limit: "2", cursor: first.body.nextCursor },
    });
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const all = [...first.body.data, ...second.body.data];
    expect(new Set(all.map((endpoint: { id: string }) => endpoint.id)).size).toBe(3);
    expect(all.every((endpoint: { appId: string }) => endpoint.appId === app.id)).toBe(true);
  });
});

describe("endpoints API: bad input", () => {
  const valid = { url: "https://example.com/hook", eventTypes: ["channel_occupied"] };

  it.each([
    ["a non-http URL", { ...valid, url: "ftp://example.com/x" }, "url"],
    ["a javascript: URL", { ...valid, url: "javascript:alert(1)" }, "url"],
    ["credentials in the URL", { ...valid, url: "https://user:pw@example.com/x" }, "url"],
    ["a private IP address not allowed", { ...valid, url: "http://10.1.2.3/x" }, "url"],
    ["the cloud metadata address", { ...valid, url: "http://169.254.169.254/latest" }, "url"],
    ["a private IPv6 address not allowed", { ...valid, url: "http://[fd00::1]/x" }, "url"],
    [
      "a private Lambda endpointUrl not allowed",
      {
        eventTypes: ["channel_occupied"],
        lambda: { functionName: "f", endpointUrl: "http://10.0.0.5:4566" },
      },
      "lambda.endpointUrl",
    ],
    ["no url and no lambda", { eventTypes: ["channel_occupied"] }, "url"],
    ["both url and lambda", { ...valid, lambda: { functionName: "f" } }, "lambda"],
    ["empty event types", { ...valid, eventTypes: [] }, "eventTypes"],
    [
      "a duplicate event type",
      { ...valid, eventTypes: ["channel_occupied", "channel_occupied"] },
      "eventTypes.1",
    ],
    [
      "a catastrophic pattern",
      { ...valid, filter: { channelPattern: "^(a+)+$" } },
      "filter.channelPattern",
    ],
    [
      "an invalid pattern",
      { ...valid, filter: { channelPattern: "([a-z" } },
      "filter.channelPattern",
    ],
    [
      "an unknown channel type",
      { ...valid, filter: { channelType: "secret" } },
      "filter.channelType",
    ],
    [
      "a reserved header",
      { ...valid, headers: { "X-Pusher-Signature": "forged" } },
      "headers.X-Pusher-Signature",
    ],
    [
      "a reserved header in another case",
      { ...valid, headers: { "content-TYPE": "text/plain" } },
      "headers.content-TYPE",
    ],
    [
      "an x-herald- header",
      { ...valid, headers: { "X-Herald-Attempt": "1" } },
      "headers.X-Herald-Attempt",
    ],
    [
      "a Standard Webhooks header",
      { ...valid, headers: { "webhook-signature": "v1,x" } },
      "headers.webhook-signature",
    ],
    ["an invalid header name", { ...valid, headers: { "Bad Header": "x" } }, "headers.Bad Header"],
    [
      "a header value with CRLF",
      { ...valid, headers: { "X-Ok": "a\r\nInjected: yes" } },
      "headers.X-Ok",
    ],
    ["a timeout below 100 ms", { ...valid, timeoutMs: 50 }, "timeoutMs"],
    [
      "a retry delay over a day",
      { ...valid, retry: { scheduleSeconds: [5, 90_000] } },
      "retry.scheduleSeconds.1",
    ],
    [
      "a retry max age under a minute",
      { ...valid, retry: { scheduleSeconds: [5], maxAgeSeconds: 10 } },
      "retry.maxAgeSeconds",
    ],
    [
      "too many retries",
      { ...valid, retry: { scheduleSeconds: Array(26).fill(1) } },
      "retry.scheduleSeconds",
    ],
    [
      "a bad whsec_ secret",
      { ...valid, standardWebhooks: { secret: "whsec_short" } },
      "standardWebhooks.secret",
    ],
    [
      "a Lambda without a function name",
      { eventTypes: ["channel_occupied"], lambda: { region: "us-east-1" } },
      "lambda.functionName",
    ],
    [
      "a bad Lambda invocation type",
      { eventTypes: ["channel_occupied"], lambda: { functionName: "f", invocationType: "DryRun" } },
      "lambda.invocationType",
    ],
    [
      "a non-http Lambda endpointUrl",
      {
        eventTypes: ["channel_occupied"],
        lambda: { functionName: "f", endpointUrl: "file:///etc/passwd" },
      },
      "lambda.endpointUrl",
    ],
    ["an unknown field", { ...valid, colour: "red" }, "colour"],
  ])("rejects %s with 422 naming the field", async (_label, body, field) => {
    const app = await makeApp();
    const result = await createEndpoint(app.id, body);
    expect(result.status).toBe(422);
    expect(result.body.error.code).toBe("validation_failed");
    expect(result.body.error.details.map((detail: { field: string }) => detail.field)).toContain(
      field,
    );
    expect(await db.endpoint.count({ where: { appId: app.id } })).toBe(0);
  });

  it("answers 4xx, never 500, to hostile shapes on create and update", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const bodies: unknown[] = [
      null,
      42,
      "text",
      [],
      { url: 5, eventTypes: "channel_occupied" },
      { url: "::::", eventTypes: [null] },
      { url: "http://[bad", eventTypes: ["channel_occupied"] },
      { ...valid, headers: { "X-A": 1, "X-B": { nested: true }, "X-C": null } },
      { ...valid, headers: ["X-A"] },
      { ...valid, filter: { channelPattern: 42 } },
      { ...valid, filter: "presence-" },
      { ...valid, retry: { scheduleSeconds: "5,10" } },
      { ...valid, lambda: "fn" },
      { ...valid, standardWebhooks: null },
      { eventTypes: ["channel_occupied"], lambda: { functionName: "f".repeat(500) } },
    ];
    for (const body of bodies) {
      const created = await createEndpoint(app.id, body);
      expect(created.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(created.status, JSON.stringify(body)).toBeLessThan(500);
      const patched = await patchEndpoint(app.id, endpoint.id, body);
      expect(patched.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(patched.status, JSON.stringify(body)).toBeLessThan(500);
    }
    expect(await db.endpoint.count({ where: { appId: app.id } })).toBe(1);
  });

  it("accepts a private address the allow-list names, and says how to allow one it does not", async () => {
    const app = await makeApp();
    expect(
      (await createEndpoint(app.id, { ...valid, url: "http://127.0.0.1:9/hook" })).status,
    ).toBe(201); // HERALD_ALLOWED_DESTINATIONS
    const refused = await createEndpoint(app.id, { ...valid, url: "http://10.1.2.3/x" });
    expect(refused.body.error.details).toEqual([
      { field: "url", issue: expect.stringContaining("add it to HERALD_ALLOWED_DESTINATIONS") },
    ]);
  });

  it("reports the server-only checks together: a private address and a catastrophic pattern", async () => {
    const app = await makeApp();
    const body = { ...valid, url: "http://10.1.2.3/x", filter: { channelPattern: "^(a+)+$" } };
    const created = await createEndpoint(app.id, body);
    expect(created.status).toBe(422);
    expect(created.body.error.details).toEqual([
      { field: "url", issue: expect.stringContaining("10.1.2.3") },
      { field: "filter.channelPattern", issue: expect.stringContaining("catastrophic") },
    ]);
    const { endpoint } = await makeAppWithEndpoint();
    const patched = await patchEndpoint(endpoint.appId, endpoint.id, body);
    expect(patched.status).toBe(422);
    expect(patched.body.error.details.map((detail: { field: string }) => detail.field)).toEqual([
      "url",
      "filter.channelPattern",
    ]);
    expect(await db.endpoint.count({ where: { appId: app.id } })).toBe(0);
  });

  it("says what a number field takes, whatever was wrong with it", async () => {
    const app = await makeApp();
    for (const timeoutMs of ["abc", 1.5, 50, 70_000]) {
      const result = await createEndpoint(app.id, { ...valid, timeoutMs });
      expect(result.body.error.details, String(timeoutMs)).toEqual([
        { field: "timeoutMs", issue: "must be a whole number of ms from 100 to 60000" },
      ]);
    }
    const batch = await createEndpoint(app.id, {
      ...valid,
      batching: { enabled: true, durationMs: 50, maxBatchSize: 0 },
    });
    expect(batch.body.error.details).toEqual([
      { field: "batching.maxBatchSize", issue: "must be a whole number from 1 to 1000" },
    ]);
  });

  it("lets an endpoint saved while its private address was allowed be edited, but not moved to another", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    await db.endpoint.update({ where: { id: endpoint.id }, data: { url: "http://10.1.2.3/x" } });
    // The dashboard's form sends the whole endpoint back, URL included.
    const edited = await patchEndpoint(app.id, endpoint.id, {
      description: "Renamed",
      url: "http://10.1.2.3/x",
    });
    expect(edited.status).toBe(200);
    const moved = await patchEndpoint(app.id, endpoint.id, { url: "http://10.9.9.9/x" });
    expect(moved.status).toBe(422);
    expect(moved.body.error.details).toEqual([
      { field: "url", issue: expect.stringContaining("10.9.9.9") },
    ]);
  });

  it("rejects event types missing from the catalog, naming the index", async () => {
    const app = await makeApp();
    const result = await createEndpoint(app.id, {
      ...valid,
      eventTypes: ["channel_occupied", "no_such_event"],
    });
    expect(result.status).toBe(422);
    expect(result.body.error.details).toEqual([
      { field: "eventTypes.1", issue: "'no_such_event' is not in the event type catalog" },
    ]);
  });

  it("rejects more than 50 headers, headers on a Lambda endpoint, and a masked value on create", async () => {
    const app = await makeApp();
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`X-H${index}`, "v"]));
    expect((await createEndpoint(app.id, { ...valid, headers: many })).status).toBe(422);
    const lambdaHeaders = await createEndpoint(app.id, {
      eventTypes: ["channel_occupied"],
      lambda: { functionName: "f" },
      headers: { "X-A": "b" },
    });
    expect(lambdaHeaders.status).toBe(422);
    expect(lambdaHeaders.body.error.details[0].field).toBe("headers");
    const masked = await createEndpoint(app.id, { ...valid, headers: { "X-A": MASK } });
    expect(masked.status).toBe(422);
    expect(masked.body.error.details[0].field).toBe("headers.X-A");
  });

  it("answers 400 to malformed JSON and 404 to unknown apps and endpoint ids", async () => {
    const app = await makeApp();
    const malformed = await call(endpointsRoute.POST, "POST", endpointsPath(app.id), {
      params: { appId: app.id },
      rawBody: '{"url": ',
    });
    expect(malformed.status).toBe(400);
    expect((await createEndpoint("no-such-app-404", valid)).status).toBe(404);
    expect((await readEndpoint(app.id, "not-a-uuid")).status).toBe(404);
    expect((await readEndpoint(app.id, "0193a5b0-0000-7000-8000-000000000000")).status).toBe(404);
    expect((await patchEndpoint(app.id, "not-a-uuid", { enabled: false })).status).toBe(404);
    const foreign = await makeAppWithEndpoint();
    expect((await readEndpoint(app.id, foreign.endpoint.id)).status).toBe(404);
    const wrongDelete = await call(endpointRoute.DELETE, "DELETE", "/x", {
      params: { appId: app.id, endpointId: foreign.endpoint.id },
    });
    expect(wrongDelete.status).toBe(404);
    expect(await db.endpoint.findUnique({ where: { id: foreign.endpoint.id } })).not.toBeNull();
  });

  it("keeps tokens limited to one app out of other apps' endpoints", async () => {
    const own = await makeAppWithEndpoint();
    const other = await makeAppWithEndpoint();
    const token = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "one app", scopes: ["read", "write"], appId: own.app.id },
      })
    ).body.token;
    const ownRead = await call(endpointRoute.GET, "GET", "/x", {
      params: { appId: own.app.id, endpointId: own.endpoint.id },
      token,
    });
    expect(ownRead.status).toBe(200);
    const otherRead = await call(endpointRoute.GET, "GET", "/x", {
      params: { appId: other.app.id, endpointId: other.endpoint.id },
      token,
    });
    expect(otherRead.status).toBe(403);
    const otherCreate = await call(endpointsRoute.POST, "POST", "/x", {
      params: { appId: other.app.id },
      body: valid,
      token,
    });
    expect(otherCreate.status).toBe(403);
  });
});

describe("endpoints API: update, rotate, delete", () => {
  it("patches partially; masked header values keep the stored value", async () => {
    const { app, endpoint } = await makeAppWithEndpoint({
      headers: { Authorization: "Bearer keep-me", "X-Old": "drop-me" },
      description: "before",
    });
    const patched = await patchEndpoint(app.id, endpoint.id, {
      headers: { Authorization: MASK, "X-New": "fresh" },
      eventTypes: ["client_event"],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.headers).toEqual({ Authorization: MASK, "X-New": MASK });
    expect(patched.body.eventTypes).toEqual(["client_event"]);
    expect(patched.body.description).toBe("before");
    expect(patched.body.url).toBe(endpoint.url);
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(endpointSecrets(row).headers).toEqual({
      Authorization: "Bearer keep-me",
      "X-New": "fresh",
    });

    const unknownMasked = await patchEndpoint(app.id, endpoint.id, {
      headers: { "X-Never-Set": MASK },
    });
    expect(unknownMasked.status).toBe(422);
    expect(unknownMasked.body.error.details[0].field).toBe("headers.X-Never-Set");
    const badPattern = await patchEndpoint(app.id, endpoint.id, {
      filter: { channelPattern: "^(a+)+$" },
    });
    expect(badPattern.status).toBe(422);
    const unknownType = await patchEndpoint(app.id, endpoint.id, { eventTypes: ["nope_nope"] });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.error.details[0].field).toBe("eventTypes.0");
    expect(
      endpointSecrets(await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).headers,
    ).toEqual({ Authorization: "Bearer keep-me", "X-New": "fresh" });
  });

  it("clears overrides with null and switches between HTTP and Lambda", async () => {
    const { app, endpoint } = await makeAppWithEndpoint({
      timeoutMs: 2000,
      retry: { scheduleSeconds: [1] },
      headers: { "X-A": "b" },
    });
    const cleared = await patchEndpoint(app.id, endpoint.id, {
      timeoutMs: null,
      retry: null,
      batching: null,
    });
    expect(cleared.body).toMatchObject({ timeoutMs: null, retry: null, batching: null });
    const lambda = await patchEndpoint(app.id, endpoint.id, {
      lambda: { functionName: "handler", invocationType: "RequestResponse" },
    });
    expect(lambda.status).toBe(200);
    expect(lambda.body.url).toBeUndefined();
    expect(lambda.body.lambda).toEqual({
      functionName: "handler",
      invocationType: "RequestResponse",
    });
    expect(lambda.body.headers).toEqual({});
    const back = await patchEndpoint(app.id, endpoint.id, { url: "https://example.com/back" });
    expect(back.body.url).toBe("https://example.com/back");
    expect(back.body.lambda).toBeUndefined();
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.kind).toBe("http");
    expect(row.lambda).toBeNull();
  });

  it("disables with a reason and re-enabling clears it and the failure count", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const disabled = await patchEndpoint(app.id, endpoint.id, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    expect(disabled.body.disabledReason).toMatch(/Disabled by bootstrap/);
    await db.endpoint.update({
      where: { id: endpoint.id },
      data: { disabledReason: "HTTP 410 Gone", consecutiveFailures: 25 },
    });
    const enabled = await patchEndpoint(app.id, endpoint.id, { enabled: true });
    expect(enabled.body.enabled).toBe(true);
    expect(enabled.body.disabledReason).toBeNull();
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.consecutiveFailures).toBe(0);
    expect(row.disabledAt).toBeNull();
  });

  it("tells a manual disable from Herald's own: disabledAutomatically, with when", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const before = Date.now();
    const manual = await patchEndpoint(app.id, endpoint.id, { enabled: false });
    expect(manual.body).toMatchObject({
      enabled: false,
      disabledAutomatically: false,
      disabledReason: expect.stringMatching(/Disabled by bootstrap/),
    });
    expect(Date.parse(manual.body.disabledAt)).toBeGreaterThanOrEqual(before - 1000);
    expect((await readEndpoint(app.id, endpoint.id)).body.disabledAutomatically).toBe(false);

    await patchEndpoint(app.id, endpoint.id, { enabled: true });
    // What the delivery engine does on 410 Gone or when the failure threshold is reached.
    await db.$transaction((tx) =>
      disableEndpoint(
        tx,
        endpoint.id,
        "The endpoint answered 410 Gone on a test day; Herald disabled it.",
      ),
    );
    const automatic = await readEndpoint(app.id, endpoint.id);
    expect(automatic.body).toMatchObject({
      enabled: false,
      disabledAutomatically: true,
      disabledReason: expect.stringMatching(/410 Gone/),
    });
    expect(automatic.body.disabledAt).toEqual(expect.any(String));

    // Re-enabling and disabling by hand again is a manual disable once more.
    expect((await patchEndpoint(app.id, endpoint.id, { enabled: true })).body).toMatchObject({
      enabled: true,
      disabledAutomatically: false,
      disabledAt: null,
    });
    expect(
      (await patchEndpoint(app.id, endpoint.id, { enabled: false })).body.disabledAutomatically,
    ).toBe(false);

    const createdDisabled = await createEndpoint(app.id, {
      url: "https://hooks.example.com/off",
      eventTypes: ["member_added"],
      enabled: false,
    });
    expect(createdDisabled.body).toMatchObject({ enabled: false, disabledAutomatically: false });
  });

  it("rotates the signing secret, keeping the previous one during the grace period", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const original = endpoint.standardWebhooks.secret;
    const rotated = await call(rotateRoute.POST, "POST", "/x", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { graceSeconds: 600 },
    });
    expect(rotated.status).toBe(200);
    const fresh: string = rotated.body.standardWebhooks.secret;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(original);
    const row = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(endpointSecrets(row).standardWebhookSecrets).toEqual([fresh, original]);
    expect(endpointSecrets(row, new Date(Date.now() + 601_000)).standardWebhookSecrets).toEqual([
      fresh,
    ]);

    const immediate = await call(rotateRoute.POST, "POST", "/x", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { graceSeconds: 0 },
    });
    const after = await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(endpointSecrets(after).standardWebhookSecrets).toEqual([
      immediate.body.standardWebhooks.secret,
    ]);
    const badGrace = await call(rotateRoute.POST, "POST", "/x", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: { graceSeconds: -1 },
    });
    expect(badGrace.status).toBe(422);
    expect(badGrace.body.error.details[0].field).toBe("graceSeconds");
  });

  it("reveals the signing secret on demand to a write token only, and audits each reveal", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const params = { appId: app.id, endpointId: endpoint.id };
    const revealed = await call(revealRoute.POST, "POST", "/x", { params });
    expect(revealed.status).toBe(200);
    expect(revealed.body.standardWebhooks.secret).toBe(endpoint.standardWebhooks.secret);
    const reader = (
      await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
        body: { name: "reader", scopes: ["read"] },
      })
    ).body.token;
    expect((await call(revealRoute.POST, "POST", "/x", { params, token: reader })).status).toBe(
      403,
    );
    expect(
      (
        await call(revealRoute.POST, "POST", "/x", {
          params: { appId: app.id, endpointId: "0190a0b0-0000-7000-8000-000000000001" },
        })
      ).status,
    ).toBe(404);
    const log = await call(auditLogRoute.GET, "GET", "/api/v1/audit-log", {
      query: { appId: app.id },
    });
    expect(
      log.body.data.filter(
        (entry: { action: string }) => entry.action === "endpoint.secret_revealed",
      ),
    ).toHaveLength(1);
  });

  it("keeps the events waiting in a deleted endpoint's batch window in the log, as a cancelled delivery", async () => {
    const { app, endpoint } = await makeAppWithEndpoint();
    const events = [await makeEvent(app.id), await makeEvent(app.id), await makeEvent(app.id)];
    for (const event of events)
      await db.batchItem.create({ data: { endpointId: endpoint.id, eventSeq: event.seq } });

    expect(
      (
        await call(endpointRoute.DELETE, "DELETE", "/x", {
          params: { appId: app.id, endpointId: endpoint.id },
        })
      ).status,
    ).toBe(204);

    const kept = await db.delivery.findMany({ where: { appId: app.id } });
    expect(
      kept.map((delivery) => [
        delivery.endpointId,
        delivery.status,
        delivery.eventIds,
        delivery.nextAttemptAt,
      ]),
    ).toEqual([[null, "cancelled", events.map((event) => event.id), null]]);
    expect(kept[0]!.lastError).toMatch(/^Cancelled: the endpoint was deleted/);
    expect(JSON.parse(kept[0]!.body).events).toHaveLength(3);
    expect(await db.batchItem.count({ where: { endpointId: endpoint.id } })).toBe(0);
  });

  it("chunks a deleted endpoint's waiting events by the app's batch size when the endpoint has none of its own", async () => {
    const app = await makeApp({ batching: { enabled: true, durationMs: 60_000, maxBatchSize: 2 } });
    const endpoint = await makeEndpoint(app.id);
    expect(endpoint.batching).toBeNull();
    const events = [await makeEvent(app.id), await makeEvent(app.id), await makeEvent(app.id)];
    for (const event of events)
      await db.batchItem.create({ data: { endpointId: endpoint.id, eventSeq: event.seq } });

    expect(
      (
        await call(endpointRoute.DELETE, "DELETE", "/x", {
          params: { appId: app.id, endpointId: endpoint.id },
        })
      ).status,
    ).toBe(204);

    const kept = await db.delivery.findMany({ where: { appId: app.id }, orderBy: { id: "asc" } });
    expect(kept.map((delivery) => [delivery.status, delivery.eventIds])).toEqual([
      ["cancelled", events.slice(0, 2).map((event) => event.id)],
      ["cancelled", [events[2]!.id]],
    ]);
  });

  it("deletes and records every change in the audit log with secrets masked", async () => {
    const { app, endpoint } = await makeAppWithEndpoint({
      headers: { Authorization: "Bearer audit-secret" },
    });
    await patchEndpoint(app.id, endpoint.id, {
      headers: { Authorization: "Bearer second-secret" },
    });
    // The whole endpoint sent back with one field changed, as the dashboard's form does.
    await patchEndpoint(app.id, endpoint.id, {
      description: "Renamed",
      url: endpoint.url,
      eventTypes: endpoint.eventTypes,
      headers: { Authorization: MASK },
    });
    await call(rotateRoute.POST, "POST", "/x", {
      params: { appId: app.id, endpointId: endpoint.id },
      body: {},
    });
    const deleted = await call(endpointRoute.DELETE, "DELETE", "/x", {
      params: { appId: app.id, endpointId: endpoint.id },
    });
    expect(deleted.status).toBe(204);
    expect((await readEndpoint(app.id, endpoint.id)).status).toBe(404);

    const log = await call(auditLogRoute.GET, "GET", "/api/v1/audit-log", {
      query: { appId: app.id },
    });
    expect(log.status).toBe(200);
    expect(log.body.data.map((entry: { action: string }) => entry.action)).toEqual([
      "endpoint.deleted",
      "endpoint.secret_rotated",
      "endpoint.updated",
      "endpoint.updated",
      "endpoint.created",
      "app.created",
    ]);
    // Each update says what it changed: a replaced header value by name (values stay masked).
    const [renamed, rekeyed] = log.body.data.filter(
      (entry: { action: string }) => entry.action === "endpoint.updated",
    );
    expect(renamed.changes).toEqual({ description: { from: "Test endpoint", to: "Renamed" } });
    expect(rekeyed.changes).toEqual({
      headers: {
        from: { Authorization: MASK },
        to: { Authorization: MASK },
        valuesChanged: ["Authorization"],
      },
    });
    const serialized = JSON.stringify(log.body);
    expect(serialized).not.toContain("audit-secret");
    expect(serialized).not.toContain("second-secret");
    expect(serialized).not.toContain(endpoint.standardWebhooks.secret);
    const paged = await call(auditLogRoute.GET, "GET", "/api/v1/audit-log", {
      query: { appId: app.id, limit: "2" },
    });
    expect(paged.body.data).toHaveLength(2);
    const rest = await call(auditLogRoute.GET, "GET", "/api/v1/audit-log", {
      query: { appId: app.id, limit: "10", cursor: paged.body.nextCursor },
    });
    expect(rest.body.data.map((entry: { action: string }) => entry.action)).toEqual([
      "endpoint.updated",
      "endpoint.updated",
      "endpoint.created",
      "app.created",
    ]);
  });
});
