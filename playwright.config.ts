import { defineConfig } from "@playwright/test";
import { e2eEnv } from "./tests/e2e/env";

// Real Chromium from Debian (never a downloaded browser) against the built app and a worker.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
const serverEnv = { ...e2eEnv, NODE_ENV: "production", PORT: String(PORT), NEXTAUTH_URL: baseURL };

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  // Two spec files at a time (E2E_WORKERS): about a minute faster than one on two cores.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  reporter: [["list"]],
  use: {
    baseURL,
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    // Recording a trace costs a fifth of the suite's time on a 2-core machine; on demand only.
    trace: process.env.E2E_TRACE === "1" ? "retain-on-failure" : "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "dashboard",
      dependencies: ["setup"],
      testIgnore: /backlog-banner\.spec\.ts/,
      use: { storageState: "test-results/.auth/admin.json" },
    },
    {
      // Freezes the one worker every other test delivers through: runs alone, after the rest.
      name: "worker stopped",
      dependencies: ["dashboard"],
      testMatch: /backlog-banner\.spec\.ts/,
      use: { storageState: "test-results/.auth/admin.json" },
    },
  ],
  webServer: [
    {
      // A new database and queue at every run (the worker below starts after this is up).
      command: "npx tsx tests/e2e/reset-run.ts && node server/start.mjs",
      url: `${baseURL}/api/health`,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: "node worker/start.mjs",
      env: { ...serverEnv, HERALD_PROCESS: "worker", HERALD_LOG_LEVEL: "info" },
      wait: { stdout: /worker ready/ },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
