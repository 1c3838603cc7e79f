import { expect, test } from "@playwright/test";
import { seedUser, signInViaApi } from "./fixtures/users";
import { ConsolePage, SECTIONS } from "./pages/console-page";

test("the console loads and shows the shell", async ({ page }) => {
  const user = await seedUser({ role: "ANALYST", name: "Ada Analyst" });
  await signInViaApi(page, user);

  await page.goto("/");
  await expect(page).toHaveURL(/\/sources$/);
  const consolePage = new ConsolePage(page);
  await expect(consolePage.heading("Sources")).toBeVisible();
  await expect(page.getByRole("heading", { name: "No sources yet" })).toBeVisible();

  await expect(consolePage.navigation.getByRole("link")).toHaveText([...SECTIONS]);
  await expect(consolePage.signedInUser).toContainText("Ada Analyst");
  await expect(consolePage.signedInUser).toContainText(`${user.email} · Analyst`);

  for (const section of SECTIONS) await consolePage.open(section);

  // Settings reads the worker's heartbeat from Postgres through the API: the e2e worker is running.
  await expect(page.getByText("Online", { exact: true })).toBeVisible();
  await expect(page.getByText("http://127.0.0.1:3210/api/oauth/slack/callback")).toBeVisible();
  await expect(page.getByText("test-only-secret")).toHaveCount(0);

  await consolePage.signOut();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/events");
  await expect(page).toHaveURL(/\/signin/);
});
