import { makeTlsFixtures, type TlsFixtures } from "../helpers/egress-servers";
import { apiCall, createAppViaApi, expect, test } from "./fixtures";

// The endpoint form's Egress section: a proxy override and a TLS client certificate, saved
// through the form and read back from the API masked; the key is write-only in the form too.

let tls: TlsFixtures;
test.beforeAll(() => {
  tls = makeTlsFixtures();
});
test.afterAll(() => tls?.remove());

test("saves a proxy and a client certificate from the form; the API and the form mask them", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Egress form");
  await page.goto(`/apps/${app.id}/endpoints/new`);
  await page.getByLabel("Endpoint URL").fill("https://hooks.example.com/mtls");
  await page.getByLabel("Description").fill("mTLS receiver");
  await page.getByRole("checkbox", { name: "channel_occupied" }).click();

  const egress = page.getByTestId("egress-section");
  await egress.getByLabel("Proxy", { exact: true }).selectOption("url");
  await egress.getByLabel("Proxy URL").fill("http://herald:proxy-password@proxy.example.com:3128");
  await egress.getByRole("switch", { name: "Present a TLS client certificate (mTLS)" }).click();
  await egress.getByLabel("Client certificate", { exact: true }).fill(tls.client.cert);
  await egress.getByLabel("Client key", { exact: true }).fill(tls.client.key);
  // The API's own schema runs in the form: a CA that is not PEM is named before any request.
  await egress.getByLabel("CA certificates").fill("not a certificate");
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(egress.getByText(/^CA certificates must be CA certificates in PEM/)).toBeVisible();
  await egress.getByLabel("CA certificates").fill(tls.ca);
  await page.getByRole("button", { name: "Save endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/[0-9a-f-]{36}$/);
  const endpointId = page.url().split("/").at(-1)!;

  const stored = await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`);
  expect(stored.proxy).toBe("http://herald:********@proxy.example.com:3128");
  expect(stored.tls).toEqual({
    clientCertificate: tls.client.cert.trim(),
    clientKey: "********",
    ca: tls.ca.trim(),
  });

  // On the endpoint page the key shows as set, never its value; saving keeps it.
  const section = page.getByTestId("egress-section");
  await expect(section.getByTestId("client-key-set")).toContainText("Set");
  await expect(page.locator("body")).not.toContainText("PRIVATE KEY-----\n");
  await expect(section.getByLabel("Proxy URL")).toHaveValue(
    "http://herald:********@proxy.example.com:3128",
  );
  await page.getByLabel("Description").fill("mTLS receiver (kept key)");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect
    .poll(
      async () =>
        (await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`)).description,
    )
    .toBe("mTLS receiver (kept key)");
  const kept = await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`);
  expect(kept.tls?.clientKey).toBe("********");
  expect(kept.proxy).toBe("http://herald:********@proxy.example.com:3128");

  // Remove drops the client certificate; Direct overrides the deployment's proxy.
  await section.getByRole("button", { name: "Remove" }).click();
  await section.getByLabel("Proxy", { exact: true }).selectOption("direct");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect
    .poll(
      async () => (await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`)).tls,
    )
    .toBeNull();
  expect((await apiCall(request, "GET", `/apps/${app.id}/endpoints/${endpointId}`)).proxy).toBe(
    "direct",
  );
});
