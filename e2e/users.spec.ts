import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { seedUser, signInViaApi } from "./fixtures/users";
import { ConsolePage } from "./pages/console-page";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";

test("an admin invites an analyst, who sets a password through the link and can only read", async ({ page, browser, baseURL }) => {
  const admin = await seedUser({ role: "ADMIN" });
  await signInViaApi(page, admin);
  const users = new UsersPage(page);
  await users.open();

  const email = `invited-${randomBytes(4).toString("hex")}@example.test`;
  const link = await users.invite({ name: "Ivy Invited", email, role: "Analyst" });
  expect(link).toMatch(new RegExp(`^${baseURL}/set-password/[A-Za-z0-9_-]{43}$`));
  await expect(users.row(email)).toContainText("Invitation pending");

  // The invitee, in a browser of their own.
  const inviteeContext = await browser.newContext({ baseURL });
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole("heading", { name: "Welcome to Tributary" })).toBeVisible();
  const form = invitee.getByRole("form", { name: "Choose a password" });
  await form.getByLabel("New password").fill("too short");
  await form.getByLabel("Repeat the password").fill("too short");
  await form.getByRole("button", { name: "Set password" }).click();
  await expect(form.getByText("Use at least 12 characters")).toBeVisible();
  const password = "a long and unguessable passphrase";
  await form.getByLabel("New password").fill(password);
  await form.getByLabel("Repeat the password").fill(password);
  await form.getByRole("button", { name: "Set password" }).click();
  await expect(invitee.getByRole("status")).toContainText("Your password is set");

  // The link works once.
  await invitee.goto(link);
  await expect(invitee.getByRole("main").getByRole("alert")).toHaveText("This link has already been used.");

  await invitee.goto("/signin");
  await new SignInPage(invitee).signIn(email, password);
  const consolePage = new ConsolePage(invitee);
  await expect(consolePage.heading("Sources")).toBeVisible();
  await expect(consolePage.signedInUser).toContainText(`${email} · Analyst`);
  await expect(consolePage.navigation.getByRole("link")).toHaveText(["Sources", "Events", "Alarms"]);

  // Typing an admin address gets the 403 page, not the page.
  for (const path of ["/settings", "/settings/users", "/settings/audit"]) {
    const response = await invitee.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(invitee.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  }

  // Disabling ends the analyst's session at their next request.
  await page.reload();
  await users.confirmNextDialog();
  await page.getByRole("button", { name: `Disable ${email}` }).click();
  await expect(users.row(email)).toContainText("Disabled");
  await invitee.goto("/events");
  await expect(invitee).toHaveURL(/\/signin\?callbackUrl=%2Fevents/);
  await inviteeContext.close();
});

test("an admin changes a role and resets a password, and the audit trail shows who did what", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const colleague = await seedUser({ role: "ANALYST" });
  await signInViaApi(page, admin);
  const users = new UsersPage(page);
  await users.open();

  await page.getByLabel(`Role of ${colleague.email}`).selectOption("ADMIN");
  await expect(page.getByRole("status").filter({ hasText: `${colleague.email} is now Admin.` })).toBeVisible();

  await users.confirmNextDialog();
  await page.getByRole("button", { name: `Reset password of ${colleague.email}` }).click();
  await expect(page.getByRole("heading", { name: `Password reset link for ${colleague.email}` })).toBeVisible();
  await expect(users.row(colleague.email)).toContainText("Password reset pending");

  // Their old password no longer works.
  const other = await page.context().browser()!.newContext({ baseURL: page.url().replace(/\/settings.*$/, "") });
  const otherPage = await other.newPage();
  await otherPage.goto("/signin");
  const signIn = new SignInPage(otherPage);
  await signIn.signIn(colleague.email, colleague.password);
  await expect(signIn.error).toHaveText("That email and password don't match an active account.");
  await other.close();

  // Admins cannot disable or reset themselves here.
  await expect(page.getByRole("button", { name: `Disable ${admin.email}` })).toHaveCount(0);

  await page.getByRole("navigation", { name: "Settings sections" }).getByRole("link", { name: "Audit trail" }).click();
  const filters = page.getByRole("form", { name: "Filter the audit trail" });
  await filters.getByLabel("Target").fill(colleague.email);
  await filters.getByRole("button", { name: "Apply filters" }).click();
  const rows = page.getByRole("row").filter({ hasText: admin.email });
  await expect(rows.filter({ hasText: "Role changed" })).toContainText("from: ANALYST · to: ADMIN");
  await expect(rows.filter({ hasText: "Password reset started" })).toHaveCount(1);
  await expect(page.getByRole("row").filter({ hasText: "Sign-in refused" }).filter({ hasText: colleague.email })).toContainText("reason: password_not_set");

  await filters.getByLabel("Action").selectOption("auth.sign_in_failed");
  await filters.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByRole("row").filter({ hasText: "Role changed" })).toHaveCount(0);
});
