import { randomBytes } from "node:crypto";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { storedAccessToken } from "./fixtures/sources";
import { registerSlackApp, type SlackApp } from "./fixtures/slack";
import { seedUser, signInViaApi, testDatabase, type TestUser } from "./fixtures/users";
import { SignInPage } from "./pages/sign-in-page";
import { WizardPage } from "./pages/wizard-page";
import { E2E_EMULATOR_URL } from "@/scripts/lib/test-env";

// Attacks on Slack's OAuth answer and on every parameter that decides where a browser goes next.
// Already covered elsewhere, and not repeated here: a forged state, an expired state (its
// expires_at moved into the past in the database), a replayed answer (the same code and state a
// second time) and an answer arriving signed out, in e2e/wizard.spec.ts; an answer without a state
// for each kind of caller in e2e/authorization.spec.ts; a callbackUrl with a tab
// ("/\t/evil.example") in e2e/sign-in.spec.ts.

const EVIL = "evil.example";

/** Every request the context sends to the attacker's site, aborted so nothing loads from it. */
async function watchOffOriginRequests(context: BrowserContext): Promise<string[]> {
  const attempts: string[] = [];
  await context.route((url) => url.hostname.endsWith(EVIL), async (route) => {
    attempts.push(route.request().url());
    await route.abort();
  });
  return attempts;
}

/** An admin's Pro or Business+ source with credentials saved, on its Verify step. */
async function sourceAwaitingGrant(page: Page, admin: TestUser): Promise<{ sourceId: string; app: SlackApp; wizard: WizardPage }> {
  await signInViaApi(page, admin);
  const wizard = new WizardPage(page);
  await wizard.start();
  await wizard.configure(`OAuth attack ${randomBytes(4).toString("hex")}`, "Pro or Business+");
  const app = await registerSlackApp({ userScopes: ["admin"], redirectUrls: [await wizard.redirectUrl()] });
  await wizard.enterCredentials(app.clientId, app.clientSecret);
  await wizard.saveSource();
  const sourceId = /\/sources\/([a-z0-9]+)/.exec(new URL(page.url()).pathname)![1]!;
  return { sourceId, app, wizard };
}

/**
 * Hands Slack's answer (its redirect to the callback, with code and state) to `handle` as it leaves
 * Slack's page; the browser follows it only when `handle` says so. (A route does not see the
 * redirected request itself, so the redirect is caught where Slack sends it.)
 */
async function onSlackAnswer(page: Page, handle: (answer: string) => Promise<"deliver" | "hold">) {
  await page.route(`${E2E_EMULATOR_URL}/oauth/v2/authorize`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const response = await route.fetch({ maxRedirects: 0 });
    if ((await handle(response.headers().location!)) === "deliver") await route.fulfill({ response });
    else await route.fulfill({ status: 200, contentType: "text/plain", body: "Slack's answer was held back by the test." });
  });
}

/** Allow on Slack's page for the Globex workspace; Slack's answer never reaches the console and is returned instead. */
async function holdBackSlackAnswer(page: Page): Promise<string> {
  let held = "";
  await onSlackAnswer(page, async (answer) => {
    held = answer;
    return "hold";
  });
  await page.getByRole("button", { name: "Grant Access" }).click();
  await page.getByLabel("One workspace").check();
  const workspace = page.getByLabel("Workspace", { exact: true });
  await workspace.selectOption((await workspace.locator("option", { hasText: "Globex (" }).first().getAttribute("value"))!);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("Slack's answer was held back by the test.")).toBeVisible();
  await page.unrouteAll();
  return held;
}

/** A fresh Grant Access left on Slack's page: its state, as Slack received it. */
async function freshState(page: Page): Promise<string> {
  await page.getByRole("button", { name: "Grant Access" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("is requesting permission to access Slack");
  return new URL(page.url()).searchParams.get("state")!;
}

const grantFailures = async (sourceId: string) =>
  (await testDatabase().auditTrail.findMany({ where: { targetId: sourceId, action: "source.grant_failed" }, orderBy: { at: "asc" }, select: { details: true } })).map((entry) => (entry.details as { reason: string }).reason);

test("another user's state is refused without spending it, and its owner can still finish the grant", async ({ page, browser, baseURL }) => {
  const owner = await seedUser({ role: "ADMIN" });
  const { sourceId, wizard } = await sourceAwaitingGrant(page, owner);
  const answer = await holdBackSlackAnswer(page);
  expect(new URL(answer).pathname).toBe("/api/oauth/slack/callback");

  // Another admin of the same console opens the answer (a link passed on, a shared machine).
  const otherContext = await browser.newContext({ baseURL });
  const other = await otherContext.newPage();
  await signInViaApi(other, await seedUser({ role: "ADMIN" }));
  await other.goto(answer);
  await expect(other).toHaveURL(/\/sources\?grant_error=state_other_user$/);
  await expect(other.getByRole("main").getByRole("alert")).toContainText("Another account started this grant");
  await expect(other.getByRole("main").getByRole("alert")).toContainText("started by a different Tributary user, so it was refused");
  expect(await storedAccessToken(sourceId)).toBeNull();
  // Nothing about the source is told to the other user, nor written to its history.
  expect(await grantFailures(sourceId)).toEqual([]);
  await otherContext.close();

  // The code was never exchanged and the state never spent: the person who started the grant finishes it.
  await page.goto(answer);
  await wizard.expectStep("Drop-off alarm");
  expect(await storedAccessToken(sourceId)).toMatch(/^xoxp-/);
});

test("a code that was already exchanged is refused with Slack's answer explained, and nothing is stored or replaced", async ({ page }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const { sourceId, app, wizard } = await sourceAwaitingGrant(page, admin);

  // Someone who intercepted Slack's answer exchanges the code first; the console's exchange is the second.
  const firstExchanges: boolean[] = [];
  await onSlackAnswer(page, async (location) => {
    const answer = new URL(location);
    const response = await fetch(`${E2E_EMULATOR_URL}/api/oauth.v2.access`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ code: answer.searchParams.get("code")!, redirect_uri: `${answer.origin}${answer.pathname}` }),
    });
    firstExchanges.push(((await response.json()) as { ok: boolean }).ok);
    return "deliver";
  });
  await wizard.grantAccess({ installOn: "Globex" });
  await page.unrouteAll();
  expect(firstExchanges).toEqual([true]);
  await wizard.expectStep("Verify setup");
  await expect(wizard.failure()).toContainText("Slack no longer accepts this authorization");
  await expect(wizard.failure()).toContainText("the authorization code is invalid: it expired, or was already exchanged");
  expect(await storedAccessToken(sourceId)).toBeNull();

  // A code the console itself exchanged, sent again with a fresh state of the same user: Slack refuses
  // it (invalid_code, as Slack does), and the token stored by the first exchange stays.
  const granted = new URL(await wizard.grantAccess({ installOn: "Globex" }));
  await wizard.expectStep("Drop-off alarm");
  const token = await storedAccessToken(sourceId);
  expect(token).toMatch(/^xoxp-/);
  await page.goto(`/sources/${sourceId}/setup/verify`);
  const state = await freshState(page);
  await page.goto(`/api/oauth/slack/callback?${new URLSearchParams({ code: granted.searchParams.get("code")!, state })}`);
  await expect(page).toHaveURL(new RegExp(`/sources/${sourceId}/setup/verify\\?error=code_invalid`));
  await expect(wizard.failure()).toContainText("Slack no longer accepts this authorization");
  expect(await storedAccessToken(sourceId)).toBe(token);
  expect(await grantFailures(sourceId)).toEqual(["code_invalid (invalid_code)", "code_invalid (invalid_code)"]);
});

test("a crafted callbackUrl never takes the browser off-site after signing in through the form", async ({ browser, baseURL }) => {
  test.setTimeout(60_000);
  const user = await seedUser();
  const attempts = [
    `https://${EVIL}/phish`,
    `//${EVIL}/phish`,
    `/\\${EVIL}/phish`,
    `\\\\${EVIL}/phish`,
    `https:/${EVIL}/phish`,
    `http:${EVIL}/phish`,
    ` //${EVIL}/phish`,
    "javascript:window.__xss=1",
  ];
  for (const callbackUrl of attempts) {
    // A context each: a session refresh still in flight could otherwise sign the next attempt in.
    const context = await browser.newContext({ baseURL });
    const offOrigin = await watchOffOriginRequests(context);
    const page = await context.newPage();
    await page.goto(`/signin?${new URLSearchParams({ callbackUrl })}`);
    await new SignInPage(page).signIn(user.email, user.password);
    // Somewhere on this console ("http:evil.example/phish" is a path here), most often /sources.
    await page.waitForURL((url) => url.pathname !== "/signin");
    expect(new URL(page.url()).origin, callbackUrl).toBe(baseURL);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), callbackUrl).toBeUndefined();
    expect(offOrigin, callbackUrl).toEqual([]);
    await context.close();
  }
});

test("next-auth's own endpoints keep their redirects on this origin, whatever callbackUrl or forwarded host they are given", async ({ page, context, baseURL }) => {
  const user = await seedUser();
  const offOrigin = await watchOffOriginRequests(context);
  const evilUrl = `https://${EVIL}/phish`;

  // Its sign-in entry point hands over to the console's page, with the destination made safe.
  await page.goto(`/api/auth/signin?${new URLSearchParams({ callbackUrl: evilUrl })}`);
  await expect(page).toHaveURL(/\/signin\?/);
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(baseURL);
  await new SignInPage(page).signIn(user.email, user.password);
  await expect(page).toHaveURL(`${baseURL}/sources`);

  // The credentials callback and sign-out answer with where to go next (next-auth's redirect callback).
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const signedIn = await page.request.post("/api/auth/callback/credentials", { form: { csrfToken, email: user.email, password: user.password, callbackUrl: evilUrl, json: "true" } });
  expect(new URL(((await signedIn.json()) as { url: string }).url).origin).toBe(baseURL);
  const signedOut = await page.request.post("/api/auth/signout", { form: { csrfToken, callbackUrl: evilUrl, json: "true" } });
  expect(new URL(((await signedOut.json()) as { url: string }).url).origin).toBe(baseURL);

  // A forwarded host must not become the origin of a redirect.
  const forwarded = { "x-forwarded-host": EVIL, "x-forwarded-proto": "https" };
  for (const path of ["/sources", "/api/auth/signin", "/api/oauth/slack/callback?state=forged"]) {
    const response = await page.request.get(path, { headers: forwarded, maxRedirects: 0 });
    expect([302, 303, 307], path).toContain(response.status());
    expect(new URL(response.headers().location!, baseURL).origin, path).toBe(baseURL);
  }
  expect(offOrigin).toEqual([]);
});

test("the Slack callback ignores redirect-like parameters and always answers with a page of this console", async ({ page, context, baseURL }) => {
  const admin = await seedUser({ role: "ADMIN" });
  const offOrigin = await watchOffOriginRequests(context);
  const evilUrl = `https://${EVIL}/phish`;
  const redirectLike = { redirect_uri: evilUrl, next: evilUrl, returnTo: evilUrl, redirect: evilUrl, callbackUrl: evilUrl, error: evilUrl };

  // Signed out: the answer is discarded and sign-in leads back to the console, not to any of them.
  await page.goto(`/api/oauth/slack/callback?${new URLSearchParams({ ...redirectLike, state: randomBytes(32).toString("base64url") })}`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fsources$/);
  await new SignInPage(page).signIn(admin.email, admin.password);
  await expect(page).toHaveURL(`${baseURL}/sources`);

  // Signed in, with a state nobody issued: refused and explained on the Sources page.
  await page.goto(`/api/oauth/slack/callback?${new URLSearchParams({ ...redirectLike, code: "stolen-code", state: randomBytes(32).toString("base64url") })}`);
  await expect(page).toHaveURL(`${baseURL}/sources?grant_error=state_invalid`);
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This authorization does not belong to this console");
  expect(offOrigin).toEqual([]);
});
