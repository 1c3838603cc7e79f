import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { mailsTo } from "./fixtures/mail";
import { pauseSlackTraffic, registerSlackApp } from "./fixtures/slack";
import { seedUser, signInViaApi, testDatabase } from "./fixtures/users";
import { WizardPage } from "./pages/wizard-page";

// The drop-off alarm as an operator meets it: set in the wizard with a short threshold (the
// end-to-end environment allows 1 minute, as the demo does), Slack goes quiet, the source page and
// the Alarms page show the alarm, and the email is in the mail catcher's inbox. Runs on the real
// worker's own schedule, so it waits a couple of minutes.

const sourceIdOf = (page: Page) => /\/sources\/([a-z0-9]+)/.exec(new URL(page.url()).pathname)![1]!;

test("an alarm set in the wizard fires when Slack goes quiet, on the dashboard and by email, and a test email can be sent", async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const suffix = randomBytes(4).toString("hex");
  const recipient = `soc-${suffix}@example.com`;
  const name = `Globex alarm ${suffix}`;
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(name, "Pro or Business+");
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [`${baseURL}/api/oauth/slack/callback`] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await wizard.saveSource();
  await wizard.grantAccess({ installOn: "Globex" });

  await page.getByLabel("No events for").fill("1");
  await page.getByLabel("Unit").selectOption("minutes");
  await page.getByLabel("Email recipients").fill(recipient);
  await page.getByRole("button", { name: "Finish Setup" }).click();
  await expect(page.getByText("Setup finished.")).toBeVisible();
  const sourceId = sourceIdOf(page);
  await page.goto(`/sources/${sourceId}/alarm`);
  await expect(page.getByText("On: no events for 1 minute")).toBeVisible();

  // The first pulls store the workspace's history; then Slack has nothing new.
  await pauseSlackTraffic();
  await expect.poll(async () => testDatabase().event.count({ where: { sourceId } }), { timeout: 30_000 }).toBeGreaterThan(0);

  const alarmCard = page.locator("section").filter({ has: page.getByRole("heading", { name: "Log drop-off alarm" }) });
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await alarmCard.getByText("In alarm", { exact: true }).count()) > 0;
      },
      { timeout: 200_000, intervals: [5_000] },
    )
    .toBe(true);
  const history = page.locator("section").filter({ has: page.getByRole("heading", { name: "Alarm history" }) });
  await expect(history.getByText("Went quiet: alarm")).toBeVisible();

  // One email, in the inbox the demo links to.
  await expect.poll(async () => (await mailsTo(recipient)).length, { timeout: 60_000 }).toBe(1);
  const [alarm] = await mailsTo(recipient);
  expect(alarm!.subject).toMatch(new RegExp(`^\\[Tributary\\] ALARM: Slack source "${name}" has sent no logs for \\d+ min$`));
  expect(alarm!.html).toContain(`/sources/${sourceId}`);
  await page.reload();
  await expect(history.getByText("Sent", { exact: true })).toBeVisible();

  // The Alarms page lists it.
  await page.goto("/alarms");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name }) });
  await expect(row.getByText("In alarm", { exact: true })).toBeVisible();

  // "Send test email" goes out at once.
  await page.getByRole("link", { name }).click();
  await page.getByRole("navigation", { name: "Source sections" }).getByRole("link", { name: "Alarm" }).click();
  await page.getByRole("button", { name: "Send test email" }).click();
  await expect(page.getByText(`Test email sent to ${recipient}.`)).toBeVisible();
  await expect.poll(async () => (await mailsTo(recipient)).map((mail) => mail.subject).sort()).toEqual([alarm!.subject, `[Tributary] TEST: drop-off alarm email for Slack source "${name}"`].sort());
});
