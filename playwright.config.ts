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
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  globalSetup: "./tests/e2e/global-setup.ts",
  use: {
    baseURL,
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
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
      use: { storageState: "test-results/.auth/admin.json" },
    },
  ],
  webServer: [
    {
      command: "npx tsx tests/e2e/prepare-db.ts && node server/start.mjs",
      url: `${baseURL}/api/health`,
      env: serverEnv,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: "npx tsx tests/e2e/prepare-db.ts && node worker/start.mjs",
      env: { ...serverEnv, HERALD_PROCESS: "worker", HERALD_LOG_LEVEL: "info" },
      wait: { stdout: /worker ready/ },
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
