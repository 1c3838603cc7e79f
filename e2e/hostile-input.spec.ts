import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { seedEvent, seedSource } from "./fixtures/events";
import { addAuditEntries } from "./fixtures/slack";
import { onboardSlackSource } from "./fixtures/sources";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";
import { ConsolePage } from "./pages/console-page";
import { EventsPage } from "./pages/events-page";
import { UsersPage } from "./pages/users-page";

// Hostile text where the console shows what others typed or what Slack sent: markup must stay text,
// and filters must stay data, never SQL.

const IMG = "<img src=x onerror=window.__xss=1>";
const SCRIPT = '"><script>window.__xss=1</script>';
const JS_URL = "javascript:window.__xss=1";

/** The console's Content-Security-Policy would stop an injected script on its own; markup that gets through must still be caught, so it is bypassed here. */
test.describe("markup in names and events", () => {
  test.use({ bypassCSP: true });

  async function expectRenderedAsText(page: Page, where: string) {
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss), where).toBeUndefined();
    await expect(page.locator('img[src="x"]'), where).toHaveCount(0);
    await expect(page.locator('a[href^="javascript:" i]'), where).toHaveCount(0);
  }

  test("XSS payloads in a source's name, a user's name and Slack's event fields render as text on every page that shows them", async ({ page }) => {
    test.setTimeout(120_000);
    const suffix = randomBytes(4).toString("hex");
    const admin = await seedUser({ role: "ADMIN", name: SCRIPT });
    await signInViaApi(page, admin);
    // Served by Slack exactly as given, and pulled by the source's first pull.
    const now = Math.floor(Date.now() / 1000);
    const entry = {
      id: `xss-${suffix}`,
      date_create: now - 120,
      action: IMG,
      actor: { type: "user", user: { id: "W0XSS0001", name: SCRIPT, team: "T0XSS" } },
      entity: { type: "user", user: { id: "W0XSS0002", name: IMG, email: `xss-${suffix}@example.test` } },
      context: { ua: IMG, ip_address: "203.0.113.77", location: { type: "enterprise", id: "E0XSS", name: SCRIPT, domain: JS_URL } },
      details: { url: JS_URL, reason: SCRIPT },
    };
    await addAuditEntries([entry]);
    const source = await onboardSlackSource(page, { name: `${IMG} ${suffix}`, logs: "audit" });
    await expectRenderedAsText(page, "the wizard's last step");
    await expect.poll(async () => testDatabase().event.count({ where: { sourceId: source.id, action: IMG } }), { timeout: 30_000 }).toBe(1);

    await page.goto("/sources");
    await expect(page.getByRole("link", { name: source.name, exact: true })).toBeVisible();
    await expectRenderedAsText(page, "sources list");

    await page.goto(`/sources/${source.id}`);
    await expect(page.getByRole("heading", { level: 1, name: source.name })).toBeVisible();
    await expect(new ConsolePage(page).signedInUser).toContainText(SCRIPT);
    await expectRenderedAsText(page, "source page");
    await page.goto(`/sources/${source.id}/audit`);
    await expect(page.getByRole("main").getByText(source.name).first()).toBeVisible();
    await expectRenderedAsText(page, "source's audit trail");

    const events = new EventsPage(page);
    await events.open(new URLSearchParams({ sourceId: source.id, action: IMG }).toString());
    await expect(events.rowButtons).toHaveCount(1);
    const row = events.rowOf(new Date(entry.date_create * 1000));
    await expect(row).toContainText(IMG);
    await expect(row).toContainText(SCRIPT);
    await expect(row).toContainText(source.name);
    await expectRenderedAsText(page, "explorer list");
    await events.rowButtons.click();
    const json = JSON.parse((await page.getByLabel("Event JSON").textContent())!) as typeof entry & { p_source_label: string };
    expect(json).toMatchObject({ action: IMG, actor: entry.actor, entity: entry.entity, context: entry.context, details: entry.details, p_source_label: source.name });
    await expectRenderedAsText(page, "event JSON");

    const users = new UsersPage(page);
    await users.open();
    await expect(users.row(admin.email)).toContainText(SCRIPT);
    await expectRenderedAsText(page, "users page");

    await page.goto("/settings/audit");
    await expect(page.getByRole("main").getByText(source.name).first()).toBeVisible();
    await expectRenderedAsText(page, "audit trail");
  });
});

const INJECTIONS = [
  "' OR 1=1 --",
  "%' ;DROP TABLE events;--",
  "1) UNION SELECT id, p_event_time, p_log_type, p_source_id, p_source_label, action, p_any_ip_addresses, p_any_emails, p_any_usernames, p_row_id, event FROM events --",
  "'; SELECT pg_sleep(5); --",
  "alice' OR 'a'='a",
];

test("SQL injection attempts in the explorer's filters find nothing, fail no request, and leave the events in place", async ({ page }) => {
  test.setTimeout(60_000);
  const analyst = await seedUser({ role: "ANALYST" });
  const source = await seedSource();
  await seedEvent({ source, logType: "Slack.AuditLogs", minutesAgo: 5, action: "file_downloaded", ip: "198.51.100.7" });
  await seedEvent({ source, logType: "Slack.AccessLogs", minutesAgo: 6, username: "alice" });
  const totalEvents = await testDatabase().event.count();
  await signInViaApi(page, analyst);
  const serverErrors: string[] = [];
  page.on("response", (response) => {
    if (response.status() >= 500) serverErrors.push(`${response.status()} ${response.url()}`);
  });

  const events = new EventsPage(page);
  await events.open(`sourceId=${source.id}`);
  await expect(events.rowButtons).toHaveCount(2);
  const actionField = events.filters.getByLabel("Action");
  for (const attempt of INJECTIONS) {
    await events.search.fill(attempt);
    await events.applyFilters();
    await expect(page.getByRole("heading", { name: "No events match these filters" }), attempt).toBeVisible();
    await events.search.fill("");
    await actionField.fill(attempt.slice(0, 200));
    await events.applyFilters();
    await expect(page.getByRole("heading", { name: "No events match these filters" }), attempt).toBeVisible();
    await actionField.fill("");
  }

  // Straight to the API, through every filter it takes: an empty page, or a 400 that says what is wrong.
  for (const attempt of [...INJECTIONS, "\u0000' OR 1=1 --"]) {
    for (const parameter of ["q", "action", "sourceId", "logType", "from", "to", "cursor", "limit"]) {
      // The export takes the filters but pages with neither a cursor nor a limit.
      for (const route of ["/api/events", ...(parameter === "cursor" || parameter === "limit" ? [] : ["/api/events/export"])]) {
        const response = await page.request.get(`${route}?${new URLSearchParams({ [parameter]: attempt })}`);
        const label = `${route} ${parameter}=${JSON.stringify(attempt)}`;
        expect([200, 400], label).toContain(response.status());
        if (response.status() === 400) expect(((await response.json()) as { error: { code: string } }).error.code, label).toBe("invalid_query");
        else if (route === "/api/events") expect(((await response.json()) as { events: unknown[] }).events.length, label).toBe(0);
        else expect((await response.text()).trim().length, label).toBe(0);
      }
    }
    for (const path of [`/api/sources/${encodeURIComponent(attempt)}`, `/api/sources?${new URLSearchParams({ q: attempt })}`, `/api/audit?${new URLSearchParams({ action: attempt })}`]) {
      const response = await page.request.get(path);
      expect(response.status(), path).toBeLessThan(500);
    }
  }

  expect(serverErrors).toEqual([]);
  expect(await testDatabase().event.count()).toBeGreaterThanOrEqual(totalEvents);
  await events.open(`sourceId=${source.id}`);
  await expect(events.rowButtons).toHaveCount(2);
});
