import type { Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../helpers/receiver-e2e";
import { apiCall, createAppViaApi, expect, ingest, screenshot, test, uniqueId } from "./fixtures";

// The Events tab: an endpoint saved with a client-event filter through the form, real events, the
// list with its filters, and the drawer saying where each event went, linking to its delivery.
test.describe.configure({ mode: "serial" });

let receiver: Receiver;
let app: { id: string; key: string; secret: string };
let filteredEndpointId: string;
const typing = uniqueId("typing");
const moved = uniqueId("moved");

test.beforeAll(async ({ request }) => {
  receiver = await startReceiver();
  app = await createAppViaApi(request, "Events tab");
  // Unbatched, so every event is its own delivery at once.
  await apiCall(request, "PATCH", `/apps/${app.id}`, {
    batching: { enabled: false, durationMs: 50, maxBatchSize: 100 },
  });
});

test.afterAll(async () => {
  await receiver?.close();
});

const eventRow = (page: Page, id: string) => page.locator(`[data-event-id="${id}"]`);

test("saves a client-event filter from the form, checked live", async ({ page }) => {
  await page.goto(`/apps/${app.id}/endpoints/new`);
  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByRole("checkbox", { name: "client_event" }).click();
  await page.getByLabel("Client event names").fill("client-typing\nclient-stopped");
  await page.getByLabel("Would this channel match?").fill("private-room");
  await page.getByLabel("As a client event named (optional)").fill("client-moved");
  await expect(page.getByTestId("filter-match-result")).toContainText("Does not match");
  await expect(page.getByTestId("filter-reason-clientEventNames")).toHaveText(
    "✗ client event client-moved is not in clientEventNames",
  );
  await page.getByLabel("As a client event named (optional)").fill("client-typing");
  await expect(page.getByTestId("filter-match-result")).toContainText("Matches");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/[0-9a-f-]{36}$/);
  filteredEndpointId = page.url().split("/").pop()!;
  await expect(page.getByLabel("Client event names")).toHaveValue("client-typing\nclient-stopped");
});

test("lists events with their state, filters them, and explains their routing", async ({
  page,
  request,
}) => {
  const other = await apiCall<{ id: string }>(request, "POST", `/apps/${app.id}/endpoints`, {
    url: receiver.url,
    eventTypes: ["client_event"],
    filter: { channelPrefix: "presence-" },
  });
  await ingest(request, app.id, [
    {
      id: typing,
      name: "client_event",
      channel: "private-room",
      event: "client-typing",
      user_id: "u-1",
    },
    {
      id: moved,
      name: "client_event",
      channel: "private-room",
      event: "client-moved",
      user_id: "u-2",
    },
  ]);
  await expect.poll(() => receiver.requests.length).toBeGreaterThanOrEqual(1);

  await page.goto(`/apps/${app.id}`);
  await page.getByRole("link", { name: "Events", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${app.id}/events`));
  await expect(eventRow(page, typing)).toHaveAttribute("data-state", "routed");
  await expect(eventRow(page, moved)).toBeVisible();

  // Filters: user id, then state.
  await page.getByLabel("User id").fill("u-2");
  await expect(eventRow(page, typing)).toHaveCount(0);
  await expect(eventRow(page, moved)).toBeVisible();
  await page.getByLabel("State").selectOption("held");
  await expect(page.getByText("No events match these filters")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(eventRow(page, typing)).toBeVisible();

  // The drawer: one row per endpoint, in words.
  await eventRow(page, moved).click();
  const rows = page.getByTestId("routing-row");
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-outcome="filtered_out"]')).toHaveCount(2);
  await expect(page.getByRole("dialog")).toContainText(
    "client event client-moved is not in clientEventNames",
  );
  await expect(page.getByRole("dialog")).toContainText(
    "channel private-room does not match prefix presence-",
  );
  await page.keyboard.press("Escape");

  await eventRow(page, typing).click();
  await expect(page.locator('[data-outcome="delivered"]')).toHaveCount(1);
  await expect(page.locator('[data-outcome="filtered_out"]')).toContainText(
    "channel private-room does not match prefix presence-",
  );
  await screenshot(page, "event-drawer", { fullPage: false });
  await page.getByRole("link", { name: "View delivery" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${app.id}/deliveries\\?delivery=`));
  await expect(page.getByRole("dialog")).toContainText("client_event");
  expect(other.id).not.toBe(filteredEndpointId);
});

test("sets presence grace and subscription_count coalescing in the app's settings, naming a bad value's range", async ({
  page,
}) => {
  await page.goto(`/apps/${app.id}`);
  await page.getByRole("switch", { name: "Presence grace" }).click();
  await page.getByLabel("Grace (ms)").fill("70000");
  await page.getByRole("button", { name: "Save presence settings" }).click();
  await expect(page.getByText("Grace must be a whole number of ms from 0 to 60000")).toBeVisible();
  await page.getByLabel("Grace (ms)").fill("2000");
  await page.getByRole("switch", { name: "Coalesce subscription_count" }).click();
  await page.getByLabel("Count window (ms)").fill("500");
  await page.getByRole("button", { name: "Save presence settings" }).click();
  await expect(
    page.getByText("Count window must be a whole number of ms from 1000 to 60000"),
  ).toBeVisible();
  await page.getByLabel("Count window (ms)").fill("2500");
  await page.getByRole("button", { name: "Save presence settings" }).click();
  await expect(page.getByText("Presence settings saved")).toBeVisible();
  await page.reload();
  await expect(page.getByRole("switch", { name: "Presence grace" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  await expect(page.getByLabel("Grace (ms)")).toHaveValue("2000");
  await expect(page.getByRole("switch", { name: "Coalesce subscription_count" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  await expect(page.getByLabel("Count window (ms)")).toHaveValue("2500");
});
