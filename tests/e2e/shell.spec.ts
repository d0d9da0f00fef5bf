import { expect, test } from "./fixtures";

test("an unknown page gets Herald's own 404 page, with a way back", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page).toHaveTitle(/Herald/);
  await page.getByRole("link", { name: "Back to apps" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("every page links an icon that is served, and /favicon.ico is there too", async ({
  page,
  request,
}) => {
  await page.goto("/");
  const link = page.locator('link[rel="icon"]').first();
  await expect(link).toHaveAttribute("href", /\/icon/);
  const href = await link.getAttribute("href");
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toContain("image/svg+xml");
});
