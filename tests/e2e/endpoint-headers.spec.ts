import { apiCall, createAppViaApi, expect, test } from "./fixtures";

// Stored header values are never sent to a new origin: the form says so as soon as the URL points
// elsewhere, and saving without typing them again names the headers.

test("moving an endpoint to another origin asks for its header values again", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Header origin");
  const endpoint = await apiCall<{ id: string }>(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "https://hooks.example.com/pusher",
    eventTypes: ["channel_occupied"],
    headers: { Authorization: "Bearer stored-credential" },
  });
  await page.goto(`/apps/${app.id}/endpoints/${endpoint.id}`);
  const notice = page.getByTestId("headers-notice");
  await expect(page.getByLabel("Header 1 value", { exact: true })).toHaveValue("********");
  await expect(notice).toHaveCount(0);

  await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/another/path");
  await expect(notice).toHaveCount(0);
  await page.getByLabel("Endpoint URL").fill("https://collector.example.net/hook");
  await expect(notice).toContainText("type the value of Authorization again, or remove it");

  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "Authorization was stored for" }),
  ).toContainText("https://hooks.example.com");

  await page.getByLabel("Header 1 value", { exact: true }).fill("Bearer for-the-collector");
  await expect(notice).toHaveCount(0);
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Endpoint saved")).toBeVisible();
  const saved = await apiCall<{ url: string; headers: Record<string, string> }>(
    request,
    "GET",
    `/apps/${app.id}/endpoints/${endpoint.id}`,
  );
  expect(saved).toMatchObject({
    url: "https://collector.example.net/hook",
    headers: { Authorization: "********" },
  });
});
