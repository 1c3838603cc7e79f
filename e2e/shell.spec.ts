import { expect, test } from "@playwright/test";
import { seedUser, signInViaApi } from "./fixtures/users";
import { E2E_PORT, E2E_WORKER_HEALTH_PORT, e2eEnvironment } from "@/scripts/lib/test-env";
import { ConsolePage, SECTIONS } from "./pages/console-page";

test("the console loads and shows the shell", async ({ page }) => {
  const user = await seedUser({ role: "ADMIN", name: "Ada Admin" });
  await signInViaApi(page, user);

  await page.goto("/");
  await expect(page).toHaveURL(/\/sources$/);
  const consolePage = new ConsolePage(page);
  await expect(consolePage.heading("Sources")).toBeVisible();
  // Other tests create sources in the same database, so the list may or may not be empty here.
  await expect(page.getByRole("link", { name: "Create New" })).toBeVisible();

  await expect(consolePage.navigation.getByRole("link")).toHaveText([...SECTIONS]);
  await expect(consolePage.signedInUser).toContainText("Ada Admin");
  await expect(consolePage.signedInUser).toContainText(`${user.email} · Admin`);

  for (const section of SECTIONS) await consolePage.open(section);

  // Settings reads the worker's reports from Postgres through the API; the latest must be the worker
  // this suite started (its pid is in the workerId its /healthz returns), not a leftover row.
  const health = (await (await page.request.get(`http://127.0.0.1:${E2E_WORKER_HEALTH_PORT}/healthz`)).json()) as { workerId: string };
  const workerPid = health.workerId.split(":").at(-2);
  await expect(page.getByText("Online", { exact: true })).toBeVisible();
  await expect(page.getByText(new RegExp(`pid ${workerPid} ·`))).toBeVisible();
  await expect(page.getByText(`http://127.0.0.1:${E2E_PORT}/api/oauth/slack/callback`)).toBeVisible();
  const { NEXTAUTH_SECRET, ENCRYPTION_KEYS } = e2eEnvironment();
  const pageText = await page.locator("body").innerText();
  expect(pageText).not.toContain(NEXTAUTH_SECRET);
  expect(pageText).not.toContain(ENCRYPTION_KEYS.split(":")[1]);

  await consolePage.signOut();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/events");
  await expect(page).toHaveURL(/\/signin/);
});
