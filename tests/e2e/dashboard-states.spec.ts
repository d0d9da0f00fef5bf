import { BOOTSTRAP_TOKEN } from "./env";
import { apiCall, createAppViaApi, expect, test } from "./fixtures";

// Dashboard states an operator meets outside the main delivery story: times, secrets, tokens,
// pages that do not exist, banners.

test("a just-saved endpoint reads 'updated just now', never in the future, when the page's clock lags", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Clock lag");
  const endpoint = await apiCall<{ id: string }>(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "https://hooks.example.com/clock",
    description: "Clock lag",
    eventTypes: ["channel_occupied"],
  });
  // The browser's clock is a minute behind the server's (or its last 30 s tick is).
  await page.clock.install({ time: new Date(Date.now() - 60_000) });
  await page.goto(`/apps/${app.id}/endpoints/${endpoint.id}`);
  const updated = page.locator("p", { hasText: "· updated" });
  await expect(updated).toContainText("updated just now");
  await expect(updated).not.toContainText(/updated in /);
});

test("audit entries read in a fixed order, say what null means and name endpoints", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Audit readable");
  const endpoint = await apiCall<{ id: string }>(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "https://hooks.example.com/audit",
    description: "Audit sink",
    eventTypes: ["channel_occupied"],
  });
  await apiCall(request, "POST", `/apps/${app.id}/endpoints/${endpoint.id}/recover`, {
    since: new Date(Date.now() - 3600_000).toISOString(),
  });
  await page.goto("/audit-log");
  await page.getByLabel("Filter by app").selectOption(app.id);
  const entry = page.getByTestId("audit-entry").filter({ hasText: "endpoint.recover_started" });
  await expect(entry).toContainText("endpoint/Audit sink");
  const summary = entry.locator("summary");
  await expect(summary).toHaveText(
    /^endpointId=Audit sink {2}· {2}eventTypes=all event types {2}· {2}since=\S+ {2}· {2}until=\S+ {2}· {2}total=0$/,
  );
  await expect(summary).not.toContainText(endpoint.id);
  await expect(summary).not.toContainText("null");
});

test("API tokens lists the bootstrap HERALD_API_TOKEN as from the environment, masked, with how to rotate it", async ({
  page,
}) => {
  await page.goto("/api-tokens");
  const row = page.getByTestId("bootstrap-token-row");
  await expect(row).toContainText("HERALD_API_TOKEN");
  await expect(row).toContainText("From the environment: not revocable here");
  await expect(row).toContainText(/To rotate it, set a new HERALD_API_TOKEN .* and restart it/);
  await expect(row).toContainText(`********${BOOTSTRAP_TOKEN.slice(-4)}`);
  await expect(row).not.toContainText(BOOTSTRAP_TOKEN);
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(page.getByText("No API tokens")).toHaveCount(0);
});

test("an unknown app or endpoint shows a not-found state with a way back, not a retry", async ({
  page,
  request,
}) => {
  await page.goto("/apps/999999");
  const missing = page.getByTestId("not-found-state");
  await expect(missing.getByRole("heading", { name: "App not found" })).toBeVisible();
  await expect(missing).toContainText("'999999' was not found");
  await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expect(page.getByText("Could not load this")).toHaveCount(0);
  await missing.getByRole("link", { name: "Back to apps" }).click();
  await expect(page).toHaveURL(/\/$/);

  const app = await createAppViaApi(request, "Not found");
  for (const endpointId of ["0190a0b0-0000-7000-8000-000000000001", "not-an-id"]) {
    await page.goto(`/apps/${app.id}/endpoints/${endpointId}`);
    const gone = page.getByTestId("not-found-state");
    await expect(gone.getByRole("heading", { name: "Endpoint not found" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
  }
  await page.getByRole("link", { name: "Back to endpoints" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${app.id}/endpoints$`));
});

test("Health keeps the chosen endpoint and window in the URL, across a reload", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Health in URL");
  for (const description of ["First sink", "Second sink"])
    await apiCall(request, "POST", `/apps/${app.id}/endpoints`, {
      url: `https://hooks.example.com/${description.split(" ")[0]!.toLowerCase()}`,
      description,
      eventTypes: ["channel_occupied"],
    });
  await page.goto(`/apps/${app.id}/health`);
  const endpoint = page.getByLabel("Endpoint");
  await expect(endpoint.locator("option")).toHaveCount(2);
  await endpoint.selectOption({ label: "Second sink · hooks.example.com/second" });
  await page.getByLabel("Window").selectOption("7d");
  await expect(page).toHaveURL(/window=7d/);
  await expect(page).toHaveURL(/endpointId=[0-9a-f-]{36}/);
  const shared = page.url();

  await page.reload();
  await expect(page.getByLabel("Window")).toHaveValue("7d");
  await expect(page.getByLabel("Endpoint").locator("option:checked")).toHaveText(
    "Second sink · hooks.example.com/second",
  );
  // A shared link opens on the same choice.
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(other.getByLabel("Window")).toHaveValue("7d");
  await expect(other.getByLabel("Endpoint").locator("option:checked")).toHaveText(
    "Second sink · hooks.example.com/second",
  );
  await other.close();
});

test("the custom range's From and To fields show a whole date and time at 1440 px", async ({
  page,
  request,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = await createAppViaApi(request, "Custom range");
  await page.goto(`/apps/${app.id}/deliveries`);
  await page.getByLabel("Time range").selectOption("custom");
  for (const label of ["From", "To"]) {
    const field = page.getByLabel(label, { exact: true });
    await field.fill("2026-12-05T21:51");
    // The width the field needs for its text (field-sizing: content), against the width it has.
    const [needed, has] = await field.evaluate((input: HTMLInputElement) => {
      const probe = input.cloneNode() as HTMLInputElement;
      probe.value = input.value;
      probe.style.width = "auto";
      probe.style.setProperty("field-sizing", "content");
      input.after(probe);
      const width = probe.offsetWidth;
      probe.remove();
      return [width, input.offsetWidth];
    });
    expect(needed).toBeGreaterThan(150); // the probe did size to its content
    expect(has).toBeGreaterThanOrEqual(needed);
  }
});
