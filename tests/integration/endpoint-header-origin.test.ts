import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as endpointRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/route";
import * as testRoute from "@/app/api/v1/apps/[appId]/endpoints/[endpointId]/test/route";
import { MASK } from "@/lib/mask";
import { endpointSecrets } from "@/lib/services/endpoints";
import { db } from "@/lib/db";
import { call } from "../helpers/api";
import { makeAppWithEndpoint } from "../factories/endpoints";
import { startReceiver, type Receiver } from "../helpers/receiver";

// Stored header values were given for one origin. A write token that points the endpoint's URL at
// another one must send them again or drop them; it cannot redirect them to its own server.

let owner: Receiver;
let stranger: Receiver;
beforeAll(async () => {
  [owner, stranger] = await Promise.all([startReceiver(), startReceiver()]);
});
afterAll(() => Promise.all([owner.close(), stranger.close()]));

const CREDENTIAL = "Bearer receivers-own-credential";

async function endpointWithCredential() {
  const { app, endpoint } = await makeAppWithEndpoint({
    url: owner.url("/hook"),
    headers: { Authorization: CREDENTIAL, "X-Team": "blue" },
  });
  const params = { appId: app.id, endpointId: endpoint.id };
  return {
    params,
    patch: (body: unknown) => call(endpointRoute.PATCH, "PATCH", "/x", { params, body }),
    test: () => call(testRoute.POST, "POST", "/x", { params, rawBody: "" }),
    stored: async () =>
      endpointSecrets(await db.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).headers,
  };
}

describe("endpoint header values and the URL's origin", () => {
  it("refuses to carry stored header values to another origin, naming the headers", async () => {
    const endpoint = await endpointWithCredential();
    const elsewhere = stranger.url("/collect");
    for (const body of [
      { url: elsewhere },
      { url: elsewhere, headers: { Authorization: MASK, "X-Team": MASK } },
      { url: elsewhere, headers: { Authorization: MASK, "X-Team": "green" } },
    ]) {
      const refused = await endpoint.patch(body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      const named = refused.body.error.details.map((detail: { field: string }) => detail.field);
      expect(named).toContain("headers.Authorization");
      expect(refused.body.error.message).toContain("send");
    }
    // Nothing changed: the Test button still goes to the owner, and the stranger got nothing.
    expect((await endpoint.test()).status).toBe(200);
    expect(owner.at("/hook").at(-1)!.headers.authorization).toBe(CREDENTIAL);
    expect(stranger.at("/collect")).toHaveLength(0);
    expect(await endpoint.stored()).toEqual({ Authorization: CREDENTIAL, "X-Team": "blue" });
  });

  it("treats another scheme or port as another origin, and another path as the same", async () => {
    const endpoint = await endpointWithCredential();
    const ownerUrl = new URL(owner.url("/hook"));
    const otherPort = new URL(ownerUrl);
    otherPort.port = String(Number(ownerUrl.port) + 1);
    const otherScheme = new URL(ownerUrl);
    otherScheme.protocol = "https:";
    for (const url of [otherPort.href, otherScheme.href])
      expect((await endpoint.patch({ url })).status, url).toBe(422);
    const samePlace = await endpoint.patch({ url: owner.url("/another/path?x=1") });
    expect(samePlace.status).toBe(200);
    expect(await endpoint.stored()).toEqual({ Authorization: CREDENTIAL, "X-Team": "blue" });
  });

  it("moves when the values are sent again or the headers are removed", async () => {
    const endpoint = await endpointWithCredential();
    const resent = await endpoint.patch({
      url: stranger.url("/new-home"),
      headers: { Authorization: "Bearer for-the-new-home" },
    });
    expect(resent.status).toBe(200);
    expect(await endpoint.stored()).toEqual({ Authorization: "Bearer for-the-new-home" });

    const other = await endpointWithCredential();
    const cleared = await other.patch({ url: stranger.url("/cleared"), headers: {} });
    expect(cleared.status).toBe(200);
    expect(cleared.body.headers).toEqual({});
    expect((await other.test()).status).toBe(200);
    expect(stranger.at("/cleared").at(-1)!.headers.authorization).toBeUndefined();
  });
});
