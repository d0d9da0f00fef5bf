import { expect, test as setup } from "./fixtures";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./env";

// Logs in once as the bootstrap admin and saves the session for the dashboard tests.
setup("log in as the admin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("Email").fill(ADMIN_EMAIL);
  await page.getByLabel("Password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.context().storageState({ path: "test-results/.auth/admin.json" });
});
