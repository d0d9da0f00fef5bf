import { Redis } from "ioredis";
import { createAppViaApi, expect, ingest, screenshot, test } from "./fixtures";
import { e2eEnv } from "./env";

// The worker Playwright started is frozen (SIGSTOP: a hung worker, its heartbeat stops) while
// events arrive, then thawed. Its pid comes from its own heartbeat entry (host:pid:random).
async function workerPid(): Promise<number> {
  const redis = new Redis(e2eEnv.REDIS_URL!);
  try {
    // Live entries only: a worker of an earlier run that was killed stays in the set a while.
    const timeoutMs = Number(e2eEnv.HERALD_WORKER_TIMEOUT_SECONDS) * 1000;
    const members = await redis.zrangebyscore(
      `${e2eEnv.HERALD_QUEUE_PREFIX}:herald:workers`,
      Date.now() - timeoutMs,
      "+inf",
    );
    const pids = members.map((member) => Number(member.split(":")[1]));
    expect(pids, "exactly one e2e worker is running").toHaveLength(1);
    return pids[0]!;
  } finally {
    redis.disconnect();
  }
}

test("shows the no-worker banner on every page while the worker is stopped, and clears it", async ({
  page,
  request,
}) => {
  const app = await createAppViaApi(request, "Backlog banner app");
  await page.goto(`/apps/${app.id}`);
  const overview = page.getByTestId("backlog-cards");
  await expect(overview).toContainText("1 running");
  await expect(overview).toContainText("Nothing waiting");
  await expect(page.getByTestId("backlog-banner")).toHaveCount(0);

  const pid = await workerPid();
  process.kill(pid, "SIGSTOP");
  try {
    await ingest(request, app.id, [
      { name: "channel_occupied", channel: "room-1" },
      { name: "channel_occupied", channel: "room-2" },
      { name: "channel_occupied", channel: "room-3" },
    ]);
    // HERALD_WORKER_TIMEOUT_SECONDS (8) + the backlog cache (3) + the banner's poll (5).
    const banner = page.getByTestId("backlog-banner");
    await expect(banner).toContainText(/No worker is running: \d+ events? (is|are) waiting/, {
      timeout: 30_000,
    });
    await expect(overview).toContainText("0 running");
    await expect(overview).toContainText("3 waiting");
    await screenshot(page, "backlog-banner-no-worker");
    // Every page, not only the app's.
    await page.goto("/event-types");
    await expect(banner).toContainText("No worker is running", { timeout: 15_000 });
    await page.goto(`/apps/${app.id}`);
  } finally {
    process.kill(pid, "SIGCONT");
  }
  await expect(page.getByTestId("backlog-banner")).toHaveCount(0, { timeout: 30_000 });
  await expect(overview).toContainText("1 running");
  await expect(overview).toContainText("Nothing waiting", { timeout: 15_000 });
});
