import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { E2E_LOG_FILES, E2E_LOGS_DIR } from "./e2e/fixtures/logs.ts";
import { E2E_EMULATOR_PORT, E2E_EMULATOR_URL, E2E_MAIL_INBOX_PORT, E2E_MAIL_INBOX_URL, E2E_MAIL_SMTP_PORT, E2E_PORT, E2E_WORKER_HEALTH_PORT, e2eEnvironment } from "./scripts/lib/test-env.ts";

// End-to-end tests run the production build (`next build` first; npm test does it) and a real
// worker against a database and queues of their own, emptied first, never whatever already listens on the test ports, in Debian's Chromium: Playwright's own browser download cannot
// work on this network (../shared/design.md).
const environment = e2eEnvironment();
const isCI = Boolean(process.env.CI);
/**
 * Debian's Chromium headless shell (`apt-get install chromium-headless-shell`): the same Chromium
 * built as the old headless mode, which is what Playwright itself runs headless tests in. The full
 * browser's new headless mode draws its own UI too and cost the suite a third more CPU on two cores.
 * The full browser still works (`CHROMIUM_PATH=/usr/bin/chromium`), and is used when the shell is absent.
 */
const HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell";
const chromiumPath = process.env.CHROMIUM_PATH || (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium");
// Read after every other spec has run (project "logs", the teardown of "chromium"): no line the web server or worker printed may hold a secret.
const LOG_SCAN_SPEC = /logs\.spec\.ts$/;

/**
 * The web server's and worker's output, kept for the log scan: stdout (pino's lines) goes to the
 * file only, stderr (a crash, a Node warning) to the file and, through tee, to Playwright's output
 * as before. Both append to one file, so the lines stay in the order they were written.
 */
const logTo = (file: string) => `2>&1 >> ${file} | tee -a ${file} >&2`;

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
      testIgnore: LOG_SCAN_SPEC,
      // A teardown runs once every test of this project has finished, failed ones included: a
      // failing spec must not skip the scan.
      teardown: "logs",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        },
      },
    },
    { name: "logs", testMatch: LOG_SCAN_SPEC },
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
      // Playwright starts these in order, so the database is fresh before the web server and the
      // worker open it, and the last run's logs and secrets are gone before anything writes new ones.
      command: `mkdir -p ${E2E_LOGS_DIR} && rm -f ${E2E_LOGS_DIR}/* && node_modules/.bin/tsx scripts/e2e-reset.ts && node_modules/.bin/next start --port ${E2E_PORT} ${logTo(E2E_LOG_FILES.web)}`,
      url: `http://127.0.0.1:${E2E_PORT}/api/healthz`,
      env: environment,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `mkdir -p ${E2E_LOGS_DIR} && node_modules/.bin/tsx worker/index.ts ${logTo(E2E_LOG_FILES.worker)}`,
      url: `http://127.0.0.1:${E2E_WORKER_HEALTH_PORT}/healthz`,
      env: environment,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
    },
  ],
});
