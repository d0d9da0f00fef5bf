import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { BOOTSTRAP_TOKEN } from "./env";

/** Playwright's test, with page.goto and page.reload waiting until React has hydrated the page. */
export const test = base.extend({
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    const reload = page.reload.bind(page);
    const hydrated = () => page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    page.goto = async (url, options) => {
      const response = await goto(url, options);
      await hydrated();
      return response;
    };
    page.reload = async (options) => {
      const response = await reload(options);
      await hydrated();
      return response;
    };
    await use(page);
  },
});

export { expect };

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString("hex")}`;

export const bearer = { authorization: `Bearer ${BOOTSTRAP_TOKEN}` };

/** Calls the REST API as automation would: with the bootstrap token. */
export async function apiCall<T = any>(
  request: APIRequestContext,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  data?: unknown,
): Promise<T> {
  const response = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { ...bearer, "content-type": "application/json" },
    data: data === undefined ? undefined : JSON.stringify(data),
  });
  const text = await response.text();
  expect(response.status(), `${method} ${path}: ${text}`).toBeLessThan(300);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function createAppViaApi(request: APIRequestContext, name = "E2E app") {
  return apiCall<{ id: string; key: string; secret: string }>(request, "POST", "/apps", {
    id: uniqueId("e2e"),
    name,
  });
}

export async function ingest(
  request: APIRequestContext,
  appId: string,
  events: Array<Record<string, unknown>>,
) {
  return apiCall<{ accepted: string[]; duplicates: string[] }>(
    request,
    "POST",
    `/apps/${appId}/events`,
    { events },
  );
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  // Let charts and toasts settle so the artifact shows the page as a user sees it.
  await page.waitForTimeout(300);
  await page.screenshot({
    path: `test-results/screenshots/${name}.png`,
    fullPage: options.fullPage ?? true,
    style: "[data-sonner-toaster] { display: none !important; }",
  });
}
