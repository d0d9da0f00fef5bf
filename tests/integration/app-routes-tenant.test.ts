import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/services/api-tokens";
import { call } from "../helpers/api";
import { makeApp, systemPrincipal, uniqueId } from "../factories";

// Every route under /api/v1/apps/{appId} must refuse a token limited to another app: one that
// forgot would hand that app's data to it. The route files are found on disk, so a new one is
// covered the day it is added.

const APP_ROUTES_DIR = path.join(process.cwd(), "app", "api", "v1", "apps", "[appId]");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

async function routeFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return routeFiles(full);
      return Promise.resolve(entry.name === "route.ts" ? [full] : []);
    }),
  );
  return nested.flat();
}

/** The URL params a route file's path declares, filled with plausible values. */
function paramsFor(file: string, appId: string): Record<string, string> {
  const params: Record<string, string> = { appId };
  for (const [, name] of path.relative(APP_ROUTES_DIR, file).matchAll(/\[(\w+)\]/g))
    params[name!] = "00000000-0000-4000-8000-000000000000";
  return params;
}

describe("tenant check on app routes", () => {
  it("refuses a token limited to another app on every method of every app route", async () => {
    const [ownApp, otherApp] = [await makeApp(), await makeApp()];
    const { token } = await createApiToken(systemPrincipal, {
      name: uniqueId("limited"),
      scopes: ["read", "write", "ingest"],
      appId: ownApp.id,
    });
    const files = await routeFiles(APP_ROUTES_DIR);
    expect(files.length).toBeGreaterThanOrEqual(16);
    const checked: string[] = [];
    for (const file of files) {
      const module = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = module[method];
        if (typeof handler !== "function") continue;
        const params = paramsFor(file, otherApp.id);
        const result = await call(handler as Parameters<typeof call>[0], method, "/x", {
          params,
          token,
          body: method === "GET" || method === "DELETE" ? undefined : {},
        });
        const where = `${method} ${path.relative(APP_ROUTES_DIR, file)}`;
        expect(result.status, where).toBe(403);
        expect(result.body.error.message, where).toBe(
          `This token is limited to app '${ownApp.id}'`,
        );
        checked.push(where);
      }
    }
    // The same token still reaches its own app, so the 403s above are about the app, not the token.
    const own = await import(path.join(APP_ROUTES_DIR, "route.ts"));
    const read = await call(own.GET, "GET", "/x", { params: { appId: ownApp.id }, token });
    expect(read.status).toBe(200);
    expect(checked.length).toBeGreaterThanOrEqual(22);
  });
});
