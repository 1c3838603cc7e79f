import { expect, test } from "@playwright/test";
import { startEmulator, type RunningEmulator } from "@/emulator/server";

// The emulator's consent page in a real browser, as the onboarding wizard will send people to it:
// the choices Slack offers, Allow back to the registered redirect URL with code and state, Cancel
// with access_denied. The redirect target is Tributary's callback URL; only the address is checked.

let slack: RunningEmulator;

test.beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "consent-e2e", traffic: { isPaused: true }, isEmpty: true });
});

test.afterAll(async () => {
  await slack.stop();
});

async function registerApp(redirectUrl: string) {
  const response = await fetch(`${slack.controlUrl}/apps`, {
    method: "POST",
    body: JSON.stringify({ name: "Tributary Audit", redirectUrls: [redirectUrl], userScopes: ["auditlogs:read"] }),
  });
  return (await response.json()) as { clientId: string; clientSecret: string };
}

test("installing to the organization redirects back with a code and the state", async ({ page, baseURL }) => {
  const redirectUrl = `${baseURL}/api/oauth/slack/callback`;
  const app = await registerApp(redirectUrl);
  const query = new URLSearchParams({ client_id: app.clientId, user_scope: "auditlogs:read", redirect_uri: redirectUrl, state: "csrf-state-1" });
  await page.goto(`${slack.slackOAuthAuthorizeUrl}?${query}`);

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Tributary Audit is requesting permission");
  await expect(page.getByText("auditlogs:read").first()).toBeVisible();
  await page.getByLabel(/The organization Northwind Traders/).check();
  await expect(page.getByLabel("Workspace", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Install as", { exact: true })).toBeVisible();

  // Tributary's callback answers this (unknown) state with its own redirect; only Slack's request counts.
  const callback = page.waitForRequest((request) => new URL(request.url()).pathname === "/api/oauth/slack/callback");
  await page.getByRole("button", { name: "Allow" }).click();
  const landed = new URL((await callback).url());
  expect(landed.searchParams.get("state")).toBe("csrf-state-1");
  const code = landed.searchParams.get("code")!;
  // The code is good for exactly what was chosen: an org-wide install by the org owner.
  const exchange = await fetch(`${slack.slackApiUrl}/oauth.v2.access`, {
    method: "POST",
    body: new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: redirectUrl }),
  });
  const granted = (await exchange.json()) as { ok: boolean; is_enterprise_install: boolean; authed_user: { scope: string; access_token: string } };
  expect(granted).toMatchObject({ ok: true, is_enterprise_install: true, authed_user: { scope: "auditlogs:read" } });
  expect(granted.authed_user.access_token).toMatch(/^xoxp-/);
});

test("Cancel redirects back with access_denied", async ({ page, baseURL }) => {
  const redirectUrl = `${baseURL}/api/oauth/slack/callback`;
  const app = await registerApp(redirectUrl);
  const query = new URLSearchParams({ client_id: app.clientId, user_scope: "auditlogs:read", redirect_uri: redirectUrl, state: "csrf-state-2" });
  await page.goto(`${slack.slackOAuthAuthorizeUrl}?${query}`);
  const callback = page.waitForRequest((request) => new URL(request.url()).pathname === "/api/oauth/slack/callback");
  await page.getByRole("button", { name: "Cancel" }).click();
  const landed = new URL((await callback).url());
  expect(landed.searchParams.get("error")).toBe("access_denied");
  expect(landed.searchParams.get("state")).toBe("csrf-state-2");
  expect(landed.searchParams.has("code")).toBe(false);
});
