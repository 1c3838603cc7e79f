import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { testDatabase, seedUser, signInViaApi } from "./fixtures/users";
import { failNextTokenExchange, pullQueueState, regenerateClientSecret, registerSlackApp, type SlackApp } from "./fixtures/slack";
import { SignInPage } from "./pages/sign-in-page";
import { WizardPage } from "./pages/wizard-page";

// The onboarding wizard end to end: the production build, the worker and the Slack emulator, with
// Slack's consent page answered in the browser like a person would.

// Each test walks the wizard from start to finish with several trips to Slack's consent page: about
// 30 s on a busy 2-core machine, the whole of Playwright's default budget.
test.describe.configure({ timeout: 90_000 });

const uniqueName = (label: string) => `${label} ${randomBytes(4).toString("hex")}`;

async function signedInAdmin(page: Page) {
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  return admin;
}

/** No page the wizard renders may contain a secret it was given or Slack issued. */
async function expectNoSecretOnPage(page: Page, ...secrets: string[]) {
  const html = await page.content();
  for (const secret of secrets) expect(html).not.toContain(secret);
}

async function storedToken(sourceId: string) {
  return testDatabase().secret.findUnique({ where: { ownerType_ownerId_field: { ownerType: "source", ownerId: sourceId, field: "slack.access_token" } }, select: { keyId: true } });
}

const sourceIdOf = (page: Page) => /\/sources\/([a-z0-9]+)/.exec(new URL(page.url()).pathname)![1]!;

test("Enterprise Grid: audit logs from Create New to an active source with its pulls scheduled", async ({ page, context, baseURL }) => {
  const admin = await signedInAdmin(page);
  const wizard = new WizardPage(page);
  const name = uniqueName("Northwind audit");
  await wizard.start();
  // The free plan is offered only to explain why it cannot work.
  await page.getByRole("radio", { name: /^Free/ }).check();
  await expect(page.getByRole("main").getByRole("alert")).toContainText("free plan has no log APIs");
  await expect(page.getByRole("button", { name: "Continue Setup" })).toBeDisabled();
  await wizard.configure(name, "Enterprise Grid", "Audit logs");

  const redirectUrl = `${baseURL}/api/oauth/slack/callback`;
  expect(await wizard.redirectUrl()).toBe(redirectUrl);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy Redirect URL" }).click();
  await expect(page.getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(redirectUrl);
  // Instructions and manifest for audit logs: the user scope, public distribution, the URL filled in.
  await expect(page.getByText("Activate Public Distribution").first()).toBeVisible();
  const manifest = page.getByLabel(/Slack app manifest/);
  await expect(manifest).toContainText(`"${redirectUrl}"`);
  await expect(manifest).toContainText("auditlogs:read");
  await page.getByRole("button", { name: "JSON" }).click();
  const manifestJson = JSON.parse((await manifest.textContent())!) as { oauth_config: { redirect_urls: string[]; scopes: { user: string[] } } };
  expect(manifestJson.oauth_config).toMatchObject({ redirect_urls: [redirectUrl], scopes: { user: ["auditlogs:read"] } });

  const app = await registerSlackApp({ userScopes: ["auditlogs:read"], redirectUrls: [redirectUrl] });
  await wizard.enterCredentials("not-a-client-id", app.clientSecret);
  await expect(page.getByLabel("Client ID")).toBeFocused();
  await expect(page.getByText("A Client ID is two numbers joined by a dot")).toBeVisible();
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await expect(page.getByText("Credentials saved and accepted by Slack.")).toBeVisible();
  await expect(page.getByLabel("Client Secret")).toHaveValue("");
  await expect(page.getByText("Saved ••••. Leave empty to keep it")).toBeVisible();
  await expectNoSecretOnPage(page, app.clientSecret);
  await page.reload();
  await expectNoSecretOnPage(page, app.clientSecret);
  await wizard.saveSource();

  await expect(page.getByText("install to the Enterprise organization")).toBeVisible();
  await wizard.grantAccess({ installOn: "organization" });
  await wizard.expectStep("Drop-off alarm");
  await expect(page.getByText("Access granted for the organization Northwind Traders")).toBeVisible();
  const sourceId = sourceIdOf(page);
  expect(await storedToken(sourceId)).toMatchObject({ keyId: "test1" });
  await expectNoSecretOnPage(page, app.clientSecret, "xoxp-");

  // Defaults: on, 24 hours, the signed-in admin.
  await expect(page.getByLabel("Trigger an alarm when no events are received")).toBeChecked();
  await expect(page.getByLabel("No events for")).toHaveValue("24");
  await expect(page.getByLabel("Email recipients")).toHaveValue(admin.email);
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText("Setup finished. The source is active and its first pull is queued.")).toBeVisible();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
  const overview = page.url();
  await page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Alarm" }).click();
  await expect(page.getByText("On: no events for 1 day")).toBeVisible();
  await page.goto(overview);

  const queue = await pullQueueState(sourceId);
  expect(queue.schedulers).toEqual([{ key: `pull:${sourceId}:Slack.AuditLogs`, every: 60_000 }]);
  // The first pull runs at once rather than a minute later, and stores the org's last day of audit events.
  const storedByPulls = async () => (await testDatabase().pullRun.aggregate({ where: { sourceId, outcome: "SUCCEEDED" }, _sum: { stored: true } }))._sum.stored ?? 0;
  await expect.poll(storedByPulls, { timeout: 30_000 }).toBeGreaterThan(100);
  expect(await testDatabase().event.count({ where: { sourceId } })).toBe(await storedByPulls());
  await page.reload();
  const pulls = page.locator("section").filter({ has: page.getByRole("heading", { name: "Latest pull of each log type" }) });
  await expect(pulls.getByText("Succeeded")).toBeVisible();
  await expect(page.getByRole("term").filter({ hasText: "Last event received" })).toBeVisible();
  const connection = page.locator("section").filter({ has: page.getByRole("heading", { name: "Connection" }) });
  await expect(connection.getByText("24 hours")).toBeVisible();

  // Every step is in the audit trail, none with a secret.
  const entries = await testDatabase().auditTrail.findMany({ where: { targetId: sourceId }, orderBy: { at: "asc" }, select: { action: true, details: true } });
  expect(entries.map((entry) => entry.action)).toEqual(["source.created", "source.credentials_saved", "source.saved", "source.grant_started", "source.granted", "source.activated"]);
  expect(JSON.stringify(entries)).not.toContain(app.clientSecret);
});

test("Pro or Business+: access and integration logs by keyboard, custom alarm, then rotate credentials and re-grant", async ({ page, baseURL }) => {
  await signedInAdmin(page);
  const wizard = new WizardPage(page);
  await wizard.start();
  const name = uniqueName("Globex");
  // The first step by keyboard alone: the name field, the plan radios, the log type boxes, submit.
  await page.getByLabel("Name").focus();
  await page.keyboard.type(name);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await expect(page.getByRole("radio", { name: /^Enterprise Grid/ })).toBeChecked();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("radio", { name: /^Pro or Business\+/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Access logs/ })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: /Integration logs/ })).toBeChecked();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: /Access logs/ })).not.toBeChecked();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const backfill = page.getByLabel("First pull reaches back");
  await expect(backfill).toBeFocused();
  await expect(backfill).toHaveValue("1440");
  await backfill.selectOption({ label: "7 days" });
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Continue Setup" })).toBeFocused();
  await page.keyboard.press("Enter");
  await wizard.expectStep("Set credentials");

  await expect(page.getByText("Activate Public Distribution")).toHaveCount(0);
  await expect(page.getByLabel(/Slack app manifest/)).toContainText('"admin"');
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await expect(page.getByText("Credentials saved and accepted by Slack.")).toBeVisible();
  await wizard.saveSource();
  await wizard.grantAccess({ installOn: "Globex" });
  await expect(page.getByText("Access granted for the workspace Globex")).toBeVisible();

  // The end-to-end environment allows 1-minute alarms (ALARM_MIN_THRESHOLD_MINUTES=1); 15 minutes elsewhere.
  await page.getByLabel("No events for").fill("0");
  await page.getByLabel("Unit").selectOption("minutes");
  await page.getByLabel("Email recipients").fill("soc@example.com\nnot an address");
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText("The shortest interval is 1 minute")).toBeVisible();
  await expect(page.getByLabel("No events for")).toBeFocused();
  await page.getByLabel("No events for").fill("30");
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText('"not" is not an email address')).toBeVisible();
  await page.getByLabel("Email recipients").fill("soc@example.com, oncall@example.com");
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText("Setup finished.")).toBeVisible();
  const sourceId = sourceIdOf(page);
  const connection = page.locator("section").filter({ has: page.getByRole("heading", { name: "Connection" }) });
  await expect(connection.getByText("7 days")).toBeVisible();
  await page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Alarm" }).click();
  await expect(page.getByText("On: no events for 30 minutes")).toBeVisible();
  await expect(page.getByText("soc@example.com, oncall@example.com")).toBeVisible();
  expect((await pullQueueState(sourceId)).schedulers.map((scheduler) => scheduler.key).sort()).toEqual([`pull:${sourceId}:Slack.AccessLogs`, `pull:${sourceId}:Slack.IntegrationLogs`]);

  // The secret was regenerated in Slack: rotate it here, then grant again. The source stays active.
  const newSecret = await regenerateClientSecret(app.clientId);
  await page.getByRole("link", { name: "Rotate credentials" }).click();
  await expect(page.getByRole("heading", { name: `Rotate credentials: ${name}` })).toBeVisible();
  await expect(page.getByLabel("Client ID")).toHaveValue(app.clientId);
  // Nothing new is saved yet, so there is nothing to skip ahead with.
  await expect(page.getByRole("button", { name: "Save Source" })).toHaveCount(0);
  await wizard.enterCredentials(app.clientId, newSecret);
  await expect(page.getByText("Credentials saved and accepted by Slack.")).toBeVisible();
  await wizard.saveSource();
  await expect(page.getByText("Currently granted for the workspace Globex")).toBeVisible();
  await wizard.grantAccess({ installOn: "Globex" });
  await expect(page.getByText("Access granted again.")).toBeVisible();
  await expect(page.getByText("Active", { exact: true })).toBeVisible();
  await expectNoSecretOnPage(page, newSecret, app.clientSecret);
});

test("every way a grant can fail lands back on Verify with the explanation, and the wizard resumes where it stopped", async ({ page, baseURL }) => {
  await signedInAdmin(page);
  const wizard = new WizardPage(page);
  const name = uniqueName("Failing grants");
  await wizard.start();
  await wizard.configure(name, "Enterprise Grid", "Audit logs");
  // The app also has `admin`, so an edited authorize URL can ask for the wrong scope.
  const app: SlackApp = await registerSlackApp({ userScopes: ["auditlogs:read", "admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await expect(page.getByText("Credentials saved and accepted by Slack.")).toBeVisible();
  await wizard.saveSource();
  const sourceId = sourceIdOf(page);

  // Half-finished: the list offers to resume at Verify.
  await page.goto("/sources");
  await page.getByRole("link", { name: `Resume setup of ${name} at Verify setup` }).click();
  await wizard.expectStep("Verify setup");

  await wizard.grantAccess({ installOn: "organization", decision: "Cancel" });
  await expect(wizard.failure()).toContainText("Access was not granted");
  await expect(wizard.failure()).toContainText("choose Allow on Slack's page");

  await wizard.grantAccess({ installOn: "Northwind Engineering" });
  await expect(wizard.failure()).toContainText("Installed on a workspace instead of the organization");

  await wizard.grantAccess({
    installOn: "organization",
    // Someone edits the authorize URL on its way to Slack.
    beforeDecision: async (slackPage) => {
      const url = new URL(slackPage.url());
      url.searchParams.set("user_scope", "admin");
      await slackPage.goto(url.toString());
      await slackPage.getByLabel(/The organization Northwind/).check();
    },
  });
  await expect(wizard.failure()).toContainText("A permission is missing");
  await expect(wizard.failure()).toContainText("Missing: auditlogs:read");

  await wizard.grantAccess({
    installOn: "organization",
    beforeDecision: async () => {
      await testDatabase().oAuthState.updateMany({ where: { sourceId, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    },
  });
  await expect(wizard.failure()).toContainText("The grant took too long");

  await failNextTokenExchange(app.clientId);
  await wizard.grantAccess({ installOn: "organization" });
  await expect(wizard.failure()).toContainText("Slack could not be reached");

  await regenerateClientSecret(app.clientId);
  await wizard.grantAccess({ installOn: "organization" });
  await expect(wizard.failure()).toContainText("The Client Secret is wrong");
  await expect(wizard.failure()).toContainText("bad_client_secret");
  await wizard.failure().getByRole("link", { name: "Update credentials" }).click();
  await wizard.expectStep("Set credentials");

  // A forged answer (a state this console never issued) is refused before anything reaches Slack.
  await page.goto(`/api/oauth/slack/callback?code=stolen-code&state=${randomBytes(32).toString("base64url")}`);
  await expect(page).toHaveURL(/\/sources\?grant_error=state_invalid/);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This authorization does not belong to this console");

  const reasons = await testDatabase().auditTrail.findMany({ where: { targetId: sourceId, action: "source.grant_failed" }, orderBy: { at: "asc" }, select: { details: true } });
  expect(reasons.map((entry) => (entry.details as { reason: string }).reason)).toEqual([
    "access_denied",
    "workspace_install",
    "missing_scope",
    "state_expired",
    "slack_unreachable",
    "wrong_secret (bad_client_secret)",
  ]);
  expect(await storedToken(sourceId)).toBeNull();
});

test("a successful answer cannot be replayed, a wrong Redirect URL is explained when Slack never sends the person back, an answer arriving signed out is discarded, and an unfinished source can be discarded", async ({ page, baseURL }) => {
  const admin = await signedInAdmin(page);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(uniqueName("Replay"), "Pro or Business+");
  // Registered with a Redirect URL that is not Tributary's: Slack shows its own error page.
  const misconfigured = await registerSlackApp({ userScopes: ["admin"], redirectUrls: ["https://tributary.example.com/api/oauth/slack/callback"] });
  await wizard.enterCredentials(misconfigured.clientId, misconfigured.clientSecret);
  await wizard.saveSource();
  const verifyUrl = page.url();
  await page.getByRole("button", { name: "Grant Access" }).click();
  await expect(page.getByText("redirect_uri did not match any configured URIs")).toBeVisible();
  await page.goto(verifyUrl);
  await expect(page.getByText("Slack did not send you back")).toBeVisible();
  await expect(page.getByText(`${baseURL}/api/oauth/slack/callback`).first()).toBeVisible();

  // Fixed by using an app with the right Redirect URL.
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await page.getByRole("link", { name: "Update the credentials" }).click();
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await wizard.saveSource();
  // Signed out while on Slack's page: Slack's answer is discarded, and its code never reaches the sign-in page.
  await page.getByRole("button", { name: "Grant Access" }).click();
  await page.context().clearCookies();
  await wizard.answerConsent({ installOn: "Globex" });
  await expect(page).toHaveURL(/\/signin\?/);
  const callbackUrlParam = new URL(page.url()).searchParams.get("callbackUrl")!;
  expect(callbackUrlParam).toMatch(/\/setup\/verify\?error=session_expired$/);
  expect(page.url()).not.toContain("code");
  // Signing in again on that page leads straight back to the wizard, which says what happened.
  await new SignInPage(page).signIn(admin.email, admin.password);
  await expect(page).toHaveURL(callbackUrlParam);
  await expect(wizard.failure()).toContainText("Your session ended while you were on Slack's page");
  await expect(wizard.failure()).toBeFocused();

  const callbackUrl = await wizard.grantAccess({ installOn: "Globex" });
  await wizard.expectStep("Drop-off alarm");

  await page.goto(callbackUrl);
  await expect(wizard.failure()).toContainText("This authorization was already used");

  // Not wanted after all: discarded from the source page, its name free again.
  const sourceId = sourceIdOf(page);
  const name = (await testDatabase().source.findUniqueOrThrow({ where: { id: sourceId }, select: { name: true } })).name;
  await page.goto(`/sources/${sourceId}`);
  await page.getByRole("button", { name: "Discard draft" }).click();
  const confirmation = page.getByRole("group", { name: `Discard ${name}` });
  await expect(confirmation).toContainText("the access granted in Slack is revoked");
  await confirmation.getByRole("button", { name: "Discard", exact: true }).click();
  await expect(page).toHaveURL(/\/sources$/);
  await expect(page.getByRole("link", { name })).toHaveCount(0);
  expect(await testDatabase().source.count({ where: { id: sourceId } })).toBe(0);
});

test("the Redirect URL copies without the Clipboard API, as on a console served over plain http", async ({ page, baseURL }) => {
  // Outside a secure context there is no navigator.clipboard; record what the fallback copies.
  await page.addInitScript(() => {
    Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true });
    document.addEventListener("copy", () => {
      const field = document.activeElement as HTMLTextAreaElement | null;
      (window as unknown as { copiedText?: string }).copiedText = field?.value?.slice(field.selectionStart, field.selectionEnd) ?? "";
    });
  });
  await signedInAdmin(page);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(uniqueName("No clipboard"), "Pro or Business+");
  await page.getByRole("button", { name: "Copy Redirect URL" }).click();
  await expect(page.getByText("Copied", { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { copiedText?: string }).copiedText)).toBe(`${baseURL}/api/oauth/slack/callback`);
});
