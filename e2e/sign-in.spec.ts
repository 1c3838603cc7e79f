import { expect, test } from "@playwright/test";
import { seedUser } from "./fixtures/users";
import { ConsolePage } from "./pages/console-page";
import { SignInPage } from "./pages/sign-in-page";

test("a signed-out visitor is sent to sign-in and lands where they were going", async ({ page }) => {
  const user = await seedUser();
  await page.goto("/events");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);

  const signIn = new SignInPage(page);
  await signIn.signIn(user.email, "not the password");
  await expect(signIn.error).toHaveText("That email and password don't match an active account.");

  await signIn.signIn(user.email, user.password);
  await expect(new ConsolePage(page).heading("Events")).toBeVisible();
});

test("a crafted callbackUrl cannot send a user off-site after sign-in", async ({ page }) => {
  const user = await seedUser();
  // Browsers drop the tab, so a naive "starts with one slash" check would let this through to //evil.example.
  await page.goto("/signin?callbackUrl=/%09/evil.example/phish");
  await new SignInPage(page).signIn(user.email, user.password);
  await expect(page).toHaveURL("/sources");
  await expect(new ConsolePage(page).heading("Sources")).toBeVisible();
});

test("the API answers anonymous requests with 401 JSON", async ({ request }) => {
  const response = await request.get("/api/system/status");
  expect(response.status()).toBe(401);
  expect(await response.json()).toEqual({ error: { code: "unauthorized", message: "Sign in to use this API." } });
});

test("the readiness probe answers without a session, with its checks and nothing more", async ({ request }) => {
  const response = await request.get("/api/readyz");
  expect(response.status()).toBe(200);
  expect(response.headers()["cache-control"]).toBe("no-store");
  expect(await response.json()).toEqual({ status: "ready", checks: { postgres: "ok", redis: "ok", migrations: "ok" } });
});

test("every response carries a request ID", async ({ request }) => {
  const response = await request.get("/api/healthz", { headers: { "x-request-id": "e2e-trace-0001" } });
  expect(response.headers()["x-request-id"]).toBe("e2e-trace-0001");
});

test("repeated wrong passwords lock the account for a minute with a clear message", async ({ page }) => {
  const user = await seedUser();
  await page.goto("/signin");
  const signIn = new SignInPage(page);
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await signIn.signIn(user.email, `wrong password ${attempt}`);
    await expect(signIn.error).toHaveText("That email and password don't match an active account.");
    await expect(signIn.submit).toBeEnabled();
  }
  // Now even the right password waits: the guesser cannot tell it was right.
  await signIn.signIn(user.email, user.password);
  await expect(signIn.error).toContainText(/Too many failed sign-in attempts\. Wait \d+ seconds? and try again\./);
  await expect(page).toHaveURL(/\/signin/);
});
