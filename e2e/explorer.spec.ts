import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { seedEvent, seedSource } from "./fixtures/events";
import { seedUser, signInViaApi } from "./fixtures/users";
import { EventsPage } from "./pages/events-page";

// The event explorer as an analyst uses it: a shared link with a filter, a search by IP address that
// finds the one event, its JSON, and exports that hold exactly what the screen shows. Events are
// stored straight into the test database, in sources made for this test, so nothing else matches.

const randomIp = () => `10.${[...randomBytes(3)].join(".")}`;

test("an analyst searches events by IP address, reads one as JSON and exports the search", async ({ page }) => {
  const analyst = await seedUser({ role: "ANALYST" });
  const [source, otherSource] = [await seedSource(), await seedSource()];
  const ip = randomIp();
  const email = `suspect-${randomBytes(4).toString("hex")}@example.test`;
  const target = await seedEvent({ source, logType: "Slack.AuditLogs", minutesAgo: 10, action: "file_downloaded", ip, email });
  const sameSourceOtherIp = await seedEvent({ source, logType: "Slack.AccessLogs", minutesAgo: 20, ip: randomIp(), username: "someone-else" });
  const otherSourceSameIp = await seedEvent({ source: otherSource, logType: "Slack.AuditLogs", minutesAgo: 30, action: "user_login", ip, email });
  await signInViaApi(page, analyst);

  // A link with a source filter shows that source's events only, and the form says which filter applies.
  const events = new EventsPage(page);
  await events.open(`sourceId=${source.id}`);
  await expect(events.source).toHaveValue(source.id);
  await expect(events.rowButtons).toHaveCount(2);
  await expect(events.rowAt(target.eventTime)).toBeVisible();
  await expect(events.rowAt(sameSourceOtherIp.eventTime)).toBeVisible();

  // The IP finds its event and not the other; the URL carries the search so it can be shared.
  await events.search.fill(ip);
  await events.applyFilters();
  await expect(page).toHaveURL((url) => url.searchParams.get("q") === ip && url.searchParams.get("sourceId") === source.id);
  await expect(events.rowButtons).toHaveCount(1);
  const row = events.rowOf(target.eventTime);
  await expect(row).toContainText("file_downloaded");
  await expect(row).toContainText(email);
  await expect(row).toContainText(ip);
  await expect(row).toContainText(source.name);

  // Opened again from the URL, the form shows the same search.
  await page.reload();
  await expect(events.search).toHaveValue(ip);
  await expect(events.source).toHaveValue(source.id);
  await expect(events.rowButtons).toHaveCount(1);

  // The row opens to its whole event as JSON, with copy buttons.
  const disclosure = events.rowAt(target.eventTime);
  await expect(disclosure).toHaveAttribute("aria-expanded", "false");
  await disclosure.click();
  await expect(disclosure).toHaveAttribute("aria-expanded", "true");
  const json = page.getByLabel("Event JSON");
  await expect(json).toContainText(`"p_row_id": "${target.rowId}"`);
  await expect(json).toContainText(`"action": "file_downloaded"`);
  expect(JSON.parse((await json.textContent())!)).toEqual(target.event);
  await expect(page.getByRole("button", { name: "Copy JSON" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Copy p_row_id" })).toBeVisible();

  // The exports hold exactly the events of the search.
  const ndjson = await page.request.get(await events.exportUrl("NDJSON"));
  expect(ndjson.status()).toBe(200);
  expect(ndjson.headers()["content-type"]).toContain("application/x-ndjson");
  expect(ndjson.headers()["content-disposition"]).toMatch(/^attachment; filename="tributary-events-\d{8}T\d{6}Z\.ndjson"$/);
  const lines = (await ndjson.text()).trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toEqual([target.event]);

  const csv = await page.request.get(await events.exportUrl("CSV"));
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect(csv.headers()["content-disposition"]).toMatch(/^attachment; filename="tributary-events-\d{8}T\d{6}Z\.csv"$/);
  const records = (await csv.text()).split("\r\n");
  expect(records[0]).toBe("p_event_time,p_log_type,p_source_label,p_source_id,action,p_any_ip_addresses,p_any_emails,p_any_usernames,p_row_id,event");
  expect(records.slice(1, -1)).toHaveLength(1);
  expect(records[1]).toContain(`${target.eventTime.toISOString()},Slack.AuditLogs,${source.name},${source.id},file_downloaded,${ip},${email},,${target.rowId},"{`);
  expect(records.at(-1)).toBe("");

  // Across all sources the same IP also finds the other source's event, newest first.
  await events.source.selectOption("");
  await events.applyFilters();
  await expect(page).toHaveURL((url) => url.searchParams.get("q") === ip && !url.searchParams.has("sourceId"));
  await expect(events.rowButtons).toHaveCount(2);
  await expect(events.rowButtons.nth(0)).toHaveAccessibleName(new RegExp(target.eventTime.toISOString().slice(0, 19).replace("T", " ")));
  await expect(events.rowAt(otherSourceSameIp.eventTime)).toBeVisible();
});

test("a search nothing matches says so, and a bad link explains what is wrong", async ({ page }) => {
  const analyst = await seedUser({ role: "ANALYST" });
  await signInViaApi(page, analyst);
  const events = new EventsPage(page);

  await events.open(`q=${encodeURIComponent(`nobody-${randomBytes(6).toString("hex")}@example.test`)}`);
  await expect(page.getByRole("heading", { name: "No events match these filters" })).toBeVisible();

  await events.open("from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("The start of the time range must be before its end");

  const refused = await page.request.get("/api/events?cursor=not-a-cursor");
  expect(refused.status()).toBe(400);
  expect(await refused.json()).toEqual({ error: { code: "invalid_query", message: "This page link is no longer valid: reload the events" } });
});
