import { defineConfig, devices } from "@playwright/test";
import { E2E_EMULATOR_PORT, E2E_EMULATOR_URL, E2E_MAIL_INBOX_PORT, E2E_MAIL_INBOX_URL, E2E_MAIL_SMTP_PORT, E2E_PORT, E2E_WORKER_HEALTH_PORT, testEnvironment } from "./scripts/lib/test-env.ts";

// End-to-end tests run the production build (`next build` first; npm test does it) and a real
// worker against the test database, never whatever already listens on the test ports, in Debian's Chromium: Playwright's own browser download cannot
// work on this network (../shared/design.md).
const environment = testEnvironment();
const isCI = Boolean(process.env.CI);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: true,
  workers: 2,
  forbidOnly: isCI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
  ],
  webServer: [
    {
      // One emulator for the whole run; each test registers its own Slack app, so tests stay apart.
      command: `node_modules/.bin/tsx emulator/index.ts --port ${E2E_EMULATOR_PORT} --seed e2e --paused`,
      url: `${E2E_EMULATOR_URL}/_emulator`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      // The mail catcher the demo runs; alarm emails land in its inbox.
      command: `node_modules/.bin/maildev -s ${E2E_MAIL_SMTP_PORT} -w ${E2E_MAIL_INBOX_PORT} --ip 127.0.0.1 --web-ip 127.0.0.1`,
      url: `${E2E_MAIL_INBOX_URL}/email`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `node_modules/.bin/next start --port ${E2E_PORT}`,
      url: `http://127.0.0.1:${E2E_PORT}/api/healthz`,
      env: environment,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: "node_modules/.bin/tsx worker/index.ts",
      url: `http://127.0.0.1:${E2E_WORKER_HEALTH_PORT}/healthz`,
      env: environment,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
