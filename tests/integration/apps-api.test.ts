import { describe, expect, it } from "vitest";
import * as appsRoute from "@/app/api/v1/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as rotateRoute from "@/app/api/v1/apps/[appId]/rotate-secret/route";
import * as revealRoute from "@/app/api/v1/apps/[appId]/reveal-secret/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import * as tokenRoute from "@/app/api/v1/api-tokens/[tokenId]/route";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";

describe("apps API", () => {
  it("creates an app with a given id, key and secret and shows the secret only on create", async () => {
    const id = uniqueId("mirror");
    const created = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id, name: "Mirror", key: `key-${id}`, secret: "a-long-app-secret-value" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id,
      name: "Mirror",
      key: `key-${id}`,
      secret: "a-long-app-secret-value",
      enabled: true,
    });
    expect(created.body.batching).toEqual({ enabled: true, durationMs: 50, maxBatchSize: 100 });

    const read = await call(appRoute.GET, "GET", `/api/v1/apps/${id}`, { params: { appId: id } });
    expect(read.status).toBe(200);
    expect(read.body.secret).toBe("********alue");

    const row = await db.app.findUniqueOrThrow({ where: { id } });
    expect(row.secretEncrypted).not.toContain("a-long-app-secret-value");
  });

  it("generates id, key and secret when not given", async () => {
    const created = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { name: "Generated" },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^\d{6}$/);
    expect(created.body.key).toMatch(/^[0-9a-f]{20}$/);
    expect(created.body.secret).toMatch(/^[0-9a-f]{32}$/);
  });

  it("rejects bad input with 4xx naming the field", async () => {
    const missingName = await call(appsRoute.POST, "POST", "/api/v1/apps", { body: { id: "x" } });
    expect(missingName.status).toBe(422);
    expect(missingName.body.error.details).toContainEqual({
      field: "name",
      issue: expect.any(String),
    });

    const badId = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { name: "n", id: "has space" },
    });
    expect(badId.status).toBe(422);
    expect(badId.body.error.details[0].field).toBe("id");

    const malformed = await call(appsRoute.POST, "POST", "/api/v1/apps", { rawBody: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("bad_request");

    const unknownField = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { name: "n", colour: "red" },
    });
    expect(unknownField.status).toBe(422);

    const arrayBody = await call(appsRoute.POST, "POST", "/api/v1/apps", { body: [1, 2] });
    expect(arrayBody.status).toBe(422);
  });

  it("answers 409 to a duplicate id and 404 to an unknown one", async () => {
    const app = await makeApp();
    const duplicate = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id: app.id, name: "again" },
    });
    expect(duplicate.status).toBe(409);
    const missing = await call(appRoute.GET, "GET", "/api/v1/apps/nope-404", {
      params: { appId: "nope-404" },
    });
    expect(missing.status).toBe(404);
  });

  it("updates batching and enabled, and deletes", async () => {
    const app = await makeApp();
    const patched = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
      body: { enabled: false, batching: { durationMs: 250 } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.enabled).toBe(false);
    expect(patched.body.batching).toEqual({ enabled: true, durationMs: 250, maxBatchSize: 100 });

    const deleted = await call(appRoute.DELETE, "DELETE", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
    });
    expect(deleted.status).toBe(204);
    expect(await db.app.findUnique({ where: { id: app.id } })).toBeNull();
    const audit = await db.auditLog.findMany({
      where: { appId: app.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((entry) => entry.action)).toEqual([
      "app.created",
      "app.updated",
      "app.deleted",
    ]);
    // The update's entry says what changed, from what to what, and nothing else.
    expect(audit[1]!.changes).toEqual({
      enabled: { from: true, to: false },
      batching: {
        from: { enabled: true, durationMs: 50, maxBatchSize: 100 },
        to: { enabled: true, durationMs: 250, maxBatchSize: 100 },
      },
    });
  });

  it("reveals the secret on demand to a write token of that app only, and audits each reveal", async () => {
    const app = await makeApp({ secret: "revealed-secret-value-1234" });
    const reveal = (appId: string, token?: string) =>
      call(revealRoute.POST, "POST", `/api/v1/apps/${appId}/reveal-secret`, {
        params: { appId },
        token,
      });
    const revealed = await reveal(app.id);
    expect(revealed.status).toBe(200);
    expect(revealed.body.secret).toBe("revealed-secret-value-1234");
    const token = async (scopes: string[], appId?: string) =>
      (
        await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
          body: { name: "t", scopes, appId },
        })
      ).body.token;
    expect((await reveal(app.id, await token(["read"]))).status).toBe(403);
    const other = await makeApp();
    expect((await reveal(app.id, await token(["write"], other.id))).status).toBe(403);
    expect((await reveal(app.id, await token(["write"], app.id))).status).toBe(200);
    expect(
      await db.auditLog.count({ where: { appId: app.id, action: "app.secret_revealed" } }),
    ).toBe(2);
  });

  it("rotates the secret and keeps the previous one for the grace period", async () => {
    const app = await makeApp({ secret: "first-secret-value-1234" });
    const rotated = await call(rotateRoute.POST, "POST", `/api/v1/apps/${app.id}/rotate-secret`, {
      params: { appId: app.id },
      body: { graceSeconds: 600 },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe("first-secret-value-1234");
    expect(rotated.body.secret).toMatch(/^[0-9a-f]{32}$/);
    const expires = new Date(rotated.body.previousSecretExpiresAt).getTime();
    expect(expires - Date.now()).toBeGreaterThan(590_000);
  });

  it("paginates with a cursor", async () => {
    for (let index = 0; index < 3; index++) await makeApp();
    const first = await call(appsRoute.GET, "GET", "/api/v1/apps", { query: { limit: "2" } });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(appsRoute.GET, "GET", "/api/v1/apps", {
      query: { limit: "2", cursor: first.body.nextCursor },
    });
    expect(second.body.data[0].id > first.body.data[1].id).toBe(true);
    const tooMany = await call(appsRoute.GET, "GET", "/api/v1/apps", { query: { limit: "251" } });
    expect(tooMany.status).toBe(400);
  });

  it("replays a POST repeated with the same Idempotency-Key", async () => {
    const key = uniqueId("idem");
    const body = { name: "Once", id: uniqueId("once") };
    const first = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body,
      headers: { "idempotency-key": key },
    });
    const second = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body,
      headers: { "idempotency-key": key },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const reused = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { name: "Other" },
      headers: { "idempotency-key": key },
    });
    expect(reused.status).toBe(409);
  });
});

describe("authentication and API tokens", () => {
  it("answers 401 without a token and with a wrong one", async () => {
    expect((await call(appsRoute.GET, "GET", "/api/v1/apps", { token: null })).status).toBe(401);
    expect((await call(appsRoute.GET, "GET", "/api/v1/apps", { token: "hrld_wrong" })).status).toBe(
      401,
    );
  });

  it("creates a token shown once, enforces scopes and app restriction, and revokes it", async () => {
    const app = await makeApp();
    const other = await makeApp();
    const created = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "read-only", scopes: ["read"], appId: app.id },
    });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^hrld_/);
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.tokenHash).not.toContain(token);

    const listed = await call(tokensRoute.GET, "GET", "/api/v1/api-tokens");
    const inList = listed.body.data.find((entry: { id: string }) => entry.id === created.body.id);
    expect(inList.token).toBeUndefined();

    const own = await call(appRoute.GET, "GET", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
      token,
    });
    expect(own.status).toBe(200);
    const foreign = await call(appRoute.GET, "GET", `/api/v1/apps/${other.id}`, {
      params: { appId: other.id },
      token,
    });
    expect(foreign.status).toBe(403);
    const list = await call(appsRoute.GET, "GET", "/api/v1/apps", { token });
    expect(list.body.data.map((entry: { id: string }) => entry.id)).toEqual([app.id]);
    const write = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
      body: { name: "x" },
      token,
    });
    expect(write.status).toBe(403);

    const revoked = await call(
      tokenRoute.DELETE,
      "DELETE",
      `/api/v1/api-tokens/${created.body.id}`,
      { params: { tokenId: created.body.id } },
    );
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    expect(
      (
        await call(appRoute.GET, "GET", `/api/v1/apps/${app.id}`, {
          params: { appId: app.id },
          token,
        })
      ).status,
    ).toBe(401);
  });

  it("rejects a token request with no scopes or an unknown scope", async () => {
    const none = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "x", scopes: [] },
    });
    expect(none.status).toBe(422);
    const unknown = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "x", scopes: ["admin"] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0].field).toBe("scopes.0");
  });
});

describe("hostile input", () => {
  it("refuses NUL characters and very deep nesting with a 422 naming the field", async () => {
    const nul = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      rawBody: '{"name":"a\\u0000b"}',
    });
    expect(nul.status).toBe(422);
    expect(nul.body.error.details).toEqual([
      { field: "name", issue: expect.stringContaining("NUL") },
    ]);
    // JSON can escape an unpaired surrogate, which Postgres cannot store: a 422, not a 500 or a
    // 404.
    const surrogate = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      rawBody: '{"name":"x\\ud800y"}',
    });
    expect(surrogate.status).toBe(422);
    expect(surrogate.body.error.details).toEqual([
      { field: "name", issue: expect.stringContaining("unpaired UTF-16 surrogate") },
    ]);

    const deep = '{"name":"x","batching":' + '{"a":'.repeat(5000) + "1" + "}".repeat(5000) + "}";
    const nested = await call(appsRoute.POST, "POST", "/api/v1/apps", { rawBody: deep });
    expect(nested.status).toBe(422);
    expect(nested.body.error.message).toContain("nested deeper");
  });

  it("answers 404 to an id with a NUL character and 400 to such a query parameter", async () => {
    expect(
      (await call(appRoute.GET, "GET", "/api/v1/apps/a%00b", { params: { appId: "a\u0000b" } }))
        .status,
    ).toBe(404);
    const query = await call(appsRoute.GET, "GET", "/api/v1/apps", {
      query: { cursor: "a\u0000b" },
    });
    expect(query.status).toBe(400);
  });

  it("names an unknown field itself and rejects a cursor it never issued", async () => {
    const unknown = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { name: "x", foo: 1 },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ field: "foo", issue: "is not a known field" }]);
    const garbage = await call(appsRoute.GET, "GET", "/api/v1/apps", {
      query: { cursor: "garbage" },
    });
    expect(garbage.status).toBe(400);
  });

  it("keeps batching fields that a PATCH does not send", async () => {
    const app = await makeApp({ batching: { enabled: false, durationMs: 200, maxBatchSize: 10 } });
    const patched = await call(appRoute.PATCH, "PATCH", `/api/v1/apps/${app.id}`, {
      params: { appId: app.id },
      body: { batching: { durationMs: 300 } },
    });
    expect(patched.body.batching).toEqual({ enabled: false, durationMs: 300, maxBatchSize: 10 });
  });

  it("lets only one of concurrent requests with the same Idempotency-Key act, and stores no secret in clear", async () => {
    const key = uniqueId("race");
    const body = { name: "race", secret: "plain-secret-never-stored-in-clear" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(appsRoute.POST, "POST", "/api/v1/apps", { body, headers: { "idempotency-key": key } }),
      ),
    );
    const created = results.filter((result) => result.status === 201);
    expect(new Set(created.map((result) => result.body.id)).size).toBe(1);
    expect(results.every((result) => result.status === 201 || result.status === 409)).toBe(true);
    expect(await db.app.count({ where: { id: created[0]!.body.id } })).toBe(1);
    const stored = await db.idempotencyKey.findFirstOrThrow({ where: { key } });
    expect(JSON.stringify(stored.responseBody)).not.toContain("plain-secret-never-stored-in-clear");
  });
});
