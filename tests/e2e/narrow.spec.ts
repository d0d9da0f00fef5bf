import { apiCall, createAppViaApi, expect, screenshot, test } from "./fixtures";

// On a phone-sized screen (390 px) the navigation is a menu and no page scrolls sideways: wide
// tables scroll inside their own box.
test.use({ viewport: { width: 390, height: 844 } });

test("every page fits a 390 px screen and the menu reaches every section", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Narrow screen");
  await apiCall(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "http://127.0.0.1:9/narrow",
    eventTypes: ["member_added"],
    description: "Phone check",
  });
  const pages = [
    "/",
    `/apps/${app.id}`,
    `/apps/${app.id}/endpoints`,
    `/apps/${app.id}/events`,
    `/apps/${app.id}/deliveries`,
    `/apps/${app.id}/health`,
    "/event-types",
    "/api-tokens",
    "/audit-log",
  ];
  for (const path of pages) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, `${path} scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
  }
  await screenshot(page, "narrow-audit-log");

  await page.getByRole("button", { name: "Open menu" }).click();
  await page
    .getByRole("dialog", { name: "Menu" })
    .getByRole("link", { name: "API tokens" })
    .click();
  await expect(page).toHaveURL(/\/api-tokens$/);
  await expect(page.getByRole("dialog", { name: "Menu" })).toBeHidden();
});
