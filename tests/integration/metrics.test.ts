import { describe, expect, it } from "vitest";
import * as intakeRoute from "@/app/api/intake/pusher/[appId]/route";
import * as tokensRoute from "@/app/api/v1/api-tokens/route";
import { pusherSignature } from "@/lib/signing/pusher";
import { MAX_INGEST_BODY_BYTES } from "@/lib/validation/ingest";
import { updateEndpoint } from "@/lib/services/endpoints";
import { makeApp, systemPrincipal, uniqueId } from "../factories";
import { makeEndpoint } from "../factories/endpoints";
import { call } from "../helpers/api";
import { engineUnderTest, ingest } from "../helpers/engine";
import { getWebMetrics, sample, scrapeWeb, scrapeWorker } from "../helpers/prometheus";
import { eventually } from "../helpers/receiver";

const WORKER_METRICS_PORT = 9471;
const engine = engineUnderTest("metrics", {
  HERALD_WORKER_METRICS_PORT: String(WORKER_METRICS_PORT),
  HERALD_AUTO_DISABLE_THRESHOLD: "0",
});

const unbatched = { enabled: false, durationMs: 50, maxBatchSize: 100 };
const occupied = (channel: string) => ({ name: "channel_occupied", channel });

describe("web metrics (GET /api/metrics)", () => {
  it("needs a token with the metrics scope", async () => {
    expect((await getWebMetrics(null)).status).toBe(401);
    const readOnly = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "reader", scopes: ["read"] },
    });
    expect((await getWebMetrics(readOnly.body.token)).status).toBe(403);
    const scraper = await call(tokensRoute.POST, "POST", "/api/v1/api-tokens", {
      body: { name: "prometheus", scopes: ["metrics"] },
    });
    const scraped = await getWebMetrics(scraper.body.token);
    expect(scraped.status).toBe(200);
    expect(scraped.contentType).toContain("text/plain");
    expect(scraped.text).toContain("process_cpu_user_seconds_total");
  });

  it("counts accepted, duplicate and rejected events per route", async () => {
    const app = await makeApp({ secret: "metrics-app-secret" });
    const labels = (route: string, result: string) => ({ app: app.id, route, result });
    const duplicateId = uniqueId("evt");
    expect(
      (await ingest(app.id, [occupied("a"), { ...occupied("b"), id: duplicateId }])).status,
    ).toBe(202);
    expect(
      (await ingest(app.id, [{ ...occupied("b"), id: duplicateId }, occupied("c")])).status,
    ).toBe(202);
    expect((await ingest(app.id, [{ name: "channel_occupied" }])).status).toBe(422);
    const body = JSON.stringify({ time_ms: Date.now(), events: [occupied("d")] });
    const pusher = await call(intakeRoute.POST, "POST", `/api/intake/pusher/${app.id}`, {
      params: { appId: app.id },
      rawBody: body,
      token: null,
      headers: {
        "x-pusher-key": app.key,
        "x-pusher-signature": pusherSignature("metrics-app-secret", body),
      },
    });
    expect(pusher.status).toBe(202);
    const badSignature = await call(intakeRoute.POST, "POST", `/api/intake/pusher/${app.id}`, {
      params: { appId: app.id },
      rawBody: body,
      token: null,
      headers: { "x-pusher-key": app.key, "x-pusher-signature": "0".repeat(64) },
    });
    expect(badSignature.status).toBe(401);
    // Too large to read, so refused before the signature could say whether the app is real.
    const madeUpApp = uniqueId("no-such-app");
    const tooLarge = await call(intakeRoute.POST, "POST", `/api/intake/pusher/${madeUpApp}`, {
      params: { appId: madeUpApp },
      rawBody: "x".repeat(MAX_INGEST_BODY_BYTES + 1),
      token: null,
      headers: { "x-pusher-key": "k", "x-pusher-signature": "0".repeat(64) },
    });
    expect(tooLarge.status).toBe(413);

    const text = await scrapeWeb();
    const counted = (route: string, result: string) =>
      sample(text, "herald_events_ingested_total", labels(route, result));
    expect(counted("native", "accepted")).toBe(3);
    expect(counted("native", "duplicate")).toBe(1);
    expect(counted("native", "rejected")).toBe(1);
    expect(counted("pusher", "accepted")).toBe(1);
    // Refused before the caller proved it knows the app: counted without the app label.
    expect(
      sample(text, "herald_events_ingested_total", labels("pusher", "rejected")),
    ).toBeUndefined();
    expect(text).not.toContain(madeUpApp);
    expect(
      sample(text, "herald_events_ingested_total", {
        app: "",
        route: "pusher",
        result: "rejected",
      }),
    ).toBeGreaterThanOrEqual(2);
  });

  it("reports disabled endpoints per app, read from Postgres", async () => {
    const app = await makeApp();
    const endpoint = await makeEndpoint(app.id, { url: engine.receiver.url("/unused") });
    await makeEndpoint(app.id, { url: engine.receiver.url("/unused") });
    await updateEndpoint(systemPrincipal, app.id, endpoint.id, { enabled: false });
    await eventually(
      async () => sample(await scrapeWeb(), "herald_endpoints_disabled", { app: app.id }) === 1,
      { what: "herald_endpoints_disabled = 1" },
    );
    const text = await scrapeWeb();
    expect(sample(text, "herald_deliveries_due", { app: app.id })).toBe(0);
    expect(text).toMatch(/herald_queue_jobs\{queue="deliver",state="waiting"\} \d+/);
  });
});

describe("worker metrics (HERALD_WORKER_METRICS_PORT)", () => {
  it("counts outcomes, attempt durations and lag per endpoint after real deliveries", async () => {
    const app = await makeApp();
    const ok = await makeEndpoint(app.id, {
      url: engine.receiver.url(`/${uniqueId("ok")}`),
      batching: unbatched,
      retry: { scheduleSeconds: [] },
    });
    const failingPath = `/${uniqueId("fail")}`;
    engine.receiver.script(failingPath, () => ({ status: 500 }));
    const failing = await makeEndpoint(app.id, {
      url: engine.receiver.url(failingPath),
      batching: unbatched,
      retry: { scheduleSeconds: [] },
    });
    const deliveries = (endpoint: string, outcome: string, text: string) =>
      sample(text, "herald_deliveries_total", { app: app.id, endpoint, outcome });

    expect((await ingest(app.id, [occupied("x"), occupied("y"), occupied("z")])).status).toBe(202);

    const text = await eventually(
      async () => {
        const scraped = await scrapeWorker(WORKER_METRICS_PORT);
        return deliveries(ok.id, "succeeded", scraped) === 3 &&
          deliveries(failing.id, "failed", scraped) === 3
          ? scraped
          : null;
      },
      { what: "3 succeeded and 3 failed deliveries counted", timeoutMs: 30_000 },
    );
    // Counters start at their first increment: an outcome that never happened has no series.
    expect(deliveries(ok.id, "failed", text)).toBeUndefined();
    expect(deliveries(failing.id, "succeeded", text)).toBeUndefined();
    const durations = { app: app.id, endpoint: ok.id };
    expect(sample(text, "herald_attempt_duration_seconds_count", durations)).toBe(3);
    expect(sample(text, "herald_attempt_duration_seconds_sum", durations)).toBeGreaterThan(0);
    // Every attempt answers within 30 s: the largest finite bucket holds all three.
    expect(sample(text, "herald_attempt_duration_seconds_bucket", { ...durations, le: "30" })).toBe(
      3,
    );
    expect(sample(text, "herald_delivery_lag_seconds_count", { app: app.id })).toBe(6);
    expect(sample(text, "herald_worker_up")).toBe(1);
    expect(text).toContain("nodejs_heap_size_used_bytes");
  });

  it("shows the deliveries a worker holds on the direct path until they are recorded", async () => {
    const app = await makeApp();
    const path = `/${uniqueId("held")}`;
    engine.receiver.script(path, () => ({ delayMs: 2000 }));
    await makeEndpoint(app.id, { url: engine.receiver.url(path), batching: unbatched });
    const held = async () =>
      sample(await scrapeWorker(WORKER_METRICS_PORT), "herald_worker_direct_deliveries");
    expect((await ingest(app.id, [occupied("h1"), occupied("h2")])).status).toBe(202);
    // Sent and unanswered: claimed by routing, not yet recorded.
    await eventually(async () => (await held()) === 2, { what: "two direct deliveries held" });
    await eventually(async () => (await held()) === 0, {
      what: "none held once recorded",
      timeoutMs: 15_000,
    });
  });

  it("measures the lag from the event's receipt, so a batch window counts", async () => {
    const app = await makeApp();
    const path = `/${uniqueId("windowed")}`;
    await makeEndpoint(app.id, {
      url: engine.receiver.url(path),
      batching: { enabled: true, durationMs: 1500, maxBatchSize: 100 },
    });
    expect((await ingest(app.id, [occupied("w")])).status).toBe(202);
    const lag = { app: app.id };
    const text = await eventually(
      async () => {
        const scraped = await scrapeWorker(WORKER_METRICS_PORT);
        return sample(scraped, "herald_delivery_lag_seconds_count", lag) === 1 ? scraped : null;
      },
      { what: "one first attempt observed", timeoutMs: 30_000 },
    );
    // The delivery is created when its 1.5 s window closes and sent at once: only a lag counted
    // from the event's receipt lands above 1 s.
    expect(sample(text, "herald_delivery_lag_seconds_bucket", { ...lag, le: "1" })).toBe(0);
    expect(sample(text, "herald_delivery_lag_seconds_sum", lag)).toBeGreaterThanOrEqual(1.5);
  });
});
