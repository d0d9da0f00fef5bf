import { describe, expect, it } from "vitest";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { uniqueId } from "../factories";

// What an API token's expiry may be, as the REST API (and the dashboard's form) sees it.

const createToken = (body: Record<string, unknown>) =>
  call(tokensRoute.POST, "POST", "/api/v1/api-tokens", { body: { scopes: ["read"], ...body } });

describe("API token expiry", () => {
  it("refuses an expiresAt in the past with a 422 naming the field, and stores nothing", async () => {
    const name = uniqueId("expired-already");
    const refused = await createToken({
      name,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      { field: "expiresAt", issue: "must be in the future" },
    ]);
    expect(await db.apiToken.count({ where: { name } })).toBe(0);
  });

  it("accepts a future expiresAt, or none, and lists the token with it", async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const expiring = await createToken({ name: uniqueId("hour"), expiresAt });
    expect(expiring.status).toBe(201);
    expect(expiring.body.expiresAt).toBe(expiresAt);
    const listed = await call(tokensRoute.GET, "GET", "/api/v1/api-tokens", {
      query: { limit: "250" },
    });
    expect(
      listed.body.data.find((token: { id: string }) => token.id === expiring.body.id)?.expiresAt,
    ).toBe(expiresAt);
    const lasting = await createToken({ name: uniqueId("lasting"), expiresAt: null });
    expect(lasting.status).toBe(201);
    expect(lasting.body.expiresAt).toBeNull();
  });
});
