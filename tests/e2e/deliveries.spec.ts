import { createHmac } from "node:crypto";
import type { Locator, Page } from "@playwright/test";
import { startReceiver, type Receiver } from "../helpers/receiver-e2e";
import { apiCall, createAppViaApi, expect, ingest, screenshot, test, uniqueId } from "./fixtures";

// One story, in order: add an endpoint pointing at a receiver this test runs, test it, deliver
// real events, fail and redeliver, recover, and read the endpoint's health.
test.describe.configure({ mode: "serial" });

let receiver: Receiver;
let app: { id: string; key: string; secret: string };
let endpointId: string;

test.beforeAll(async ({ request }) => {
  receiver = await startReceiver();
  app = await createAppViaApi(request, "Chat production");
});

test.afterAll(async () => {
  await receiver?.close();
});

const deliveriesPage = (page: Page) => page.goto(`/apps/${app.id}/deliveries`);

/** The options of a <select> whose text would be cut when chosen (the closed box shows it). */
const cutOptions = (select: Locator) =>
  select.evaluate((element: HTMLSelectElement) => {
    const style = getComputedStyle(element);
    const context = document.createElement("canvas").getContext("2d")!;
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room =
      element.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [...element.options]
      .filter((option) => context.measureText(option.text).width > room)
      .map((option) => option.text);
  });

test("adds an endpoint with event types, a channel filter, a header and a short retry schedule", async ({
  page,
}) => {
  await page.goto(`/apps/${app.id}/endpoints`);
  await expect(page.getByText("No endpoints yet")).toBeVisible();
  await page.getByRole("link", { name: "Add endpoint" }).click();

  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText("Enter the URL Herald should POST to")).toBeVisible();

  await page.getByLabel("Endpoint URL").fill(receiver.url);
  await page.getByLabel("Description").fill("Chat backend");
  await page.getByRole("checkbox", { name: "member_added" }).click();
  await page.getByRole("checkbox", { name: "client_event" }).click();
  await expect(page.getByText("A user joined a presence channel.")).toBeVisible();

  // Live "would this channel match?" check.
  await page.getByLabel("Channel prefix").fill("presence-");
  await page.getByLabel("Would this channel match?").fill("presence-room-1");
  await expect(page.getByTestId("filter-match-result")).toContainText("Matches");
  await page.getByLabel("Would this channel match?").fill("private-room-1");
  await expect(page.getByTestId("filter-match-result")).toContainText("Does not match");

  // A reserved header is refused by the form itself; a catastrophic-backtracking pattern by the
  // API, on the field.
  await page.getByLabel("Channel pattern").fill("^(a+)+$");
  await page.getByRole("button", { name: "Add header" }).click();
  await page.getByLabel("Header 1 name").fill("Content-Type");
  await page.getByLabel("Header 1 value", { exact: true }).fill("blue-secret-value");
  await page.getByLabel("Retry schedule (seconds)").fill("1, 1");
  await page.getByLabel("Batching", { exact: true }).selectOption("custom");
  await page.getByRole("switch", { name: "Batch events for this endpoint" }).click();
  await screenshot(page, "endpoint-form");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText(/Content-Type is reserved/)).toBeVisible();
  // Once fixed the form goes to the API (errors on the header list used to block every later
  // submit), which refuses the pattern.
  await page.getByLabel("Header 1 name").fill("X-Team");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(
    page.getByText(/^Channel pattern is prone to catastrophic backtracking/),
  ).toBeVisible();
  await page.getByLabel("Channel pattern").fill("");
  await page.getByRole("button", { name: "Save endpoint" }).click();

  await expect(page).toHaveURL(/\/endpoints\/[0-9a-f-]{36}$/);
  endpointId = page.url().split("/").pop()!;
  await expect(page.getByText("Endpoint added")).toBeVisible();
  // The Standard Webhooks secret is shown once, right after creation.
  await page.getByRole("button", { name: "Reveal signing secret" }).click();
  await expect(page.getByTestId("endpoint-signing-secret")).toHaveText(/^whsec_/);
  // Stored header values come back masked.
  await expect(page.getByLabel("Header 1 value", { exact: true })).toHaveValue("********");
});

test("sends a test event and shows the receiver's response", async ({ page }) => {
  await page.goto(`/apps/${app.id}/endpoints/${endpointId}`);
  await page.getByRole("button", { name: "Send test event" }).click();
  const result = page.getByTestId("test-result");
  await expect(result).toContainText("succeeded");
  await expect(result).toContainText("200");
  await expect(result).toContainText('{"ok":true}');
  const received = receiver.requests.at(-1)!;
  expect(received.headers["x-team"]).toBe("blue-secret-value");
  expect(received.headers["content-type"]).toBe("application/json");
  expect(received.headers["x-pusher-signature"]).toBe(
    createHmac("sha256", app.secret).update(received.body).digest("hex"),
  );
  await screenshot(page, "endpoint-detail", { fullPage: false });
});

test("delivers ingested events, shows them in the log live and in the delivery detail", async ({
  page,
  request,
}) => {
  await deliveriesPage(page);
  // The test event of the previous step is the only delivery so far.
  await expect(page.getByTestId("delivery-row")).toHaveCount(1);
  await ingest(request, app.id, [
    { id: uniqueId("ev"), name: "member_added", channel: "presence-room-1", user_id: "7" },
    {
      id: uniqueId("ev"),
      name: "client_event",
      channel: "presence-room-1",
      event: "client-typing",
      data: { typing: true },
      socket_id: "1.2",
    },
    { id: uniqueId("ev"), name: "member_added", channel: "private-other", user_id: "8" },
  ]);
  // The page refreshes itself: no reload.
  await expect(page.getByTestId("delivery-row")).toHaveCount(3, { timeout: 20_000 });
  await expect.poll(() => receiver.eventsNamed("client_event", "presence-room-1").length).toBe(1);
  expect(receiver.eventsNamed("member_added", "private-other")).toHaveLength(0);

  await page.getByLabel("Event name").selectOption("client_event");
  await expect(page).toHaveURL(/eventName=client_event/);
  await expect(page.getByTestId("delivery-row")).toHaveCount(1);
  await expect(page.getByTestId("delivery-row").first()).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await screenshot(page, "deliveries-filtered");

  await page.getByTestId("delivery-row").first().press("Enter");
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByTestId("delivery-event")).toContainText("client_event");
  await expect(drawer.getByTestId("delivery-event")).toContainText("presence-room-1");
  const attempt = drawer.getByTestId("attempt").first();
  await expect(attempt).toHaveAttribute("data-trigger", "auto");
  await expect(attempt).toContainText("200");
  await expect(attempt).toContainText(/x-pusher-signature/i);
  // Where this attempt went, as recorded then (the endpoint's URL may change later).
  await expect(attempt.getByTestId("attempt-target")).toContainText(`Sent to ${receiver.url}`);
  // Custom header values are masked in the attempt log.
  await expect(attempt).toContainText(/x-team/i);
  await expect(drawer).not.toContainText("blue-secret-value");
  await screenshot(page, "delivery-detail");
  await page.keyboard.press("Escape");
  await expect(drawer).toBeHidden();
});

test("a failing receiver makes the delivery fail; Redeliver adds a manual attempt that succeeds", async ({
  page,
  request,
}) => {
  receiver.respondWith(500);
  const channel = `presence-fail-${Date.now()}`;
  await ingest(request, app.id, [
    { id: uniqueId("ev"), name: "member_added", channel, user_id: "9" },
  ]);
  await deliveriesPage(page);
  await page.getByLabel("Status").selectOption("failed");
  await page.getByLabel("Channel").fill(channel);
  // This delivery's row, not whichever failed one the list showed before the filter applied.
  const row = page.getByTestId("delivery-row").filter({ hasText: channel });
  await expect(row).toHaveAttribute("data-status", "failed", { timeout: 30_000 });
  // Why it stopped, not just the last status code: in short in the row, in full in the drawer.
  await expect(row.getByTestId("delivery-response")).toContainText("500");
  await expect(row.getByTestId("delivery-response")).toHaveAttribute(
    "title",
    "gave up after 3 attempts; last: HTTP 500",
  );
  await row.click();
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByTestId("attempt")).toHaveCount(3);
  await expect(drawer.getByTestId("attempt").first()).toContainText("500");
  await expect(drawer.getByTestId("delivery-last-error")).toContainText("Why it failed");
  await expect(drawer.getByTestId("delivery-last-error")).toContainText(
    "gave up after 3 attempts; last: HTTP 500",
  );

  receiver.respondWith(200);
  receiver.delay(6_000);
  await drawer.getByRole("button", { name: "Redeliver" }).click();
  // In flight, the drawer tells one story: being sent again, the old error as the previous
  // attempt's, not "retrying" beside "gave up".
  await expect(drawer.getByTestId("delivery-status")).toContainText("delivering", {
    timeout: 10_000,
  });
  await expect(drawer.getByTestId("delivery-last-error")).toContainText("Sending again");
  await expect(drawer.getByTestId("delivery-last-error")).toContainText(
    "Previous attempt: gave up after 3 attempts",
  );
  await expect(drawer.getByTestId("delivery-last-error")).not.toContainText("retrying");
  receiver.delay(0);
  await expect(drawer.locator('[data-testid="attempt"][data-trigger="manual"]')).toHaveCount(1, {
    timeout: 20_000,
  });
  await expect(drawer.locator('[data-testid="attempt"][data-trigger="manual"]')).toContainText(
    "200",
  );
  await expect(drawer.getByTestId("delivery-status")).toContainText("succeeded");
  await expect(drawer.getByTestId("delivery-last-error")).toHaveCount(0);
  await expect
    .poll(() => receiver.eventsNamed("member_added", channel).length)
    .toBeGreaterThanOrEqual(4);
});

test("an open delivery stays on screen, with a notice, while its refresh fails", async ({
  page,
}) => {
  await deliveriesPage(page);
  await page.getByTestId("delivery-row").first().click();
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByRole("button", { name: "Redeliver" })).toBeVisible();

  // The server answers the drawer's polling GET with a 500 for a while (the log's list URL has no
  // slash after /deliveries, so it is not affected).
  const detailUrl = `**/api/v1/apps/${app.id}/deliveries/*`;
  await page.route(detailUrl, (route) =>
    route.request().method() === "GET"
      ? route.fulfill({
          status: 500,
          contentType: "application/json",
          body: JSON.stringify({ error: { code: "internal", message: "database restarting" } }),
        })
      : route.fallback(),
  );
  await expect(drawer.getByText(/Could not refresh \(database restarting\)/)).toBeVisible({
    timeout: 30_000,
  });
  await expect(drawer.getByRole("button", { name: "Redeliver" })).toBeVisible();
  await expect(drawer.getByTestId("attempt").first()).toBeVisible();

  await page.unroute(detailUrl);
  await expect(drawer.getByText(/Could not refresh/)).toBeHidden({ timeout: 30_000 });
  await page.keyboard.press("Escape");
});

test("while the log cannot load, the error stays on screen with a retry notice, then the log appears", async ({
  page,
}) => {
  let refused = 0;
  const listUrl = (url: URL) => url.pathname === `/api/v1/apps/${app.id}/deliveries`;
  await page.route(listUrl, (route) => {
    refused += 1;
    return route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "unavailable", message: "database restarting" } }),
    });
  });
  await deliveriesPage(page);
  await expect(page.getByRole("alert").filter({ hasText: "Could not load this" })).toContainText(
    "database restarting",
  );
  await expect(page.getByTestId("deliveries-retrying")).toBeVisible();
  const refusedBefore = refused;
  // Every animation frame for 7 s (retries and the 2 s refresh run meanwhile): never a skeleton
  // instead.
  const framesWithoutError = await page.evaluate(async () => {
    let missing = 0;
    const end = performance.now() + 7000;
    while (performance.now() < end) {
      await new Promise(requestAnimationFrame);
      const alerts = [...document.querySelectorAll('[role="alert"]')];
      if (!alerts.some((alert) => alert.textContent?.includes("Could not load this"))) missing += 1;
    }
    return missing;
  });
  expect(refused - refusedBefore).toBeGreaterThanOrEqual(2);
  expect(framesWithoutError).toBe(0);

  await page.unroute(listUrl);
  await expect(page.getByTestId("delivery-row").first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText("Could not load this")).toHaveCount(0);
  await expect(page.getByTestId("deliveries-retrying")).toHaveCount(0);
});

test("a time preset stays a rolling preset across reloads, and the time select shows it whole", async ({
  page,
}) => {
  await deliveriesPage(page);
  await expect(page.getByTestId("delivery-row").first()).toBeVisible();
  const time = page.getByLabel("Time range");
  expect(await cutOptions(time)).toEqual([]);
  await time.selectOption({ label: "Last 15 minutes" });
  await expect(page).toHaveURL(/range=15m/);
  expect(page.url()).not.toContain("since=");
  await page.reload();
  await expect(time).toHaveValue("15m");
  await expect(page.getByLabel("From")).toHaveCount(0);
  await expect(page.getByTestId("delivery-row").first()).toBeVisible();
  // The window moves with the clock: an hour later these deliveries are out of it, with no reload.
  await page.clock.install();
  await page.clock.fastForward("01:00:00");
  await expect(page.getByText("No deliveries match these filters")).toBeVisible({
    timeout: 20_000,
  });
  await expect(time).toHaveValue("15m");

  // Custom keeps its fixed From and To, as before.
  await time.selectOption({ label: "Custom range…" });
  await expect(page.getByLabel("From")).not.toHaveValue("");
  await expect(page).toHaveURL(/since=/);
  expect(page.url()).not.toContain("range=");
});

test("the channel filter says it matches exact names, before and after finding nothing", async ({
  page,
}) => {
  await deliveriesPage(page);
  await expect(page.getByText("Channel (exact name)")).toBeVisible();
  await expect(page.getByLabel("Channel")).toHaveAccessibleDescription(/whole channel name/);
  await page.getByLabel("Channel").fill("presence-room");
  await expect(page).toHaveURL(/channel=presence-room/);
  await expect(page.getByText("No deliveries match these filters")).toBeVisible();
  await expect(page.getByText(/matches whole channel names only/)).toBeVisible();
  await page.getByLabel("Channel").fill("presence-room-1");
  await expect(page.getByTestId("delivery-row").first()).toBeVisible();
});

test("recovers failed deliveries of an endpoint and shows the job's progress", async ({
  page,
  request,
}) => {
  receiver.respondWith(503);
  const channels = [`presence-r1-${Date.now()}`, `presence-r2-${Date.now()}`];
  await ingest(
    request,
    app.id,
    channels.map((channel) => ({
      id: uniqueId("ev"),
      name: "member_added",
      channel,
      user_id: "1",
    })),
  );
  await expect
    .poll(
      async () => {
        const page = await apiCall(
          request,
          "GET",
          `/apps/${app.id}/deliveries?status=failed&endpointId=${endpointId}&limit=250`,
        );
        return page.data.filter((delivery: { channels: string[] }) =>
          channels.includes(delivery.channels[0]!),
        ).length;
      },
      { timeout: 30_000 },
    )
    .toBe(2);
  receiver.respondWith(200);

  await deliveriesPage(page);
  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Event types").fill("member_added");
  await dialog.getByRole("button", { name: "Start recovery" }).click();
  await expect(dialog.getByRole("progressbar", { name: "Recovery progress" })).toHaveAttribute(
    "aria-valuenow",
    "100",
    { timeout: 30_000 },
  );
  await expect(dialog.getByTestId("recover-progress")).toContainText(/Re-queued \d+ deliveries/);
  await expect(dialog.getByTestId("recover-progress")).toContainText(/· 0 still pending/, {
    timeout: 30_000,
  });
  await expect(dialog.getByText("settled")).toBeVisible();
  await screenshot(page, "recover-dialog");
  for (const channel of channels)
    await expect
      .poll(() => receiver.eventsNamed("member_added", channel).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(4);
  await dialog.getByRole("button", { name: "Close" }).first().click();
  await expect(page.getByTestId("delivery-row").filter({ hasText: channels[0]! })).toHaveAttribute(
    "data-status",
    "succeeded",
  );
  await screenshot(page, "deliveries-log");
});

test("Recover reports deliveries that failed again as failed, not the job as succeeded", async ({
  page,
  request,
}) => {
  receiver.respondWith(500);
  const channel = `presence-again-${Date.now()}`;
  await ingest(request, app.id, [
    { id: uniqueId("ev"), name: "member_added", channel, user_id: "1" },
  ]);
  const failedCount = async () =>
    (
      await apiCall(
        request,
        "GET",
        `/apps/${app.id}/deliveries?status=failed&endpointId=${endpointId}&channel=${channel}`,
      )
    ).data.length;
  await expect.poll(failedCount, { timeout: 30_000 }).toBe(1);

  await deliveriesPage(page);
  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Event types").fill("member_added");
  await dialog.getByRole("button", { name: "Start recovery" }).click();
  const progress = dialog.getByTestId("recover-progress");
  await expect(progress).toContainText(/Re-queued (\d+) deliver/, { timeout: 30_000 });
  const requeued = Number(/Re-queued (\d+)/.exec((await progress.textContent()) ?? "")![1]);
  expect(requeued).toBeGreaterThan(0);
  // Every one of them fails again (HTTP 500): the dialog says so once they have settled.
  await expect(progress).toContainText(`0 succeeded · ${requeued} failed · 0 still pending`, {
    timeout: 30_000,
  });
  await expect(dialog.getByText("settled")).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).first().click();
  receiver.respondWith(200);
});

test("the Recover dialog's default range ends when it is opened, not when the page loaded", async ({
  page,
}) => {
  await deliveriesPage(page);
  const recover = page.getByRole("button", { name: "Recover failed deliveries" });
  await expect(recover).toBeEnabled(); // the endpoints have loaded
  // The page has been open for two hours.
  await page.clock.install();
  await page.clock.fastForward("02:00:00");
  await recover.click();
  const until = await page.getByRole("dialog").getByLabel("To").inputValue();
  // Both clocks are this machine's; the page's is two hours ahead now.
  expect(new Date(until).getTime()).toBeGreaterThan(Date.now() + 3600_000);
  await page.keyboard.press("Escape");
});

test("shows the endpoint's health: success rate, latency percentiles and recent failures", async ({
  page,
}) => {
  await page.goto(`/apps/${app.id}/health`);
  await page.getByLabel("Window").selectOption("1h");
  await expect(page.getByTestId("kpi-success-rate")).toHaveText(/\d+(\.\d)?%/);
  // Charts drawn with data: points of the success rate, and of three latency percentiles.
  await expect(
    page.getByTestId("success-rate-chart").locator(".recharts-dot").first(),
  ).toBeVisible();
  await expect(page.getByTestId("latency-chart").locator(".recharts-line")).toHaveCount(3);
  await expect(page.getByTestId("latency-chart").locator(".recharts-dot").first()).toBeVisible();
  await expect(page.getByTestId("latency-chart")).toContainText("p95");
  await expect(page.getByTestId("recent-failures")).toContainText("500");
  await screenshot(page, "endpoint-health");
});

test("an endpoint answering 410 is disabled automatically and the operator sees why; disable, enable and delete", async ({
  page,
  request,
}) => {
  const gone = await apiCall(request, "POST", `/apps/${app.id}/endpoints`, {
    url: receiver.goneUrl,
    eventTypes: ["member_added"],
    description: "Old receiver",
  });
  await page.goto(`/apps/${app.id}/endpoints/${gone.id}`);
  await page.getByRole("button", { name: "Send test event" }).click();
  await expect(page.getByTestId("test-result")).toContainText("410");
  // A test event never disables an endpoint; a real delivery answered 410 does.
  await ingest(request, app.id, [
    { id: uniqueId("ev"), name: "member_added", channel: "presence-gone", user_id: "3" },
  ]);
  await expect
    .poll(
      async () => (await apiCall(request, "GET", `/apps/${app.id}/endpoints/${gone.id}`)).enabled,
      { timeout: 20_000 },
    )
    .toBe(false);
  await page.reload();
  await expect(page.getByText("Herald disabled this endpoint automatically")).toBeVisible();
  await expect(page.getByText(/answered 410 Gone/)).toBeVisible();
  // Its advice (enable again, then Recover) comes once, not twice in a row.
  const notice = (await page.getByTestId("auto-disabled-notice").textContent()) ?? "";
  expect(notice.match(/re-?enable|enable the endpoint|enable it/gi)).toHaveLength(1);
  await expect(page.getByText("auto-disabled", { exact: true })).toBeVisible();
  await screenshot(page, "endpoint-auto-disabled");

  // Manual disable/enable of the healthy endpoint, with confirmation: a person's choice, not
  // Herald's.
  await page.goto(`/apps/${app.id}/endpoints/${endpointId}`);
  await page.getByRole("switch", { name: "Endpoint enabled" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Disable endpoint" }).click();
  await expect(page.getByText("Endpoint disabled")).toBeVisible();
  expect((await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`)).enabled).toBe(
    false,
  );
  await expect(page.getByText("This endpoint is disabled")).toBeVisible();
  await expect(page.getByTestId("endpoint-disabled-by")).toContainText(
    "Disabled by user:admin@example.com",
  );
  await expect(page.getByText("disabled", { exact: true })).toBeVisible();
  await expect(page.getByText("auto-disabled", { exact: true })).toHaveCount(0);
  await expect(page.getByText("Herald disabled this endpoint automatically")).toHaveCount(0);
  // The endpoints list says the same.
  await page.goto(`/apps/${app.id}/endpoints`);
  const healthyRow = page.getByTestId("endpoint-row").filter({ hasText: receiver.url });
  await expect(
    healthyRow.filter({ hasNotText: "/gone" }).getByText("disabled", { exact: true }),
  ).toBeVisible();
  await expect(
    page
      .getByTestId("endpoint-row")
      .filter({ hasText: "/gone" })
      .getByText("auto-disabled", { exact: true }),
  ).toBeVisible();
  // Its deliveries cannot be redelivered meanwhile, and the drawer says why before any click.
  await page.goto(`/apps/${app.id}/deliveries?endpointId=${endpointId}`);
  await page.getByTestId("delivery-row").first().click();
  const redeliver = page.getByRole("dialog").getByRole("button", { name: "Redeliver" });
  await expect(redeliver).toBeDisabled();
  await expect(redeliver).toHaveAccessibleDescription("Enable the endpoint to redeliver");
  await expect(
    page.getByRole("dialog").getByText("Enable the endpoint to redeliver"),
  ).toBeVisible();
  await page.keyboard.press("Escape");
  await page.goto(`/apps/${app.id}/endpoints/${endpointId}`);
  await page.getByRole("switch", { name: "Endpoint enabled" }).click();
  await expect(page.getByText("Endpoint enabled")).toBeVisible();

  // Delete asks first.
  await page.goto(`/apps/${app.id}/endpoints/${gone.id}`);
  await page.getByRole("button", { name: "Delete endpoint" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page).toHaveURL(new RegExp(`/apps/${app.id}/endpoints$`));
  await expect(page.getByTestId("endpoint-row")).toHaveCount(1);
  await screenshot(page, "endpoints-list");
  // Its delivery (the 410) stays in the log, under "Deleted endpoint", and cannot be redelivered.
  await page.goto(`/apps/${app.id}/deliveries?channel=presence-gone`);
  const row = page.getByTestId("delivery-row").first();
  await expect(row).toContainText("Deleted endpoint");
  await row.click();
  await expect(page.getByRole("dialog").getByTestId("delivery-last-error")).toContainText(
    "HTTP 410 Gone",
  );
  await expect(page.getByRole("dialog").getByRole("button", { name: "Redeliver" })).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(row).toBeFocused(); // keyboard users continue from the row they opened
});

test("pages through a long delivery log with Load more", async ({ page, request }) => {
  const channel = `presence-bulk-${Date.now()}`;
  const events = Array.from({ length: 60 }, (_, index) => ({
    id: uniqueId(`bulk${index}`),
    name: "member_added",
    channel,
    user_id: String(index),
  }));
  await ingest(request, app.id, events);
  await expect
    .poll(() => receiver.eventsNamed("member_added", channel).length, { timeout: 30_000 })
    .toBe(60);

  await page.goto(`/apps/${app.id}/deliveries?channel=${channel}`);
  await expect(page.getByTestId("delivery-row")).toHaveCount(50);
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(page.getByTestId("delivery-row")).toHaveCount(60);
  await expect(page.getByText("End of the log")).toBeVisible();
  await expect(page.getByText("60 shown")).toBeVisible();
});

test("the endpoint filter tells endpoints on one host apart and shows each whole", async ({
  page,
  request,
}) => {
  const other = await createAppViaApi(request, "Many endpoints");
  const origin = new URL(receiver.url).origin;
  for (const path of [
    "webhooks/production/chat-backend/receiver-a",
    "webhooks/production/chat-backend/receiver-b",
  ]) {
    await apiCall(request, "POST", `/apps/${other.id}/endpoints`, {
      url: `${origin}/${path}`,
      eventTypes: ["member_added"],
    });
  }
  await apiCall(request, "POST", `/apps/${other.id}/endpoints`, {
    url: `${origin}/hooks`,
    description: "Billing service",
    eventTypes: ["member_added"],
  });
  for (const [description, path] of [
    ["Audit sink (fail)", "fail"],
    ["Audit sink (ok)", "ok-recovered"],
  ])
    await apiCall(request, "POST", `/apps/${other.id}/endpoints`, {
      url: `${origin}/${path}`,
      description,
      eventTypes: ["member_added"],
    });
  const host = origin.replace(/^https?:\/\//, "");
  await page.goto(`/apps/${other.id}/deliveries`);
  const select = page.getByLabel("Endpoint");
  await expect(select.locator("option")).toHaveCount(6);
  const labels = await select.locator("option").allTextContents();
  expect(new Set(labels).size).toBe(6);
  expect(labels.some((label) => label.endsWith("receiver-a"))).toBe(true);
  expect(labels.some((label) => label.endsWith("receiver-b"))).toBe(true);
  // Description first, then the target, both whole when they fit: cut neither by code nor box.
  expect(labels).toContain(`Billing service · ${host}/hooks`);
  expect(labels).toContain(`Audit sink (fail) · ${host}/fail`);
  expect(labels).toContain(`Audit sink (ok) · ${host}/ok-recovered`);
  expect(await cutOptions(select)).toEqual([]);
  await select.selectOption({ label: `Audit sink (fail) · ${host}/fail` });
  expect(await cutOptions(select)).toEqual([]);

  // Health and Recover use the same picker, with the same labels.
  await page.goto(`/apps/${other.id}/health`);
  const health = page.getByLabel("Endpoint");
  await expect(health.locator("option")).toHaveCount(5);
  expect(await health.locator("option").allTextContents()).toEqual(labels.slice(1));
  expect(await cutOptions(health)).toEqual([]);
  await page.goto(`/apps/${other.id}/deliveries`);
  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  const recover = page.getByRole("dialog").getByLabel("Endpoint");
  expect((await recover.locator("option").allTextContents()).slice(1)).toEqual(labels.slice(1));
  expect(await cutOptions(recover)).toEqual([]);
  await page.keyboard.press("Escape");
});
