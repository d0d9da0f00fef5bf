import type { Page } from "@playwright/test";
import { apiCall, createAppViaApi, expect, test } from "./fixtures";

// Forms check what they send with the API's own schemas: every error shows at once, before any
// request, and every message names its field as the form labels it.

/** Counts the requests to the API that would change something (a form that sent its input). */
function countWrites(page: Page) {
  const writes: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/") && request.method() !== "GET")
      writes.push(`${request.method()} ${request.url()}`);
  });
  return writes;
}

test("the endpoint form shows URL and pattern errors with the others, before asking the API", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "All errors at once");
  await page.goto(`/apps/${app.id}/endpoints/new`);
  const writes = countWrites(page);
  await page.getByLabel("Endpoint URL").fill("not a url");
  await page.getByLabel("Channel pattern").fill("^presence-(foo");
  await page.getByLabel("Timeout (ms)").fill("abc");
  await page.getByRole("button", { name: "Save endpoint" }).click();

  await expect(page.getByText("Endpoint URL must be an http:// or https:// URL")).toBeVisible();
  await expect(
    page.getByText(
      "Channel pattern is not a valid regular expression: /^presence-(foo/: Unterminated group",
    ),
  ).toBeVisible();
  await expect(page.getByText("Select at least one event type")).toBeVisible();
  await expect(
    page.getByText("Timeout must be a whole number of ms from 100 to 60000"),
  ).toBeVisible();
  await expect(page.getByLabel("Endpoint URL")).toBeFocused();
  expect(writes).toEqual([]);

  // What only the server can judge comes back in one answer, each message with its field's name.
  await page.getByLabel("Endpoint URL").fill("http://10.1.2.3/hook");
  await page.getByLabel("Channel pattern").fill("^(a+)+$");
  await page.getByLabel("Timeout (ms)").fill("");
  await page.getByRole("checkbox", { name: "member_added" }).click();
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText(/^Endpoint URL points at 10\.1\.2\.3, a private/)).toBeVisible();
  await expect(
    page.getByText(/^Channel pattern is prone to catastrophic backtracking/),
  ).toBeVisible();
  expect(writes).toHaveLength(1);
});

test("the event type dialog shows a bad name and broken JSON together", async ({ page }) => {
  await page.goto("/event-types");
  const writes = countWrites(page);
  await page.getByRole("button", { name: "New event type" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Order Paid!");
  await dialog.getByLabel("JSON Schema").fill('{"type": "object",');
  await dialog.getByRole("button", { name: "Create event type" }).click();
  await expect(
    dialog.getByText(
      "Name must start with a lowercase letter and use only a-z, 0-9, _ . : - (at most 100)",
    ),
  ).toBeVisible();
  await expect(dialog.getByText(/^JSON Schema is not valid JSON: /)).toBeVisible();
  expect(writes).toEqual([]);
});

test("Recover shows a reversed range and an unknown event type together, in the form's words", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Recover errors");
  await apiCall(request, "POST", `/apps/${app.id}/endpoints`, {
    url: "http://127.0.0.1:9/recover-errors",
    eventTypes: ["member_added"],
    description: "Recover errors",
  });
  await page.goto(`/apps/${app.id}/deliveries`);
  const writes = countWrites(page);
  await page.getByRole("button", { name: "Recover failed deliveries" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("From").fill("2026-12-05T10:00");
  await dialog.getByLabel("To").fill("2026-12-05T09:00");
  await dialog.getByLabel("Event types").fill("member_added, no.such.type");
  await dialog.getByRole("button", { name: "Start recovery" }).click();
  await expect(dialog.getByText("To must be later than From")).toBeVisible();
  await expect(
    dialog.getByText("Event types: 'no.such.type' is not in the event type catalog"),
  ).toBeVisible();
  expect(writes).toEqual([]);
});

test("app and endpoint batching take the same input and say the same thing", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "One batching wording");
  await page.goto(`/apps/${app.id}`);
  await page.getByLabel("Batch window (ms)").fill("0");
  await page.getByLabel("Max batch size").fill("5000");
  await page.getByRole("button", { name: "Save batching" }).click();
  const windowMessage = "Batch window must be a whole number of ms from 1 to 60000";
  const sizeMessage = "Max batch size must be a whole number from 1 to 1000";
  await expect(page.getByText(windowMessage)).toBeVisible();
  await expect(page.getByText(sizeMessage)).toBeVisible();
  const appInputs = [page.getByLabel("Batch window (ms)"), page.getByLabel("Max batch size")];

  await page.goto(`/apps/${app.id}/endpoints/new`);
  await page.getByLabel("Batching", { exact: true }).selectOption("custom");
  await page.getByLabel("Batch window (ms)").fill("0");
  await page.getByLabel("Max batch size").fill("5000");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page.getByText(windowMessage)).toBeVisible();
  await expect(page.getByText(sizeMessage)).toBeVisible();
  const endpointInputs = [page.getByLabel("Batch window (ms)"), page.getByLabel("Max batch size")];

  // One kind of input in both places: text for whole numbers, with the numeric keyboard.
  const kind = async (inputs: typeof appInputs) => {
    const kinds = [];
    for (const input of inputs)
      kinds.push(
        await input.evaluate((element: HTMLInputElement) => `${element.type}/${element.inputMode}`),
      );
    return kinds;
  };
  expect(await kind(endpointInputs)).toEqual(["text/numeric", "text/numeric"]);
  await page.goto(`/apps/${app.id}`);
  expect(await kind(appInputs)).toEqual(["text/numeric", "text/numeric"]);
});
