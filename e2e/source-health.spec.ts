import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { pullNow, pullQueueState, registerSlackApp, uninstallSlackApp } from "./fixtures/slack";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";
import { WizardPage } from "./pages/wizard-page";

// A source's health as an operator sees it: every check healthy while Slack serves the logs; when
// Slack revokes the token, the page says so with the fix, and the fix brings it back. Then pause
// and resume from the same page.

const sourceIdOf = (page: Page) => /\/sources\/([a-z0-9]+)/.exec(new URL(page.url()).pathname)![1]!;

test("health checks, a revoked token explained with its fix, and pause/resume", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(`Globex health ${randomBytes(4).toString("hex")}`, "Pro or Business+");
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await wizard.saveSource();
  await wizard.grantAccess({ installOn: "Globex" });
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText("Setup finished.")).toBeVisible();
  const sourceId = sourceIdOf(page);

  // The first pulls of both log types store the workspace's history.
  const succeeded = async () => (await testDatabase().pullRun.findMany({ where: { sourceId, outcome: "SUCCEEDED" }, distinct: ["logType"], select: { logType: true } })).length;
  await expect.poll(succeeded, { timeout: 30_000 }).toBe(2);
  expect(await testDatabase().event.count({ where: { sourceId, logType: "Slack.AccessLogs" } })).toBeGreaterThan(10);
  await page.reload();
  const health = page.locator("section").filter({ has: page.getByRole("heading", { name: "Health checks" }) });
  await expect(health.getByText("Healthy", { exact: true }).first()).toBeVisible();
  await expect(health.locator("[data-healthy=false]")).toHaveCount(0);

  // Someone removes the app in Slack: the next pull is refused and the source stops with the fix.
  await uninstallSlackApp(app.clientId);
  await pullNow(sourceId, "Slack.AccessLogs");
  await expect.poll(async () => (await testDatabase().source.findUniqueOrThrow({ where: { id: sourceId } })).status, { timeout: 30_000 }).toBe("ERROR");
  await page.reload();
  await expect(page.getByText("Error", { exact: true })).toBeVisible();
  const credentials = health.locator("[data-check=credentials]");
  await expect(credentials).toContainText("Slack revoked the access token");
  await expect(credentials).toContainText("Tributary tries again at");
  await credentials.getByText("What was said").click();
  // Whichever pull met the revoked token first: the one asked for, or the other log type's scheduled one.
  await expect(credentials).toContainText(/team\.(accessLogs|integrationLogs): token_revoked/);
  expect(await testDatabase().notification.count({ where: { sourceId, kind: "source_error" } })).toBe(1);

  // The fix on the page: grant access again.
  await credentials.getByRole("link", { name: "Re-grant access" }).click();
  await wizard.grantAccess({ installOn: "Globex" });
  await expect(page.getByText("Access granted again.")).toBeVisible();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
  await expect(health.locator("[data-healthy=false]")).toHaveCount(0);

  // Pause stops the schedules and keeps the place; Resume brings them back. Both live in the settings.
  await page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Pause pulling" }).click();
  await expect(page.getByText("Paused", { exact: true }).first()).toBeVisible();
  expect((await pullQueueState(sourceId)).schedulers).toEqual([]);
  await page.getByRole("button", { name: "Resume pulling" }).click();
  await expect(page.getByText("Active", { exact: true }).first()).toBeVisible();
  expect((await pullQueueState(sourceId)).schedulers.map((scheduler) => scheduler.key).sort()).toEqual([`pull:${sourceId}:Slack.AccessLogs`, `pull:${sourceId}:Slack.IntegrationLogs`]);
  const actions = (await testDatabase().auditTrail.findMany({ where: { targetId: sourceId }, orderBy: { at: "asc" }, select: { action: true } })).map((entry) => entry.action);
  expect(actions).toEqual(expect.arrayContaining(["source.failed", "source.granted", "source.paused", "source.resumed"]));
});
