// The one definition of the test environment, shared by the test runner, vitest and Playwright, so
// that tests never touch the developer's own database, queues or ports.

/** How many test files vitest runs side by side (one per worker process). */
export const VITEST_WORKERS = Math.max(1, Number(process.env.TEST_WORKERS || 2));
/**
 * Inside a vitest worker, its slot (1..VITEST_WORKERS; 0 elsewhere). Files running side by side each
 * get a database, queue prefix and ports of their own through it, so one file's worker never pulls
 * another's sources and no two servers want one port; files in one slot still run one at a time.
 */
export const TEST_SLOT = Number(process.env.VITEST_POOL_ID || 0);

const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/tributary_test";
const BASE_DATABASE_NAME = new URL(BASE_DATABASE_URL).pathname.slice(1);

/** The database of one vitest slot: a fresh copy of the template, made by the global setup. */
export function slotDatabaseUrl(slot: number): string {
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/${BASE_DATABASE_NAME}_${slot}`;
  return url.toString();
}

export const TEST_DATABASE_URL = TEST_SLOT > 0 ? slotDatabaseUrl(TEST_SLOT) : BASE_DATABASE_URL;
/** An empty, migrated database that tests copy when they need one to themselves. */
export const TEST_TEMPLATE_DATABASE = `${BASE_DATABASE_NAME}_template`;
/**
 * The end-to-end suite's own database and queues, recreated empty at the start of every Playwright
 * run (scripts/e2e-reset.ts). Shared with vitest they were not: sources, worker reports and pull
 * schedules that integration tests leave behind were pulled and judged by the end-to-end worker and
 * could hold the alarm test's email behind a "Tributary is failing" incident.
 */
export const E2E_DATABASE_URL = (() => {
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `${url.pathname}_e2e`;
  return url.toString();
})();
// Overridable so that two checkouts can run their suites side by side on one machine. A vitest slot
// uses the ten ports above the previous slot's (3220…, 3230…); Playwright, outside any slot, 3210….
export const E2E_PORT = Number(process.env.TEST_E2E_PORT || 3210) + 10 * TEST_SLOT;
/** The port `offset` above E2E_PORT; outside a vitest slot, the named variable may override it. */
const portAbove = (offset: number, override: string) => (TEST_SLOT > 0 ? E2E_PORT + offset : Number(process.env[override] || E2E_PORT + offset));
export const E2E_WORKER_HEALTH_PORT = portAbove(1, "TEST_E2E_WORKER_HEALTH_PORT");
/** The Slack emulator the end-to-end web server and worker talk to (Playwright starts it). */
export const E2E_EMULATOR_PORT = portAbove(2, "TEST_E2E_EMULATOR_PORT");
export const E2E_EMULATOR_URL = `http://127.0.0.1:${E2E_EMULATOR_PORT}`;
/** MailDev, as the demo runs it: the end-to-end worker mails it, and tests read its inbox's JSON API. */
export const E2E_MAIL_SMTP_PORT = portAbove(3, "TEST_E2E_MAIL_SMTP_PORT");
export const E2E_MAIL_INBOX_PORT = portAbove(4, "TEST_E2E_MAIL_INBOX_PORT");
export const E2E_MAIL_INBOX_URL = `http://127.0.0.1:${E2E_MAIL_INBOX_PORT}`;

export function testEnvironment() {
  return {
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379",
    PUBLIC_URL: `http://127.0.0.1:${E2E_PORT}`,
    PORT: String(E2E_PORT),
    WORKER_HEALTH_PORT: String(E2E_WORKER_HEALTH_PORT),
    // Fixed, test-only values: they protect nothing real.
    NEXTAUTH_SECRET: "test-only-secret-0123456789abcdef0123456789",
    ENCRYPTION_KEYS: `test1:${Buffer.alloc(32, 7).toString("base64")}`,
    METRICS_TOKEN: "test-only-metrics-token-0123456789abcdef",
    QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX || "tributary-test"}${TEST_SLOT > 0 ? `-${TEST_SLOT}` : ""}`,
    LOG_LEVEL: "info",
    // Never the real Slack from a test: integration tests start their own emulator and point here.
    SLACK_API_URL: `${E2E_EMULATOR_URL}/api`,
    SLACK_AUDIT_API_URL: `${E2E_EMULATOR_URL}/audit/v1`,
    SLACK_OAUTH_AUTHORIZE_URL: `${E2E_EMULATOR_URL}/oauth/v2/authorize`,
    SMTP_URL: `smtp://127.0.0.1:${E2E_MAIL_SMTP_PORT}`,
    // A drop-off alarm the end-to-end test can watch fire within a couple of minutes.
    ALARM_MIN_THRESHOLD_MINUTES: "1",
    NEXT_TELEMETRY_DISABLED: "1",
  } satisfies Record<string, string>;
}

/** What the end-to-end web server and worker run with, and what the specs read back. */
export function e2eEnvironment() {
  const environment = testEnvironment();
  return { ...environment, DATABASE_URL: E2E_DATABASE_URL, QUEUE_PREFIX: `${environment.QUEUE_PREFIX}-e2e` };
}
