import { describe, expect, it } from "vitest";
import * as appsRoute from "@/app/api/v1/apps/route";
import * as appRoute from "@/app/api/v1/apps/[appId]/route";
import * as rotateRoute from "@/app/api/v1/apps/[appId]/rotate-secret/route";
import * as importRoute from "@/app/api/v1/import/route";
import * as jobRoute from "@/app/api/v1/jobs/[jobId]/route";
import { db } from "@/lib/db";
import { appVerificationSecrets } from "@/lib/services/apps";
import { call } from "../helpers/api";
import { makeApp, uniqueId } from "../factories";

// Every receiver gets bodies HMAC-signed with the app secret and can try to guess it offline: new
// secrets need 16 characters. Imported configs keep the secret their realtime server signs with,
// with a warning for each short one.

const SHORT = "tofu-secret"; // 11 characters

describe("app secret strength", () => {
  it("refuses a secret shorter than 16 characters on create, naming the field", async () => {
    const id = uniqueId("weak");
    const refused = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id, name: "Weak", secret: "abcd" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      { field: "secret", issue: expect.stringContaining("at least 16 characters") },
    ]);
    expect(await db.app.count({ where: { id } })).toBe(0);

    const accepted = await call(appsRoute.POST, "POST", "/api/v1/apps", {
      body: { id, name: "Strong", secret: "sixteen-chars-ok" },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body.secret).toBe("sixteen-chars-ok");
  });

  it("refuses a short secret on rotate and keeps the current one; takes a long one", async () => {
    const app = await makeApp({ secret: "current-secret-0123456789" });
    const rotate = (body: unknown) =>
      call(rotateRoute.POST, "POST", "/x", { params: { appId: app.id }, body });

    const refused = await rotate({ secret: SHORT });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      { field: "secret", issue: expect.stringContaining("at least 16 characters") },
    ]);
    const unchanged = await db.app.findUniqueOrThrow({ where: { id: app.id } });
    expect(appVerificationSecrets(unchanged)).toEqual(["current-secret-0123456789"]);

    const rotated = await rotate({ secret: "the-realtime-servers-new-secret", graceSeconds: 0 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toBe("the-realtime-servers-new-secret");
    const after = await db.app.findUniqueOrThrow({ where: { id: app.id } });
    expect(appVerificationSecrets(after)).toEqual(["the-realtime-servers-new-secret"]);

    const generated = await rotate({});
    expect(generated.status).toBe(200);
    expect(generated.body.secret).toMatch(/^[0-9a-f]{32}$/);
  });

  it("imports a short secret as it is and reports it as a warning in the result and the job", async () => {
    const [weakId, strongId] = [uniqueId("weak-import"), uniqueId("strong-import")];
    const app = (id: string, secret: string) => ({ id, key: `key-${id}`, secret, webhooks: [] });
    const result = await call(importRoute.POST, "POST", "/api/v1/import", {
      body: {
        app_manager: {
          array: { apps: [app(weakId, SHORT), app(strongId, "a-long-enough-secret-value")] },
        },
      },
    });
    expect(result.status).toBe(201);
    expect(result.body.created.apps).toEqual([weakId, strongId]);
    expect(result.body.warnings).toEqual([
      {
        field: "app_manager.array.apps.0.secret",
        issue: expect.stringMatching(
          new RegExp(`^app '${weakId}': the secret is 11 characters, shorter than the 16`),
        ),
      },
    ]);
    const weak = await db.app.findUniqueOrThrow({ where: { id: weakId } });
    expect(appVerificationSecrets(weak)).toEqual([SHORT]);

    const job = await call(jobRoute.GET, "GET", "/x", { params: { jobId: result.body.jobId } });
    expect(job.body.result.warnings).toEqual(result.body.warnings);
    expect(JSON.stringify(job.body)).not.toContain(SHORT);

    // The app keeps saying so, for the dashboard's notice, until the secret is rotated.
    const read = (id: string) =>
      call(appRoute.GET, "GET", `/api/v1/apps/${id}`, { params: { appId: id } });
    expect((await read(weakId)).body.secretTooShort).toBe(true);
    expect((await read(strongId)).body.secretTooShort).toBe(false);
    const rotated = await call(rotateRoute.POST, "POST", `/api/v1/apps/${weakId}/rotate-secret`, {
      params: { appId: weakId },
      body: {},
    });
    expect(rotated.status).toBe(200);
    expect((await read(weakId)).body.secretTooShort).toBe(false);
  });
});
