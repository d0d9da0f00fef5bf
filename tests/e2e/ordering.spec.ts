import { apiCall, createAppViaApi, expect, ingest, test, uniqueId } from "./fixtures";

// The "Deliver in order per channel" switch: it saves ordering "channel", shows the stored value
// when the endpoint is opened again, and the delivery drawer says redeliver is outside the order.

test("the order switch saves ordering, reads it back and is noted in the delivery drawer", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Ordered presence");
  await page.goto(`/apps/${app.id}/endpoints/new`);
  // Nowhere to deliver: the drawer only needs the delivery row.
  await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/ordered");
  await page.getByRole("checkbox", { name: "member_added" }).click();
  const order = page.getByRole("switch", { name: "Deliver in order per channel" });
  await expect(order).not.toBeChecked();
  await order.click();
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/[0-9a-f-]{36}$/);
  const endpointId = page.url().split("/").pop()!;

  const saved = await apiCall<{ ordering: string }>(
    request,
    "GET",
    `/apps/${app.id}/endpoints/${endpointId}`,
  );
  expect(saved.ordering).toBe("channel");
  await page.reload();
  await expect(page.getByRole("switch", { name: "Deliver in order per channel" })).toBeChecked();

  const channel = `presence-${uniqueId("room")}`;
  await ingest(request, app.id, [
    { id: uniqueId("ev"), name: "member_added", channel, user_id: "1" },
  ]);
  await page.goto(`/apps/${app.id}/deliveries`);
  const row = page.getByTestId("delivery-row").filter({ hasText: channel });
  await row.click({ timeout: 30_000 });
  const drawer = page.getByRole("dialog");
  await expect(drawer.getByTestId("redeliver-order-note")).toContainText(
    "Outside the order per channel",
  );
  await page.keyboard.press("Escape");

  // Off again: saved as "none", and the drawer no longer mentions the order.
  await page.goto(`/apps/${app.id}/endpoints/${endpointId}`);
  await page.getByRole("switch", { name: "Deliver in order per channel" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect
    .poll(
      async () =>
        (
          await apiCall<{ ordering: string }>(
            request,
            "GET",
            `/apps/${app.id}/endpoints/${endpointId}`,
          )
        ).ordering,
    )
    .toBe("none");
  await page.goto(`/apps/${app.id}/deliveries`);
  await page.getByTestId("delivery-row").filter({ hasText: channel }).click();
  await expect(page.getByRole("dialog").getByTestId("delivery-status")).toBeVisible();
  await expect(page.getByRole("dialog").getByTestId("redeliver-order-note")).toHaveCount(0);
});
