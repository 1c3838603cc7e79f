import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { pullQueueState, registerSlackApp } from "./fixtures/slack";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";
import { SourceSettingsPage } from "./pages/source-settings-page";
import { WizardPage } from "./pages/wizard-page";

// A source's Settings tab as an operator meets it: an admin renames the source (a taken name is
// refused on the field, keeping what was typed), replays a window and sees it in the table, then
// deletes the source with its events by typing its name; an analyst reads the settings only.

/** A datetime-local value in UTC, `minutesAgo` before now. */
const utcMinutesAgo = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().slice(0, 16);

test("an admin renames a source, replays a window and deletes it with its events", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const suffix = randomBytes(4).toString("hex");
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(`Globex settings ${suffix}`, "Pro or Business+");
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await wizard.saveSource();
  await wizard.grantAccess({ installOn: "Globex" });
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await page.waitForURL((url) => /^\/sources\/[a-z0-9]+$/.test(url.pathname));
  const sourceId = /^\/sources\/([a-z0-9]+)$/.exec(new URL(page.url()).pathname)![1]!;
  await expect.poll(() => testDatabase().event.count({ where: { sourceId } }), { timeout: 30_000 }).toBeGreaterThan(0);

  const settings = new SourceSettingsPage(page);
  await settings.open(sourceId);

  // A name another source has, in other letters' case: refused on the field, nothing typed is lost.
  const taken = `Taken ${suffix}`;
  await testDatabase().source.create({ data: { name: taken, nameKey: taken.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"] } });
  await settings.rename(taken.toUpperCase());
  await expect(settings.renameForm.getByText("Another source already has this name. Choose a different one.")).toBeVisible();
  await expect(settings.renameForm.getByLabel("Name")).toHaveValue(taken.toUpperCase());
  await expect(settings.renameForm.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");

  const name = `Globex renamed ${suffix}`;
  await settings.rename(name);
  await expect(settings.renameForm.getByText(`Renamed to “${name}”.`)).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  expect((await testDatabase().source.findUniqueOrThrow({ where: { id: sourceId } })).name).toBe(name);

  // A window that ends before it starts: said on the "To" field, the times stay as typed.
  await settings.replay("Integration logs", { from: "2026-01-02T10:00", to: "2026-01-01T10:00" });
  await expect(settings.replayForm.getByText("The window must end after it starts")).toBeVisible();
  await expect(settings.replayForm.getByLabel("To (UTC)")).toHaveAttribute("aria-invalid", "true");
  await expect(settings.replayForm.getByLabel("From (UTC)")).toHaveValue("2026-01-02T10:00");

  const window = { from: utcMinutesAgo(120), to: utcMinutesAgo(1) };
  await settings.replay("Integration logs", window);
  await expect(settings.replayForm.getByText(/^Replay requested\./)).toBeVisible();
  const row = settings.replays.getByRole("row").filter({ hasText: "Integration logs" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(admin.email);
  await expect(row).toContainText(`${window.from.replace("T", " ")} UTC`);
  const replays = await testDatabase().pullReplay.findMany({ where: { sourceId }, select: { logType: true, windowFrom: true } });
  expect(replays).toEqual([{ logType: "Slack.IntegrationLogs", windowFrom: new Date(`${window.from}:00Z`) }]);

  // Delete: nothing happens without the choice about events and the exact name.
  const form = await settings.deleteSource(name, { typedName: name.toLowerCase() });
  await expect(form.getByText("Choose whether to keep or delete its events")).toBeVisible();
  await expect(form.getByText(`That is not the source's name. Type “${name}” exactly.`)).toBeVisible();
  expect(await testDatabase().source.count({ where: { id: sourceId } })).toBe(1);

  await settings.deleteSource(name, { events: "Delete" });
  await page.waitForURL((url) => url.pathname === "/sources");
  const query = new URL(page.url()).searchParams;
  expect({ deleted: query.get("deleted"), events: query.get("events"), token: query.get("token") }).toEqual({ deleted: name, events: "deleted", token: "revoked" });
  await expect(page.getByRole("heading", { level: 1, name: "Sources" })).toBeVisible();
  await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);

  expect(await testDatabase().source.count({ where: { id: sourceId } })).toBe(0);
  expect(await testDatabase().event.count({ where: { sourceId } })).toBe(0);
  expect(await testDatabase().secret.count({ where: { ownerType: "source", ownerId: sourceId } })).toBe(0);
  expect((await pullQueueState(sourceId)).schedulers).toEqual([]);
  const deleted = await testDatabase().auditTrail.findFirstOrThrow({ where: { targetId: sourceId, action: "source.deleted" } });
  expect(deleted).toMatchObject({ actorLabel: admin.email, targetLabel: name, details: { keepEvents: false } });
});

test("an analyst sees a source's settings but no controls", async ({ page }) => {
  const name = `Analyst view ${randomBytes(4).toString("hex")}`;
  const now = new Date();
  const source = await testDatabase().source.create({
    // Paused, so the worker leaves it alone; set up, so it has every section an admin would see.
    data: { name, nameKey: name.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"], status: "PAUSED", activatedAt: now, pausedAt: now, backfillMinutes: 7 * 24 * 60 },
    select: { id: true },
  });
  const analyst = await seedUser({ role: "ANALYST" });
  await signInViaApi(page, analyst);
  const settings = new SourceSettingsPage(page);
  await settings.open(source.id);

  const main = page.getByRole("main");
  const card = main.locator("section").filter({ has: page.getByRole("heading", { name: "Settings", exact: true }) });
  await expect(card).toContainText("Only admins change a source's settings.");
  await expect(card).toContainText(name);
  await expect(card).toContainText("7 days");
  await expect(card.getByText("Paused", { exact: true })).toBeVisible();
  for (const control of ["Rename", "Save backfill window", "Pause pulling", "Resume pulling", "Replay window", "Delete source…"]) {
    await expect(main.getByRole("button", { name: control })).toHaveCount(0);
  }
  await expect(main.getByRole("form")).toHaveCount(0);
  await expect(main.getByRole("textbox")).toHaveCount(0);
  await expect(main.getByRole("combobox")).toHaveCount(0);
});
