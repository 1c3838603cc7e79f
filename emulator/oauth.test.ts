import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CODE_LIFETIME_SECONDS } from "@/emulator/oauth";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { systemNow } from "@/emulator/state";

// The install flow as Tributary's wizard drives it: the consent page in a browser (plain fetch
// here), the code exchanged with Slack's own SDK, and the token checked and revoked with it.

type RegisteredApp = { appId: string; clientId: string; clientSecret: string; name: string };
type WorldInfo = {
  enterprise: { id: string; name: string; domain: string; owner: string };
  workspaces: { id: string; name: string; domain: string; plan: string; enterpriseId: string | null; owner: string }[];
};

const REDIRECT_URL = "https://tributary.example.test/api/sources/slack/callback";

let emulator: RunningEmulator;
let world: WorldInfo;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: "t", traffic: { isPaused: true } });
  world = (await (await fetch(emulator.controlUrl)).json()) as WorldInfo;
});

afterAll(async () => {
  await emulator.stop();
});

afterEach(() => {
  emulator.state.now = systemNow;
});

const slack = (token?: string) => new WebClient(token, { slackApiUrl: `${emulator.slackApiUrl}/`, retryConfig: { retries: 0 } });
const workspaceNamed = (name: string) => world.workspaces.find((workspace) => workspace.name === name)!;

async function registerApp(input: { name?: string; userScopes?: string[]; botScopes?: string[]; isDistributed?: boolean } = {}): Promise<RegisteredApp> {
  const response = await fetch(`${emulator.controlUrl}/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: input.name ?? "Tributary", redirectUrls: [REDIRECT_URL], userScopes: input.userScopes ?? ["auditlogs:read"], botScopes: input.botScopes ?? [], isDistributed: input.isDistributed }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as RegisteredApp;
}

function authorizeParams(app: RegisteredApp, extra: Record<string, string> = {}) {
  return { client_id: app.clientId, user_scope: "auditlogs:read", redirect_uri: REDIRECT_URL, state: "state-123", ...extra };
}

async function consentPage(params: Record<string, string>) {
  const response = await fetch(`${emulator.slackOAuthAuthorizeUrl}?${new URLSearchParams(params)}`);
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", html: await response.text() };
}

/** Submits the consent form as a browser would: the hidden fields plus the visible choices. */
async function decide(params: Record<string, string>, choices: Record<string, string>) {
  const response = await fetch(emulator.slackOAuthAuthorizeUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...params, ...choices }),
    redirect: "manual",
  });
  const location = response.headers.get("location");
  return { status: response.status, location: location ? new URL(location) : null, html: await response.text() };
}

async function authorize(app: RegisteredApp, params: Record<string, string>, choices: Record<string, string>): Promise<string> {
  const { status, location } = await decide(authorizeParams(app, params), choices);
  expect(status).toBe(302);
  expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT_URL);
  expect(location!.searchParams.get("state")).toBe(params.state ?? "state-123");
  return location!.searchParams.get("code")!;
}

const installOnOrganization = (app: RegisteredApp) => authorize(app, {}, { decision: "allow", target: "organization", user: "" });

async function platformError(call: Promise<unknown>): Promise<string> {
  const error = (await call.then(
    () => null,
    (failure: unknown) => failure,
  )) as { data?: { ok: boolean; error: string } } | null;
  expect(error?.data?.ok).toBe(false);
  return error!.data!.error;
}

async function accessWithBasic(app: RegisteredApp, fields: Record<string, string>, secret = app.clientSecret) {
  const response = await fetch(`${emulator.slackApiUrl}/oauth.v2.access`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("consent page", () => {
  it("shows the app, its permissions, the organization and every workspace, the installer and Allow/Cancel", async () => {
    const app = await registerApp({ name: "Tributary Audit" });
    const page = await consentPage(authorizeParams(app));
    expect(page.status).toBe(200);
    expect(page.contentType).toContain("text/html");
    expect(page.html).toContain("Tributary Audit is requesting permission");
    expect(page.html).toContain("auditlogs:read");
    expect(page.html).toContain("View events from all workspaces, channels and users (Enterprise Grid only)");
    expect(page.html).toMatch(/<input type="radio" name="target" value="organization" checked>/);
    expect(page.html).toContain(`The organization ${world.enterprise.name}`);
    expect(page.html).toContain("One workspace");
    for (const workspace of world.workspaces) expect(page.html).toContain(workspace.name);
    expect(page.html).toContain('<label for="team">Workspace</label>');
    expect(page.html).toContain('<label for="user">Install as</label>');
    expect(page.html).toContain("The owner of the chosen organization or workspace");
    expect(page.html).toContain(`value="${world.enterprise.owner}"`);
    expect(page.html).toMatch(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
    expect(page.html).toMatch(/<button type="submit" name="decision" value="cancel">Cancel<\/button>/);
    expect(page.html).toContain(`<input type="hidden" name="state" value="state-123">`);
  });

  it("preselects the workspace named by `team` and lists bot permissions apart from user ones", async () => {
    const app = await registerApp({ userScopes: ["admin"], botScopes: ["chat:write"] });
    const globex = workspaceNamed("Globex");
    const page = await consentPage(authorizeParams(app, { user_scope: "admin", scope: "chat:write", team: globex.id }));
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<input type="radio" name="target" value="workspace" checked>/);
    expect(page.html).toContain(`<option value="${globex.id}" selected>Globex`);
    expect(page.html).toContain("On your behalf (user permissions)");
    expect(page.html).toContain("Administer a workspace");
    expect(page.html).toContain("As an app (bot permissions)");
    expect(page.html).toContain("<code>chat:write</code>");
  });

  it("escapes everything it echoes, starting with a hostile app name", async () => {
    const app = await registerApp({ name: "<script>alert(1)</script>" });
    const page = await consentPage(authorizeParams(app, { state: '"><img src=x onerror=alert(2)>' }));
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("<script>");
    expect(page.html).not.toContain("<img");
    expect(page.html).toContain("&#60;script&#62;alert(1)&#60;/script&#62; is requesting permission");
    expect(page.html).toContain('value="&#34;&#62;&#60;img src=x onerror=alert(2)&#62;"');
  });

  it("shows an error page, and never redirects, for an unknown client, an unregistered redirect_uri or no scopes", async () => {
    const app = await registerApp();
    const unknown = await consentPage(authorizeParams(app, { client_id: "1234567890123.1234567890123" }));
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("Invalid client_id parameter");

    const elsewhere = await consentPage(authorizeParams(app, { redirect_uri: "https://attacker.example/callback" }));
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.html).toContain("redirect_uri did not match any configured URIs. Passed URI: https://attacker.example/callback");
    const decided = await decide(authorizeParams(app, { redirect_uri: "https://attacker.example/callback" }), { decision: "allow", target: "organization" });
    expect(decided.status).toBe(400);
    expect(decided.location).toBeNull();

    const noScopes = await consentPage(authorizeParams(app, { user_scope: "" }));
    expect(noScopes.status).toBe(400);
    expect(noScopes.html).toContain("Invalid permissions requested");

    const unconfigured = await consentPage(authorizeParams(app, { user_scope: "auditlogs:read,admin" }));
    expect(unconfigured.status).toBe(400);
    expect(unconfigured.html).toContain("permissions it has not configured: admin");
  });

  it("accepts a redirect_uri below a registered Redirect URL, and uses the first one when none is sent", async () => {
    const app = await registerApp();
    const below = await decide(authorizeParams(app, { redirect_uri: `${REDIRECT_URL}/org` }), { decision: "allow", target: "organization" });
    expect(below.location?.toString()).toMatch(new RegExp(`^${REDIRECT_URL}/org\\?code=`));
    const { redirect_uri: _omitted, ...withoutRedirect } = authorizeParams(app);
    const first = await decide(withoutRedirect, { decision: "allow", target: "organization" });
    expect(`${first.location!.origin}${first.location!.pathname}`).toBe(REDIRECT_URL);
    // No redirect_uri was sent to authorize, so oauth.v2.access need not repeat one.
    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code: first.location!.searchParams.get("code")! });
    expect(access.ok).toBe(true);
  });

  it("redirects with error=access_denied and the state on Cancel", async () => {
    const app = await registerApp();
    const { status, location } = await decide(authorizeParams(app), { decision: "cancel", target: "organization" });
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(REDIRECT_URL);
    expect(Object.fromEntries(location!.searchParams)).toEqual({ error: "access_denied", state: "state-123" });
  });

  it("refuses an organization install by anyone but the org's primary owner", async () => {
    const app = await registerApp();
    const admin = emulator.state.world.users.find((user) => user.enterpriseId === world.enterprise.id && user.role === "admin")!;
    const refused = await decide(authorizeParams(app), { decision: "allow", target: "organization", user: admin.id });
    expect(refused.status).toBe(403);
    expect(refused.location).toBeNull();
    expect(refused.html).toContain(`Only the Primary Owner of ${world.enterprise.name} can install`);
    expect([...emulator.state.codes.values()].some((code) => code.userId === admin.id)).toBe(false);
  });

  it("refuses a workspace install by a member who is not an admin or owner there", async () => {
    const app = await registerApp({ userScopes: ["admin"] });
    const globex = workspaceNamed("Globex");
    const member = emulator.state.world.users.find((user) => user.teamId === globex.id && user.role === "user")!;
    const refused = await decide(authorizeParams(app, { user_scope: "admin" }), { decision: "allow", target: "workspace", team: globex.id, user: member.id });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("Only admins and owners of Globex can install");
    const outsider = await decide(authorizeParams(app, { user_scope: "admin" }), { decision: "allow", target: "workspace", team: globex.id, user: world.enterprise.owner });
    expect(outsider.status).toBe(403);
  });

  it("refuses an organization install of an app without public distribution", async () => {
    const app = await registerApp({ isDistributed: false });
    const refused = await decide(authorizeParams(app), { decision: "allow", target: "organization" });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("activate public distribution");
  });
});

describe("organization install (audit logs)", () => {
  it("grants the org owner an org-wide user token that auth.test describes as the enterprise, until revoked", async () => {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    expect(code).toMatch(/^\d{13}\.\d{13}\.[0-9a-f]{64}$/);

    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL });
    const userToken = access.authed_user!.access_token!;
    expect(userToken).toMatch(/^xoxp-\d+-\d+-\d+-[0-9a-f]{32}$/);
    expect(access).toEqual({
      ok: true,
      app_id: app.appId,
      authed_user: { id: world.enterprise.owner, scope: "auditlogs:read", access_token: userToken, token_type: "user" },
      team: null,
      enterprise: { id: world.enterprise.id, name: world.enterprise.name },
      is_enterprise_install: true,
      response_metadata: expect.anything() as unknown,
    });
    expect(access).not.toHaveProperty("access_token");

    const owner = emulator.state.world.users.find((user) => user.id === world.enterprise.owner)!;
    const identity = await slack(userToken).auth.test();
    expect(identity).toMatchObject({
      ok: true,
      url: `https://${world.enterprise.domain}.enterprise.slack.com/`,
      team: world.enterprise.name,
      user: owner.name,
      team_id: world.enterprise.id,
      user_id: owner.id,
      enterprise_id: world.enterprise.id,
      is_enterprise_install: true,
    });
    expect(identity).not.toHaveProperty("bot_id");

    expect(await slack(userToken).auth.revoke()).toMatchObject({ ok: true, revoked: true });
    expect(await platformError(slack(userToken).auth.test())).toBe("token_revoked");
    expect(await platformError(slack(userToken).auth.revoke())).toBe("token_revoked");
  });
});

describe("workspace install (access and integration logs)", () => {
  it("grants an admin scope token on the paid workspace, with client credentials sent by HTTP Basic", async () => {
    const app = await registerApp({ userScopes: ["admin"] });
    const globex = workspaceNamed("Globex");
    const code = await authorize(app, { user_scope: "admin" }, { decision: "allow", target: "workspace", team: globex.id, user: "" });
    const { status, body } = await accessWithBasic(app, { code, redirect_uri: REDIRECT_URL });
    expect(status).toBe(200);
    const userToken = (body.authed_user as { access_token: string }).access_token;
    expect(body).toEqual({
      ok: true,
      app_id: app.appId,
      authed_user: { id: globex.owner, scope: "admin", access_token: userToken, token_type: "user" },
      team: { id: globex.id },
      enterprise: null,
      is_enterprise_install: false,
    });

    const identity = await slack(userToken).auth.test();
    expect(identity).toMatchObject({ ok: true, url: `https://${globex.domain}.slack.com/`, team: "Globex", team_id: globex.id, user_id: globex.owner, is_enterprise_install: false });
    expect(identity).not.toHaveProperty("enterprise_id");
  });

  it("installs on a grid workspace as a chosen admin, names the org, and mints a bot token when bot scopes are asked for", async () => {
    const app = await registerApp({ userScopes: ["admin"], botScopes: ["chat:write", "commands"] });
    const sales = workspaceNamed("Northwind Sales");
    const admin = emulator.state.world.users.find((user) => user.teamId === sales.id && user.role === "admin")!;
    const code = await authorize(app, { user_scope: "admin", scope: "chat:write,commands" }, { decision: "allow", target: "workspace", team: sales.id, user: admin.id });
    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL });
    expect(access).toMatchObject({
      ok: true,
      token_type: "bot",
      scope: "chat:write,commands",
      app_id: app.appId,
      team: { id: sales.id, name: sales.name },
      enterprise: { id: world.enterprise.id, name: world.enterprise.name },
      authed_user: { id: admin.id, scope: "admin", token_type: "user" },
      is_enterprise_install: false,
    });
    expect(access.access_token).toMatch(/^xoxb-/);
    expect(access.bot_user_id).toMatch(/^U0[A-Z0-9]{9}$/);

    const userIdentity = await slack(access.authed_user!.access_token).auth.test();
    expect(userIdentity).toMatchObject({ team_id: sales.id, user_id: admin.id, user: admin.name, enterprise_id: world.enterprise.id, is_enterprise_install: false });
    const botIdentity = await slack(access.access_token).auth.test();
    expect(botIdentity).toMatchObject({ ok: true, team_id: sales.id, user_id: access.bot_user_id, app_id: app.appId, app_name: app.name, enterprise_id: world.enterprise.id });
    expect(botIdentity.bot_id).toMatch(/^B0[A-Z0-9]{9}$/);
  });
});

describe("oauth.v2.access errors", () => {
  it("rejects an unknown client ID and a wrong secret, by form fields or HTTP Basic, with HTTP 200", async () => {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    expect(await platformError(slack().oauth.v2.access({ client_id: "1111111111111.2222222222222", client_secret: app.clientSecret, code }))).toBe("invalid_client_id");
    expect(await platformError(slack().oauth.v2.access({ client_id: app.clientId, client_secret: "0".repeat(32), code }))).toBe("bad_client_secret");
    expect(await accessWithBasic(app, { code, redirect_uri: REDIRECT_URL }, "wrong")).toEqual({ status: 200, body: { ok: false, error: "bad_client_secret" } });
    const noCredentials = await fetch(`${emulator.slackApiUrl}/oauth.v2.access`, { method: "POST", body: new URLSearchParams({ code }) });
    expect(await noCredentials.json()).toEqual({ ok: false, error: "invalid_client_id" });
    // None of the failures spent the code.
    expect((await accessWithBasic(app, { code, redirect_uri: REDIRECT_URL })).body.ok).toBe(true);
  });

  it("rejects a secret that was rotated away", async () => {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    await fetch(`${emulator.controlUrl}/apps/${app.clientId}/rotate-secret`, { method: "POST" });
    expect(await platformError(slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL }))).toBe("bad_client_secret");
  });

  it("requires the redirect_uri sent to authorize", async () => {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    const credentials = { client_id: app.clientId, client_secret: app.clientSecret, code };
    expect(await platformError(slack().oauth.v2.access({ ...credentials, redirect_uri: "https://tributary.example.test/other" }))).toBe("bad_redirect_uri");
    expect(await platformError(slack().oauth.v2.access(credentials))).toBe("bad_redirect_uri");
  });

  it("answers invalid_code for a missing, unknown, reused, expired or other app's code", async () => {
    const app = await registerApp();
    const credentials = { client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT_URL };
    expect(await platformError(slack().oauth.v2.access(credentials))).toBe("invalid_code");
    expect(await platformError(slack().oauth.v2.access({ ...credentials, code: "1234.5678.abcdef" }))).toBe("invalid_code");

    const code = await installOnOrganization(app);
    expect((await slack().oauth.v2.access({ ...credentials, code })).ok).toBe(true);
    expect(await platformError(slack().oauth.v2.access({ ...credentials, code }))).toBe("invalid_code");

    const stale = await installOnOrganization(app);
    emulator.state.now = () => systemNow() + CODE_LIFETIME_SECONDS + 1;
    expect(await platformError(slack().oauth.v2.access({ ...credentials, code: stale }))).toBe("invalid_code");
    emulator.state.now = () => systemNow() + CODE_LIFETIME_SECONDS - 5;
    expect((await slack().oauth.v2.access({ ...credentials, code: stale })).ok).toBe(true);

    const other = await registerApp();
    const othersCode = await installOnOrganization(other);
    expect(await platformError(slack().oauth.v2.access({ ...credentials, code: othersCode }))).toBe("invalid_code");
  });

  it("answers invalid_grant_type for an unknown grant and invalid_refresh_token for a refresh (rotation is not emulated)", async () => {
    const app = await registerApp();
    const credentials = { client_id: app.clientId, client_secret: app.clientSecret };
    expect(await platformError(slack().oauth.v2.access({ ...credentials, grant_type: "refresh_token", refresh_token: "xoxe-1-abc" }))).toBe("invalid_refresh_token");
    const unknownGrant = await accessWithBasic(app, { grant_type: "client_credentials" });
    expect(unknownGrant).toEqual({ status: 200, body: { ok: false, error: "invalid_grant_type" } });
  });

  it("accepts GET as well as POST", async () => {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    const response = await fetch(`${emulator.slackApiUrl}/oauth.v2.access?${new URLSearchParams({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL })}`);
    expect(await response.json()).toMatchObject({ ok: true, is_enterprise_install: true });
  });
});

describe("auth.test and auth.revoke", () => {
  async function orgToken() {
    const app = await registerApp();
    const code = await installOnOrganization(app);
    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL });
    return access.authed_user!.access_token!;
  }

  it("answers not_authed without a token and invalid_auth for an unknown one", async () => {
    expect(await platformError(slack().auth.test())).toBe("not_authed");
    expect(await platformError(slack("xoxp-1-2-3-nope").auth.test())).toBe("invalid_auth");
    expect(await platformError(slack().auth.revoke())).toBe("not_authed");
    // A token in the query string does not count (reference §0).
    const token = await orgToken();
    const queryOnly = await fetch(`${emulator.slackApiUrl}/auth.test?token=${token}`, { method: "POST" });
    expect(await queryOnly.json()).toEqual({ ok: false, error: "not_authed" });
  });

  it("accepts the token as a form field and GET for auth.test", async () => {
    const token = await orgToken();
    const form = await fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST", body: new URLSearchParams({ token }) });
    expect(await form.json()).toMatchObject({ ok: true, team_id: world.enterprise.id });
    const get = await fetch(`${emulator.slackApiUrl}/auth.test`, { headers: { authorization: `Bearer ${token}` } });
    expect(await get.json()).toMatchObject({ ok: true, team_id: world.enterprise.id });
  });

  it("revokes the whole authorization: the user token and the install's bot token", async () => {
    const app = await registerApp({ userScopes: ["admin"], botScopes: ["chat:write"] });
    const globex = workspaceNamed("Globex");
    const code = await authorize(app, { user_scope: "admin", scope: "chat:write" }, { decision: "allow", target: "workspace", team: globex.id, user: "" });
    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL });
    expect(await slack(access.authed_user!.access_token!).auth.revoke()).toMatchObject({ ok: true, revoked: true });
    expect(await platformError(slack(access.access_token!).auth.test())).toBe("token_revoked");
  });

  it("does not revoke in testing mode", async () => {
    const token = await orgToken();
    expect(await slack(token).auth.revoke({ test: true })).toMatchObject({ ok: true, revoked: false });
    const viaGet = await fetch(`${emulator.slackApiUrl}/auth.revoke?test=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(await viaGet.json()).toEqual({ ok: true, revoked: false });
    expect((await slack(token).auth.test()).ok).toBe(true);
    const revoked = await fetch(`${emulator.slackApiUrl}/auth.revoke`, { headers: { authorization: `Bearer ${token}` } });
    expect(await revoked.json()).toEqual({ ok: true, revoked: true });
    expect(await platformError(slack(token).auth.test())).toBe("token_revoked");
  });

  it("revokes a deactivated installer's user token for good, and answers account_inactive for the install's bot token", async () => {
    const app = await registerApp({ userScopes: ["admin"], botScopes: ["chat:write"] });
    const free = workspaceNamed("Initech Hobby Club");
    const code = await authorize(app, { user_scope: "admin", scope: "chat:write" }, { decision: "allow", target: "workspace", team: free.id, user: "" });
    const access = await slack().oauth.v2.access({ client_id: app.clientId, client_secret: app.clientSecret, code, redirect_uri: REDIRECT_URL });
    const userToken = access.authed_user!.access_token!;
    const botToken = access.access_token!;
    await fetch(`${emulator.controlUrl}/users/${free.owner}/deactivate`, { method: "POST" });
    try {
      expect(await platformError(slack(userToken).auth.test())).toBe("token_revoked");
      expect(await platformError(slack(botToken).auth.test())).toBe("account_inactive");
    } finally {
      await fetch(`${emulator.controlUrl}/users/${free.owner}/reactivate`, { method: "POST" });
    }
    expect(await platformError(slack(userToken).auth.test())).toBe("token_revoked");
  });

  it("keeps tokens from before an uninstall dead after the app is installed again", async () => {
    const app = await registerApp();
    const credentials = { client_id: app.clientId, client_secret: app.clientSecret, redirect_uri: REDIRECT_URL };
    const before = (await slack().oauth.v2.access({ ...credentials, code: await installOnOrganization(app) })).authed_user!.access_token!;
    await fetch(`${emulator.controlUrl}/apps/${app.clientId}/uninstall`, { method: "POST" });
    expect(await platformError(slack(before).auth.test())).toBe("token_revoked");
    const after = (await slack().oauth.v2.access({ ...credentials, code: await installOnOrganization(app) })).authed_user!.access_token!;
    expect((await slack(after).auth.test()).ok).toBe(true);
    expect(await platformError(slack(before).auth.test())).toBe("token_revoked");
  });
});
