import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";

// The sources list and a source's pull history as an operator reads them. Sources, their counts and
// their pulls are stored straight into the test database, as the pull engine would have left them,
// so each test knows exactly what the screen must show; the pulls themselves are covered by the
// integration tests (features/sources/dashboard.test.ts) and by source-health.spec.ts.

const HOUR_MS = 3_600_000;

async function seedActiveSource(name: string, options: { eventsThisHour: number; errorCode?: string; hasRecentPull?: boolean }) {
  const now = new Date();
  const source = await testDatabase().source.create({
    data: {
      name,
      nameKey: name.toLowerCase(),
      plan: "ENTERPRISE_GRID",
      logTypes: ["Slack.AuditLogs"],
      status: options.errorCode ? "ERROR" : "ACTIVE",
      activatedAt: new Date(now.getTime() - 2 * HOUR_MS),
      grantedAt: new Date(now.getTime() - 2 * HOUR_MS),
      credentialsSavedAt: new Date(now.getTime() - 2 * HOUR_MS),
      alarmEnabled: false,
      lastSuccessfulPullAt: now,
      lastEventReceivedAt: now,
      ...(options.errorCode ? { errorCode: options.errorCode, errorDetail: `audit/v1/logs: ${options.errorCode}`, errorLogType: "Slack.AuditLogs", errorSince: now, nextRetryAt: new Date(now.getTime() + HOUR_MS) } : {}),
    },
    select: { id: true, name: true },
  });
  await addEventsThisHour(source.id, options.eventsThisHour);
  // An active source that had not pulled for ten minutes would count as Tributary failing (features/
  // alarms) and hold every alarm email of the tests running beside this one.
  if (options.hasRecentPull ?? true) {
    await testDatabase().pullRun.create({
      data: { sourceId: source.id, logType: "Slack.AuditLogs", trigger: "SCHEDULED", startedAt: new Date(now.getTime() - 60_000), finishedAt: now, pages: 1, fetched: options.eventsThisHour, stored: options.eventsThisHour, outcome: "SUCCEEDED" },
    });
  }
  return source;
}

/** What a pull's commit adds to the hourly count (features/pulls/mutations.ts). */
async function addEventsThisHour(sourceId: string, events: number) {
  await testDatabase().$executeRaw`
    INSERT INTO event_counts_hour (source_id, bucket, log_type, events) VALUES (${sourceId}, date_trunc('hour', now()), 'Slack.AuditLogs', ${events})
    ON CONFLICT (source_id, bucket, log_type) DO UPDATE SET events = event_counts_hour.events + EXCLUDED.events`;
}

test("the sources list shows health, throughput and alarm, filters and sorts in the URL, and refreshes by itself", async ({ page }) => {
  const analyst = await seedUser({ role: "ANALYST" });
  const tag = randomBytes(4).toString("hex");
  const busy = await seedActiveSource(`List ${tag} busy`, { eventsThisHour: 1200 });
  const revoked = await seedActiveSource(`List ${tag} revoked`, { eventsThisHour: 7, errorCode: "token_revoked" });
  await signInViaApi(page, analyst);

  await page.goto(`/sources?q=${tag}`);
  const table = page.getByRole("table");
  const rowOf = (name: string) => table.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
  await expect(table.getByRole("row")).toHaveCount(3);
  await expect(rowOf(busy.name)).toContainText("Healthy");
  await expect(rowOf(busy.name)).toContainText("1,200");
  await expect(rowOf(busy.name).getByRole("img", { name: /1,200 events in the last 24 hours/ })).toBeVisible();
  await expect(rowOf(revoked.name)).toContainText("Error");
  // The failing checks open on keyboard focus, not only on hover.
  await rowOf(revoked.name).locator("[aria-describedby]").focus();
  await expect(page.getByRole("tooltip")).toBeVisible();
  await expect(page.getByRole("tooltip")).toContainText("Credentials: Slack revoked the access token");
  // An analyst reads; nothing here creates or changes a source.
  await expect(page.getByRole("link", { name: "Create New" })).toHaveCount(0);

  // Sorted by events, busiest first; the order is in the address, so the view can be shared.
  await page.getByRole("button", { name: "Events (24 h)" }).click();
  await expect(page).toHaveURL(/sort=events24h&dir=desc/);
  await expect(table.getByRole("row").nth(1)).toContainText(busy.name);
  await page.getByRole("button", { name: "Events (24 h)" }).click();
  await expect(table.getByRole("row").nth(1)).toContainText(revoked.name);

  await page.getByLabel("Health").selectOption("unhealthy");
  await expect(page).toHaveURL(/health=unhealthy/);
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(rowOf(revoked.name)).toBeVisible();
  await page.getByLabel("Search").fill(`nothing-${tag}`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("heading", { name: "No source matches these filters" })).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();

  // New events show up without a reload.
  await page.goto(`/sources?q=${tag}`);
  await expect(rowOf(busy.name)).toContainText("1,200");
  await addEventsThisHour(busy.id, 34);
  await expect(rowOf(busy.name)).toContainText("1,234", { timeout: 15_000 });
});

test("the pull history pages through a source's pulls with their figures, outcome and error", async ({ page }) => {
  const analyst = await seedUser({ role: "ANALYST" });
  // Its own 30 pulls end a minute ago (the one before the last succeeded, two minutes ago).
  const source = await seedActiveSource(`Pulls ${randomBytes(4).toString("hex")}`, { eventsThisHour: 0, hasRecentPull: false });
  const start = Date.now() - 30 * 60_000;
  await testDatabase().pullRun.createMany({
    data: Array.from({ length: 30 }, (_, index) => ({
      sourceId: source.id,
      logType: "Slack.AuditLogs",
      trigger: "SCHEDULED" as const,
      startedAt: new Date(start + index * 60_000),
      finishedAt: new Date(start + index * 60_000 + 1500),
      pages: 1,
      fetched: 100 + index,
      stored: 90 + index,
      duplicates: 10,
      outcome: index === 29 ? ("FAILED" as const) : ("SUCCEEDED" as const),
      ...(index === 29 ? { errorCode: "http_502", error: "HTTP 502 with an HTML page" } : {}),
    })),
  });
  await signInViaApi(page, analyst);
  await page.goto(`/sources/${source.id}`);
  await page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Pull history" }).click();

  const rows = page.getByRole("table").getByRole("row");
  await expect(rows).toHaveCount(26);
  // Newest first: the failed pull, with what went wrong.
  await expect(rows.nth(1)).toContainText("Failed");
  await expect(rows.nth(1)).toContainText("http_502: HTTP 502 with an HTML page");
  await expect(rows.nth(2)).toContainText("1.5 s");
  await expect(rows.nth(2)).toContainText("118");
  await expect(page.getByText("Page 1 of 2 (30 pulls)")).toBeVisible();
  await page.getByRole("button", { name: "Older" }).click();
  await expect(page.getByText("Page 2 of 2 (30 pulls)")).toBeVisible();
  await expect(rows).toHaveCount(6);
  await expect(rows.nth(5)).toContainText("90");

  await page.getByLabel("Outcome").selectOption("FAILED");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText("HTTP 502 with an HTML page");
});
