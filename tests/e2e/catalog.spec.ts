import { apiCall, expect, screenshot, test, uniqueId } from "./fixtures";

test("manages custom event types with a JSON Schema the API validates", async ({ page }) => {
  const name = `order.paid-${Date.now()}`;
  await page.goto("/event-types");
  await expect(page.getByTestId("event-type-member_added")).toContainText(
    "A user joined a presence channel.",
  );

  await page.getByRole("button", { name: "New event type" }).first().click();
  const dialog = page.getByRole("dialog");
  // Focus starts on the first field, so typing and Enter submit (not close the dialog).
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Not Valid");
  await page.keyboard.press("Enter");
  await expect(dialog.getByText(/must start with a lowercase letter/)).toBeVisible();

  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Description").fill("An order was paid");
  await dialog.getByLabel("JSON Schema").fill("{ not json");
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(dialog.getByText(/^JSON Schema is not valid JSON/)).toBeVisible();
  await dialog.getByLabel("JSON Schema").fill('{"type": 12}');
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(dialog.getByText(/not a valid JSON Schema/)).toBeVisible();

  await dialog.getByLabel("JSON Schema").fill('{"type": "object", "required": ["data"]}');
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId(`event-type-${name}`);
  await expect(row).toContainText("An order was paid");
  await expect(row).toContainText("schema");
  await screenshot(page, "event-types");

  await row.getByRole("button", { name: `Edit ${name}` }).click();
  const edit = page.getByRole("dialog");
  await expect(edit.getByLabel("JSON Schema")).toHaveValue(/"required"/);
  await edit.getByLabel("Description").fill("An order was paid in full");
  await edit.getByRole("button", { name: "Save event type" }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText("An order was paid in full");

  await row.getByRole("button", { name: `Delete ${name}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete event type" }).click();
  await expect(row).toBeHidden();
});

test("creates an API token shown once, uses it, revokes it; the audit log shows the changes", async ({
  page,
  playwright,
  baseURL,
}) => {
  const name = uniqueId("ci-token");
  await page.goto("/api-tokens");
  await page.getByRole("button", { name: "New token" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type(name);
  await dialog.getByRole("checkbox", { name: "write" }).click();
  // An expiry in the past would make a token that is dead on arrival: the form refuses it.
  await dialog.getByLabel("Expires").fill("2020-01-01T00:00");
  await dialog.getByRole("button", { name: "Create token" }).click();
  await expect(dialog.getByText("must be in the future")).toBeVisible();
  const inThreeDays = new Date(Date.now() + 74 * 3600_000);
  const local = new Date(inThreeDays.getTime() - inThreeDays.getTimezoneOffset() * 60_000)
    .toISOString()
    .slice(0, 16);
  await dialog.getByLabel("Expires").fill(local);
  await dialog.getByLabel("Name").press("Enter");
  const tokenBox = dialog.getByTestId("created-token");
  await expect(tokenBox).toHaveText(/^hrld_/);
  const token = (await tokenBox.textContent())!;
  await screenshot(page, "api-token-created");
  await dialog.getByRole("button", { name: "Done" }).click();

  const api = await playwright.request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  expect((await api.get("/api/v1/apps")).status()).toBe(200);

  const row = page.getByTestId("api-token-row").filter({ hasText: name });
  await expect(row).toContainText("read");
  await expect(row).not.toContainText(token);
  await expect(row.getByTestId("api-token-expires")).toHaveText("in 3 days");
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(row).toContainText("revoked");
  expect((await api.get("/api/v1/apps")).status()).toBe(401);
  await api.dispose();
  await screenshot(page, "api-tokens");

  await page
    .getByRole("navigation", { name: "Main" })
    .getByRole("link", { name: "Audit log" })
    .click();
  const entries = page.getByTestId("audit-entry");
  await expect(entries.filter({ hasText: "api_token.revoked" }).first()).toBeVisible();
  await expect(
    entries.filter({ hasText: "api_token.created" }).filter({ hasText: name }).first(),
  ).toBeVisible();
  await expect(entries.filter({ hasText: "event_type.created" }).first()).toBeVisible();
  await screenshot(page, "audit-log", { fullPage: false });
});

test("the token list shows when each token expires, and which have", async ({ page, request }) => {
  const lasting = uniqueId("lasting");
  const brief = uniqueId("brief");
  await apiCall(request, "POST", "/api-tokens", { name: lasting, scopes: ["read"] });
  await apiCall(request, "POST", "/api-tokens", {
    name: brief,
    scopes: ["read"],
    expiresAt: new Date(Date.now() + 1500).toISOString(),
  });
  await page.waitForTimeout(2000);
  await page.goto("/api-tokens");
  const lastingRow = page.getByTestId("api-token-row").filter({ hasText: lasting });
  await expect(lastingRow.getByTestId("api-token-expires")).toHaveText("Never");
  await expect(lastingRow).not.toContainText("expired");
  const briefRow = page.getByTestId("api-token-row").filter({ hasText: brief });
  await expect(briefRow).toContainText("expired");
  await expect(briefRow.getByRole("button", { name: "Revoke" })).toHaveCount(0);
});
