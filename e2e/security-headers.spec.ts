import { expect, test, type APIResponse, type Page, type Response } from "@playwright/test";
import { seedUser, signInViaApi } from "./fixtures/users";
import { ConsolePage } from "./pages/console-page";
import { SignInPage } from "./pages/sign-in-page";

// What a security reviewer checks with curl and the browser's console: the headers on each kind of
// response, a nonce that changes per request and is the one on the page's scripts, and pages that
// still run their JavaScript under the policy.

type Headers = Record<string, string>;

function headersOf(response: Response | APIResponse | null): Headers {
  if (!response) throw new Error("no response");
  return response.headers();
}

function expectStaticHeaders(headers: Headers) {
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["permissions-policy"]).toContain("camera=()");
  expect(headers["cross-origin-opener-policy"]).toBe("same-origin");
  // The suite serves plain HTTP (PUBLIC_URL http://…): HSTS and upgrading requests are for HTTPS only.
  expect(headers["strict-transport-security"]).toBeUndefined();
}

/** Checks the per-request policy and returns its nonce. */
function expectNoncePolicy(headers: Headers): string {
  expectStaticHeaders(headers);
  const policy = headers["content-security-policy"];
  expect(policy).toBeDefined();
  expect(policy).not.toContain("unsafe-eval");
  expect(policy).not.toContain("upgrade-insecure-requests");
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy).toContain("object-src 'none'");
  const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'(;|$)/.exec(policy!)?.[1];
  expect(nonce, `script-src with a nonce in: ${policy}`).toBeDefined();
  return nonce!;
}

/** Every <script> in the server's HTML carries this response's nonce (Next adds it, we don't). */
async function expectScriptsNonced(response: Response | null, nonce: string) {
  const html = await response!.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
}

/** Collects CSP violations from the page (event and console), across navigations. */
async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(`console: ${message.text()}`);
  });
  await page.exposeBinding("reportCspViolation", (_source, text: string) => void violations.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.documentURI}`);
    });
  });
  return violations;
}

test("a console page carries a fresh nonce policy, hydrates without violations, and the session cookie is HttpOnly and Lax", async ({ page }) => {
  const violations = await watchCspViolations(page);
  const user = await seedUser();
  await signInViaApi(page, user);

  const session = (await page.context().cookies()).find((cookie) => cookie.name.endsWith("next-auth.session-token"));
  expect(session).toMatchObject({ name: "next-auth.session-token", httpOnly: true, sameSite: "Lax", secure: false });

  const first = await page.goto("/sources");
  const firstNonce = expectNoncePolicy(headersOf(first));
  await expectScriptsNonced(first, firstNonce);
  const consolePage = new ConsolePage(page);
  await expect(consolePage.heading("Sources")).toBeVisible();

  const second = await page.goto("/events");
  const secondNonce = expectNoncePolicy(headersOf(second));
  await expectScriptsNonced(second, secondNonce);
  expect(secondNonce).not.toBe(firstNonce);

  // Client-side code at work: the sidebar navigates without a reload, sign-out calls next-auth's API.
  await consolePage.open("Alarms");
  await consolePage.signOut();
  await expect(page).toHaveURL(/\/signin/);
  expect(violations).toEqual([]);
});

test("the sign-in page carries the policy and its form signs in client-side without violations", async ({ page }) => {
  const violations = await watchCspViolations(page);
  const user = await seedUser();

  const response = await page.goto("/signin");
  const nonce = expectNoncePolicy(headersOf(response));
  await expectScriptsNonced(response, nonce);

  // Only the hydrated form validates in the browser; without JavaScript it would reload the page.
  const signIn = new SignInPage(page);
  await signIn.signIn("not an email", "whatever");
  await expect(signIn.error).toHaveText("Enter a valid email address");

  await signIn.signIn(user.email, user.password);
  await expect(new ConsolePage(page).heading("Sources")).toBeVisible();
  expect(violations).toEqual([]);
});

test("the 404 page is rendered per request too, so its scripts carry the nonce", async ({ page }) => {
  const violations = await watchCspViolations(page);
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expectScriptsNonced(response, expectNoncePolicy(headersOf(response)));
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("API responses carry the headers, with a new nonce each time", async ({ request }) => {
  const status = await request.get("/api/system/status");
  expect(status.status()).toBe(401);
  expect(status.headers()["content-type"]).toContain("application/json");
  const statusNonce = expectNoncePolicy(headersOf(status));

  const health = await request.get("/api/healthz");
  expect(health.status()).toBe(200);
  expect(expectNoncePolicy(headersOf(health))).not.toBe(statusNonce);
});

test("a _next/static asset carries the fixed headers and a policy that allows nothing", async ({ request }) => {
  const html = await (await request.get("/signin")).text();
  const asset = /<script\b[^>]*\bsrc="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(asset, "a _next/static script on the sign-in page").toBeDefined();

  const response = await request.get(asset!);
  expect(response.status()).toBe(200);
  const headers = headersOf(response);
  expectStaticHeaders(headers);
  expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
});
