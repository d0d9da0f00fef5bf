import { apiCall, bearer, createAppViaApi, expect, screenshot, test, uniqueId } from "./fixtures";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("creates an app, shows its secret with reveal and copy, rotates it and saves batching", async ({
  page,
  request,
}) => {
  const appId = uniqueId("shop");
  await page.goto("/");
  // A plain click: the button stays disabled until hydrated, and Playwright waits for it to be
  // enabled.
  await page.getByRole("button", { name: "New app" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Create app" }).click();
  await expect(dialog.getByText("Name is required")).toBeVisible();

  await dialog.getByLabel("Name").fill("Shop realtime");
  await dialog.getByRole("button", { name: /Mirror an existing realtime app/ }).click();
  await dialog.getByLabel("App id").fill("has space");
  await dialog.getByRole("button", { name: "Create app" }).click();
  // The API's own schema names the field, before any request.
  await expect(dialog.getByText(/^App id must be 1-64 letters/)).toBeVisible();
  await dialog.getByLabel("App id").fill(appId);
  await dialog.getByRole("button", { name: "Create app" }).click();

  await expect(dialog.getByText("App created")).toBeVisible();
  // The words match what Reveal does: the secret can be seen again later.
  await expect(dialog).not.toContainText(/shown (only )?once/i);
  await expect(dialog).toContainText("Reveal on the app's page shows it again");
  const secretBox = dialog.getByTestId("created-app-secret");
  await expect(secretBox).not.toHaveText(/[0-9a-f]{32}/);
  await dialog.getByRole("button", { name: "Reveal secret" }).click();
  await expect(secretBox).toHaveText(/^[0-9a-f]{32}$/);
  const secret = (await secretBox.textContent())!;
  await dialog.getByRole("button", { name: "Copy secret" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await dialog.getByRole("button", { name: "Copy intake URL" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
    new RegExp(`/api/intake/pusher/${appId}$`),
  );
  await screenshot(page, "app-created-dialog");

  await dialog.getByRole("link", { name: "Open app" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${appId}$`));
  await expect(page.getByRole("heading", { name: "Shop realtime" })).toBeVisible();
  // Elsewhere the secret is masked until the operator reveals it (the API call is audited).
  await expect(page.getByTestId("app-secret")).toHaveText(`********${secret.slice(-4)}`);
  await page.getByRole("button", { name: "Reveal secret" }).click();
  await expect(page.getByTestId("app-secret")).toHaveText(secret);
  await page.getByRole("button", { name: "Copy secret" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await page.getByRole("button", { name: "Hide secret" }).click();
  await expect(page.getByTestId("app-secret")).not.toHaveText(secret);
  await expect(page.getByTestId("intake-url")).toHaveText(
    new RegExp(`/api/intake/pusher/${appId}$`),
  );

  // Rotate with a grace period: a new secret is shown once and the old one stays valid for a while.
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog");
  await rotate.getByLabel("Grace period").selectOption({ label: "24 hours" });
  await rotate.getByRole("button", { name: "Rotate now" }).click();
  await rotate.getByRole("button", { name: "Reveal new secret" }).click();
  await expect(rotate).toContainText("Reveal shows it again");
  await expect(rotate).not.toContainText(/shown (only )?once/i);
  const rotated = (await rotate.getByTestId("rotated-secret").textContent())!;
  expect(rotated).toMatch(/^[0-9a-f]{32}$/);
  expect(rotated).not.toBe(secret);
  await rotate.getByRole("button", { name: "Done" }).click();
  // A day from now reads "tomorrow" or "in 24 hours", depending on the milliseconds.
  await expect(
    page.getByText(
      /^The previous secret still verifies intake; it expires (in 24 hours|tomorrow)\.$/,
    ),
  ).toBeVisible();
  const stored = await apiCall(request, "GET", `/apps/${appId}`);
  expect(stored.secret).toBe(`********${rotated.slice(-4)}`);

  // Batching: a bad value shows the field error, a good one is saved.
  await page.getByLabel("Batch window (ms)").fill("0");
  await page.getByRole("button", { name: "Save batching" }).click();
  await expect(
    page.getByText("Batch window must be a whole number of ms from 1 to 60000"),
  ).toBeVisible();
  await page.getByLabel("Batch window (ms)").fill("250");
  await page.getByLabel("Max batch size").fill("20");
  await page.getByRole("button", { name: "Save batching" }).click();
  await expect(page.getByText("Batching saved")).toBeVisible();
  expect((await apiCall(request, "GET", `/apps/${appId}`)).batching).toEqual({
    enabled: true,
    durationMs: 250,
    maxBatchSize: 20,
  });
  await screenshot(page, "app-overview");

  // The apps list shows the app with its counts.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
  const row = page.getByTestId(`app-row-${appId}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("app-endpoints")).toHaveText("0");
  await expect(row.getByTestId("app-deliveries-today")).toHaveText("0");
  await screenshot(page, "apps-list");
});

test("the rotation dialog says the grace period covers intake only: deliveries use the new secret at once", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Rotation effects");
  await page.goto(`/apps/${app.id}`);
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const effects = page.getByRole("dialog").getByTestId("rotation-effects");
  await expect(effects).toContainText(
    "signed with the old secret are still accepted during the grace period",
  );
  await expect(effects).toContainText(
    "signs its webhooks (X-Pusher-Signature) with the new secret at once",
  );
  await expect(effects).toContainText("must switch to the new secret now");
  await expect(page.getByRole("dialog")).not.toContainText(
    "Signatures made with the old secret keep verifying",
  );
});

test("an app imported with a short secret asks for a rotation until it has one", async ({
  page,
  request,
}) => {
  const id = uniqueId("short");
  await apiCall(request, "POST", "/import", {
    app_manager: {
      array: { apps: [{ id, key: `key-${id}`, secret: "tofu-secret", webhooks: [] }] },
    },
  });
  await page.goto(`/apps/${id}`);
  await expect(page.getByText("Short secret")).toBeVisible();
  await expect(page.getByText("rotate it, here and in the realtime server")).toBeVisible();
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Rotate now" }).click();
  await expect(dialog.getByTestId("rotated-secret")).toBeVisible();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText("Short secret")).toHaveCount(0);
});

test("the rotation dialog works from the keyboard: focus on the field, Enter rotates", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Keyboard rotation");
  await page.goto(`/apps/${app.id}`);
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog");
  const grace = rotate.getByLabel("Grace period");
  await expect(grace).toBeFocused();
  await grace.selectOption({ label: "15 minutes" });
  await page.keyboard.press("Enter");
  await expect(rotate.getByTestId("rotated-secret")).toBeVisible();
});

test("a secret revealed before a rotation shows the new one masked, one click from revealed", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Reveal after rotation");
  await page.goto(`/apps/${app.id}`);
  const secretBox = page.getByTestId("app-secret");
  await page.getByRole("button", { name: "Reveal secret" }).click();
  await expect(secretBox).toHaveText(app.secret);
  await page.getByRole("button", { name: "Rotate secret" }).click();
  const rotate = page.getByRole("dialog");
  await rotate.getByRole("button", { name: "Rotate now" }).click();
  await rotate.getByRole("button", { name: "Reveal new secret" }).click();
  const rotated = (await rotate.getByTestId("rotated-secret").textContent())!;
  await rotate.getByRole("button", { name: "Done" }).click();
  await expect(secretBox).toHaveText(`********${rotated.slice(-4)}`);
  await expect(page.getByRole("button", { name: "Hide secret" })).toHaveCount(0);
  await page.getByRole("button", { name: "Reveal secret" }).click();
  await expect(secretBox).toHaveText(rotated);
  // The default grace period is an hour; the hint reads as a sentence.
  await expect(
    page.getByText("The previous secret still verifies intake; it expires in 1 hour."),
  ).toBeVisible();
});

test("the batching hint describes the switch as it is set", async ({ page, request }) => {
  const app = await createAppViaApi(request, "Batching hint");
  await page.goto(`/apps/${app.id}`);
  const batchSwitch = page.getByRole("switch", { name: "Batch events" });
  const offHint = page.getByText("Off: every event is its own delivery (Pusher's default).");
  const onHint = page.getByText(/^On: events for one endpoint are collected/);
  await expect(batchSwitch).toHaveAttribute("aria-checked", "true");
  await expect(onHint).toBeVisible();
  await expect(offHint).toBeHidden();
  await batchSwitch.click();
  await expect(offHint).toBeVisible();
  await expect(onHint).toBeHidden();
  await batchSwitch.click();
  await expect(onHint).toBeVisible();
});

test("a Lambda endpoint's page says its invocations carry no signature headers", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Lambda app");
  const endpoint = await apiCall<{ id: string }>(request, "POST", `/apps/${app.id}/endpoints`, {
    lambda: { functionName: "chat-webhooks", region: "eu-west-1" },
    eventTypes: ["member_added"],
  });
  await page.goto(`/apps/${app.id}/endpoints/${endpoint.id}`);
  await expect(page.getByTestId("lambda-signatures-note")).toContainText(
    "no signature headers are sent",
  );
  await expect(page.getByText("are always sent")).toHaveCount(0);
  await expect(page.getByText("Sent only to URL endpoints")).toBeVisible();
});

test("the endpoint form names every wrong field, with its allowed range, at once", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Form checks");
  await page.goto(`/apps/${app.id}/endpoints/new`);
  await page.getByLabel("Timeout (ms)").fill("abc");
  await page.getByLabel("Retry schedule (seconds)").fill("1, x, 3");
  await page.getByLabel("Batching", { exact: true }).selectOption("custom");
  await page.getByLabel("Max batch size").fill("0");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText("Enter the URL Herald should POST to")).toBeVisible();
  await expect(page.getByText("Select at least one event type")).toBeVisible();
  await expect(
    page.getByText("Timeout must be a whole number of ms from 100 to 60000"),
  ).toBeVisible();
  await expect(
    page.getByText(
      "Retry schedule must list delays in whole seconds from 0 to 86400, separated by commas ('x' is not one)",
    ),
  ).toBeVisible();
  await expect(
    page.getByText("Max batch size must be a whole number from 1 to 1000"),
  ).toBeVisible();
  await expect(page.getByText(/Invalid input|Too small|expected number/)).toHaveCount(0);
  await expect(page.getByLabel("Endpoint URL")).toBeFocused();

  // Fixing some leaves the others in place; fixing all saves.
  await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/form-checks");
  await page.getByRole("checkbox", { name: "member_added" }).click();
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText("Enter the URL Herald should POST to")).toHaveCount(0);
  await expect(page.getByText(/^Timeout must be/)).toBeVisible();
  await expect(page.getByText(/^Max batch size must be/)).toBeVisible();
  await page.getByLabel("Timeout (ms)").fill("5000");
  await page.getByLabel("Retry schedule (seconds)").fill("1, 10, 3");
  await page.getByLabel("Max batch size").fill("20");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/[0-9a-f-]{36}$/);
  const saved = await apiCall(
    request,
    "GET",
    `/apps/${app.id}/endpoints/${page.url().split("/").pop()}`,
  );
  expect(saved).toMatchObject({
    timeoutMs: 5000,
    retry: { scheduleSeconds: [1, 10, 3] },
    batching: { maxBatchSize: 20 },
  });
});

test("deletes an app only after typing its id", async ({ page, request }) => {
  const app = await apiCall(request, "POST", "/apps", {
    id: uniqueId("gone"),
    name: "Short-lived",
  });
  await page.goto(`/apps/${app.id}`);
  await page.getByRole("button", { name: "Delete app" }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Delete app" }).click();
  await expect(page.getByText(`Type ${app.id} to confirm`).last()).toBeVisible();
  await confirm.getByLabel("Type the app id to confirm").fill(app.id);
  await confirm.getByRole("button", { name: "Delete app" }).click();
  await expect(page).toHaveURL(/\/$/);
  const response = await request.get(`/api/v1/apps/${app.id}`, { headers: bearer });
  expect(response.status()).toBe(404);
});

test("works from the keyboard: open the dialog, type, submit, close", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  const newApp = page.getByRole("button", { name: "New app" }).first();
  await expect(newApp).toBeEnabled();
  await newApp.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.type("Keyboard app");
  await page.keyboard.press("Enter");
  await expect(dialog.getByText("App created")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("link", { name: "Keyboard app" }).first()).toBeVisible();
});

test.describe("before React has hydrated the page", () => {
  test.use({ javaScriptEnabled: false });

  test("buttons are disabled (a click would do nothing yet) and links already work", async ({
    browser,
  }) => {
    // The fixture's page waits for hydration, which never comes without JavaScript: use a raw one.
    const context = await browser.newContext({
      javaScriptEnabled: false,
      storageState: "test-results/.auth/admin.json",
    });
    const page = await context.newPage();
    await page.goto("/");
    await expect(page.getByRole("button", { name: "New app" }).first()).toBeDisabled();
    await page.getByRole("link", { name: "Event types" }).first().click();
    await expect(page).toHaveURL(/\/event-types$/);
    await context.close();
  });
});

test("the apps list and the app switcher show every app, past the API's largest page", async ({
  page,
  request,
}) => {
  // 251 apps whose ids sort after every other test's: the last is on the API's second page.
  const prefix = uniqueId("zz-fleet");
  const ids = Array.from({ length: 251 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
  for (let i = 0; i < ids.length; i += 25)
    await Promise.all(
      ids
        .slice(i, i + 25)
        .map((id) => apiCall(request, "POST", "/apps", { id, name: `Fleet ${id.slice(-3)}` })),
    );
  const last = ids.at(-1)!;

  await page.goto("/");
  await expect(page.getByTestId(`app-row-${last}`)).toBeVisible();
  await page.getByRole("button", { name: "Switch app" }).click();
  await page.getByRole("menuitem", { name: new RegExp(last) }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${last}$`));
  await expect(page.getByRole("heading", { name: "Fleet 250" })).toBeVisible();
});
