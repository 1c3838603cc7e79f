import { expect, test } from "@playwright/test";
import { seedUser, signInViaApi } from "./fixtures/users";

// Bull Board at /admin/queues as an admin and everyone else sees it. It changes nothing here: the
// end-to-end worker reads these queues, and app/admin/queues/[[...path]]/route.test.ts carries out
// and audits a change on queues of its own.

test("an admin opens the board from Settings and sees Tributary's queues under the console's policy", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  await signInViaApi(page, await seedUser({ role: "ADMIN" }));
  await page.goto("/settings");
  await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Queues" }).click();
  await expect(page).toHaveURL(/\/admin\/queues$/);
  await expect(page).toHaveTitle("Tributary queues");
  await page.getByRole("link", { name: "pulls", exact: true }).first().click();
  await expect(page).toHaveURL(/\/admin\/queues\/queue\/pulls/);
  await expect(page.getByText("One job per source and log type every interval").first()).toBeVisible();
  expect(violations).toEqual([]);
});

test("the board refuses the signed-out and analysts as every admin page does", async ({ browser, page }) => {
  await signInViaApi(page, await seedUser({ role: "ANALYST" }));
  const refused = await page.goto("/admin/queues");
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();

  const anonymous = await browser.newPage();
  await anonymous.goto("/admin/queues/queue/pulls");
  await expect(anonymous).toHaveURL(/\/signin\?callbackUrl=%2Fadmin%2Fqueues%2Fqueue%2Fpulls$/);
  await anonymous.close();
});

test("a change from another origin is refused even with an admin's session", async ({ page }) => {
  await signInViaApi(page, await seedUser({ role: "ADMIN" }));
  const response = await page.request.put("/admin/queues/api/queues/pulls/pause", { headers: { origin: "https://evil.example" } });
  try {
    expect(response.status()).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("cross_origin");
    const { queues } = (await (await page.request.get("/admin/queues/api/queues")).json()) as { queues: { name: string; isPaused: boolean }[] };
    expect(queues.find((queue) => queue.name === "pulls")?.isPaused).toBe(false);
  } finally {
    // Were the check ever broken, the paused pulls queue would fail every other spec of the run.
    if (response.ok()) await page.request.put("/admin/queues/api/queues/pulls/resume");
  }
});
