import { apiCall, createAppViaApi, expect, test } from "./fixtures";

// Dialogs open with focus on their first field, and Enter in a field submits them.

test("Recover failed deliveries works from the keyboard", async ({ page, request }) => {
  const app = await createAppViaApi(request, "Keyboard recovery");
  await apiCall(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "http://127.0.0.1:9/recover",
    eventTypes: ["member_added"],
  });
  await page.goto(`/apps/${app.id}/deliveries`);
  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Endpoint")).toBeFocused();
  // Enter on the first field (a select) starts the recovery, as it would in a text field.
  await page.keyboard.press("Enter");
  await expect(dialog.getByTestId("recover-progress")).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).first().click();

  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  await dialog.getByLabel("Event types").fill("member_added");
  await dialog.getByLabel("Event types").press("Enter");
  await expect(dialog.getByTestId("recover-progress")).toBeVisible();
});
