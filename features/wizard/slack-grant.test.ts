import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import type { AuditContext } from "@/features/audit/schema";
import { readSecret } from "@/features/secrets/data";
import { findSource } from "@/features/sources/data";
import { createSource, saveCredentials, saveSource } from "@/features/sources/mutations";
import { SOURCE_SECRET, sourceSecretAddress, type LogType, type SupportedSlackPlan } from "@/features/sources/schema";
import { claimGrantState, createGrantState } from "@/features/wizard/mutations";
import { checkClientCredentials, completeSlackGrant, discardDraft, rejectGrant, revokeUnusedToken, slackRedirectUri } from "@/features/wizard/slack-grant";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/tokens";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// The grant's state handling and the callback, against real Postgres and the Slack emulator: the
// consent page is answered with the same form post a browser sends, and the code it redirects
// with goes through completeSlackGrant exactly as the route handler passes it.

let slack: RunningEmulator;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "grant-tests", traffic: { isPaused: true }, isEmpty: true });
  // Read on first use by lib/env, which no code in this file has called yet.
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_OAUTH_AUTHORIZE_URL = slack.slackOAuthAuthorizeUrl;
});

afterAll(async () => {
  await slack.stop();
});

async function createAdmin() {
  const email = `grant-${uniqueSuffix()}@example.test`;
  const user = await db.user.create({ data: { email, name: email, role: "ADMIN", passwordHash: "scrypt$placeholder" }, select: { id: true, email: true } });
  const audit: AuditContext & { actor: { id: string } } = { actor: { id: user.id, label: user.email }, ipAddress: "192.0.2.7", requestId: "req-grant" };
  return { ...user, audit };
}

type SlackApp = { clientId: string; clientSecret: string };

async function registerApp(userScopes: string[], redirectUrls = [slackRedirectUri()]): Promise<SlackApp> {
  const response = await fetch(`${slack.controlUrl}/apps`, { method: "POST", body: JSON.stringify({ name: "Tributary test", redirectUrls, userScopes }) });
  return (await response.json()) as SlackApp;
}

/** A source through Configure, Set credentials and Save Source, as the wizard leaves it. */
async function sourceAwaitingGrant(admin: Awaited<ReturnType<typeof createAdmin>>, plan: SupportedSlackPlan, logTypes: LogType[], app: SlackApp) {
  const created = await createSource({ name: `Grant test ${uniqueSuffix()}`, plan, logTypes, backfillMinutes: 1440 }, admin.audit);
  if (!created.ok) throw new Error(created.reason);
  await saveCredentials(created.sourceId, { clientId: app.clientId, clientSecret: app.clientSecret }, admin.audit);
  await saveSource(created.sourceId, admin.audit);
  return created.sourceId;
}

type Consent = { target: "organization" | "workspace"; team?: string; userScope: string; decision?: "allow" | "cancel"; redirectUri?: string };

/** Answers Slack's consent page for this state; returns the query Slack redirects the browser back with. */
async function consent(app: SlackApp, state: string, choice: Consent): Promise<Record<string, string>> {
  const form = new URLSearchParams({
    client_id: app.clientId,
    user_scope: choice.userScope,
    redirect_uri: choice.redirectUri ?? slackRedirectUri(),
    state,
    target: choice.target,
    team: choice.team ?? slack.state.world.workspaces[0]!.id,
    user: "",
    decision: choice.decision ?? "allow",
  });
  const response = await fetch(slack.slackOAuthAuthorizeUrl, { method: "POST", body: form, redirect: "manual" });
  expect(response.status).toBe(302);
  return Object.fromEntries(new URL(response.headers.get("location")!).searchParams);
}

async function startGrant(admin: { id: string }, sourceId: string, clientId: string) {
  return createGrantState({ sourceId, userId: admin.id, clientId, redirectUri: slackRedirectUri() });
}

const liveTokensOf = (clientId: string) => {
  const appId = slack.state.apps.get(clientId)!.appId;
  return [...slack.state.tokens.values()].filter((token) => token.appId === appId && token.revokedAt === null);
};

describe("grant state", () => {
  it("stores only a hash, works once, for its own user, until it expires", async () => {
    const admin = await createAdmin();
    const other = await createAdmin();
    const app = await registerApp(["auditlogs:read"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);

    const state = await startGrant(admin, sourceId, app.clientId);
    expect(state.length).toBeGreaterThanOrEqual(43); // 32 random bytes, base64url
    const rows = await db.oAuthState.findMany({ where: { sourceId }, select: { stateHash: true } });
    expect(rows).toEqual([{ stateHash: hashToken(state) }]);

    expect(await claimGrantState(state, other.id)).toEqual({ ok: false, reason: "state_other_user", sourceId: null });
    expect(await claimGrantState(state, admin.id)).toMatchObject({ ok: true, grant: { sourceId, clientId: app.clientId } });
    expect(await claimGrantState(state, admin.id)).toEqual({ ok: false, reason: "state_used", sourceId });
    expect(await claimGrantState(`${state}x`, admin.id)).toEqual({ ok: false, reason: "state_invalid", sourceId: null });

    const late = await startGrant(admin, sourceId, app.clientId);
    expect(await claimGrantState(late, admin.id, new Date(Date.now() + 601_000))).toEqual({ ok: false, reason: "state_expired", sourceId });
  });

  it("lets only the latest Grant Access of a user finish", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    const first = await startGrant(admin, sourceId, app.clientId);
    const second = await startGrant(admin, sourceId, app.clientId);
    expect(await claimGrantState(first, admin.id)).toMatchObject({ ok: false, reason: "state_used" });
    expect(await claimGrantState(second, admin.id)).toMatchObject({ ok: true });
  });
});

describe("the Slack callback", () => {
  it("stores an org-wide audit-log grant: encrypted token, team and installer, and an audit entry without secrets", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    const state = await startGrant(admin, sourceId, app.clientId);
    const answer = await consent(app, state, { target: "organization", userScope: "auditlogs:read" });

    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: true, sourceId, isSetupStep: true });
    const source = (await findSource(sourceId))!;
    const { enterprise } = slack.state.world;
    expect(source).toMatchObject({ status: "AWAITING_GRANT", isEnterpriseInstall: true, slackEnterpriseId: enterprise.id, slackTeamId: null, grantedScopes: ["auditlogs:read"], grantedClientId: app.clientId, hasAccessToken: true });
    expect(source.installerUserId).toMatch(/^W/);
    const token = (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken)))!;
    expect(token).toMatch(/^xoxp-/);
    const stored = await db.secret.findUniqueOrThrow({ where: { ownerType_ownerId_field: sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken) }, select: { ciphertext: true } });
    expect(stored.ciphertext).not.toContain(token);
    const entries = await db.auditTrail.findMany({ where: { targetId: sourceId }, orderBy: { at: "asc" }, select: { action: true, details: true } });
    expect(entries.map((entry) => entry.action)).toEqual(["source.created", "source.credentials_saved", "source.saved", "source.granted"]);
    expect(JSON.stringify(entries)).not.toContain(token);
    expect(JSON.stringify(entries)).not.toContain(app.clientSecret);

    // Slack's answer cannot be replayed: the state is spent.
    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: false, failure: "state_used", sourceId });
  });

  it("refuses a workspace install for audit logs and revokes the token it will not use", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    const answer = await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "workspace", userScope: "auditlogs:read" });

    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: false, failure: "workspace_install", sourceId });
    expect(liveTokensOf(app.clientId)).toEqual([]);
    expect(await findSource(sourceId)).toMatchObject({ grantedAt: null, hasAccessToken: false });
  });

  it("names the missing scope when the install granted other scopes", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read", "admin"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    // As if the authorize URL had been edited on its way to Slack.
    const answer = await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "organization", userScope: "admin" });
    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: false, failure: "missing_scope", missingScopes: ["auditlogs:read"] });
    expect(liveTokensOf(app.clientId)).toEqual([]);
  });

  it("explains Cancel, a secret regenerated in Slack, a redirect URL that differs, and Slack failing", async () => {
    const admin = await createAdmin();
    const otherRedirect = `${slackRedirectUri()}/elsewhere`;
    const app = await registerApp(["admin"], [slackRedirectUri(), otherRedirect]);
    const sourceId = await sourceAwaitingGrant(admin, "PAID", ["Slack.AccessLogs", "Slack.IntegrationLogs"], app);
    const grant = async (choice: Partial<Consent> = {}) => consent(app, await startGrant(admin, sourceId, app.clientId), { target: "workspace", userScope: "admin", ...choice });

    expect(await completeSlackGrant(await grant({ decision: "cancel" }), admin.audit)).toMatchObject({ ok: false, failure: "access_denied" });
    expect(await completeSlackGrant(await grant({ redirectUri: otherRedirect }), admin.audit)).toMatchObject({ ok: false, failure: "redirect_mismatch", slackError: "bad_redirect_uri" });

    await fetch(`${slack.controlUrl}/faults`, { method: "POST", body: JSON.stringify({ kind: "html_error", clientId: app.clientId, pathPrefix: "/api/oauth.v2.access" }) });
    expect(await completeSlackGrant(await grant(), admin.audit)).toMatchObject({ ok: false, failure: "slack_unreachable" });

    await fetch(`${slack.controlUrl}/apps/${app.clientId}/rotate-secret`, { method: "POST" });
    expect(await completeSlackGrant(await grant(), admin.audit)).toMatchObject({ ok: false, failure: "wrong_secret", slackError: "bad_client_secret" });

    const reasons = await db.auditTrail.findMany({ where: { targetId: sourceId, action: "source.grant_failed" }, orderBy: { at: "asc" }, select: { details: true } });
    expect(reasons.map((entry) => (entry.details as { reason: string }).reason)).toEqual(["access_denied", "redirect_mismatch (bad_redirect_uri)", "slack_unreachable", "wrong_secret (bad_client_secret)"]);
    expect(await findSource(sourceId)).toMatchObject({ grantedAt: null });
  });

  it("refuses an answer whose state nobody issued, or one without a state, before calling Slack", async () => {
    const admin = await createAdmin();
    expect(await completeSlackGrant({ code: "forged", state: "made-up-state-value" }, admin.audit)).toEqual({ ok: false, failure: "state_invalid", sourceId: null });
    expect(await completeSlackGrant({ code: "forged" }, admin.audit)).toEqual({ ok: false, failure: "state_missing", sourceId: null });
  });

  it("refuses the answer when the credentials changed after Grant Access was clicked", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["admin"]);
    const replacement = await registerApp(["admin"]);
    const sourceId = await sourceAwaitingGrant(admin, "PAID", ["Slack.AccessLogs"], app);
    const answer = await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "workspace", userScope: "admin" });
    await saveCredentials(sourceId, { clientId: replacement.clientId, clientSecret: replacement.clientSecret }, admin.audit);
    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: false, failure: "credentials_changed" });
  });

  it("re-grants the same workspace with a new token, and refuses another workspace", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["admin"]);
    const [first, second] = slack.state.world.workspaces;
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AccessLogs", "Slack.IntegrationLogs"], app);
    const grant = async (team: string) => completeSlackGrant(await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "workspace", team, userScope: "admin" }), admin.audit);

    expect(await grant(first!.id)).toMatchObject({ ok: true });
    await db.source.update({ where: { id: sourceId }, data: { status: "ACTIVE" } });
    const tokenBefore = await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken));

    expect(await grant(second!.id)).toMatchObject({ ok: false, failure: "other_slack" });
    expect(await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken))).toBe(tokenBefore);

    expect(await grant(first!.id)).toMatchObject({ ok: true, sourceId, isSetupStep: false, status: "ACTIVE" });
    expect(await findSource(sourceId)).toMatchObject({ status: "ACTIVE", slackTeamId: first!.id });
  });
});

describe("a grant replacing another", () => {
  it("revokes the token of the app it replaces after Rotate credentials to a new app, and keeps the token of a re-grant through the same app", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["admin"]);
    const workspace = slack.state.world.workspaces[0]!.id;
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AccessLogs"], app);
    const grant = async (through: SlackApp) => completeSlackGrant(await consent(through, await startGrant(admin, sourceId, through.clientId), { target: "workspace", team: workspace, userScope: "admin" }), admin.audit);
    expect(await grant(app)).toMatchObject({ ok: true });
    await db.source.update({ where: { id: sourceId }, data: { status: "ACTIVE" } });
    const first = (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken)))!;

    // Through the same app again: whatever token Slack hands back, the first stays alive.
    expect(await grant(app)).toMatchObject({ ok: true });
    expect(slack.state.tokens.get(first)?.revokedAt).toBeNull();
    const current = (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken)))!;

    // Rotate credentials to a new app, then grant through it: the old app's token is of no use to anyone.
    const replacement = await registerApp(["admin"]);
    await saveCredentials(sourceId, { clientId: replacement.clientId, clientSecret: replacement.clientSecret }, admin.audit);
    expect(await grant(replacement)).toMatchObject({ ok: true });
    expect(slack.state.tokens.get(current)?.revokedAt).not.toBeNull();
    expect(liveTokensOf(app.clientId).map((token) => token.value)).not.toContain(current);
    expect(liveTokensOf(replacement.clientId)).toHaveLength(1);
    expect(await db.auditTrail.findMany({ where: { targetId: sourceId, action: "source.token_replaced" }, select: { details: true } })).toEqual([{ details: { token: "revoked" } }]);
  });

  it("hands back the grant it drops when other credentials are saved during setup, for the caller to revoke", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["admin"]);
    const sourceId = await sourceAwaitingGrant(admin, "PAID", ["Slack.AccessLogs"], app);
    const answer = await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "workspace", team: slack.state.world.workspaces.find((workspace) => workspace.plan === "paid")!.id, userScope: "admin" });
    expect(await completeSlackGrant(answer, admin.audit)).toMatchObject({ ok: true });
    const token = (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken)))!;
    const replacement = await registerApp(["admin"]);
    const saved = await saveCredentials(sourceId, { clientId: replacement.clientId, clientSecret: replacement.clientSecret }, admin.audit);
    expect(saved).toEqual({ ok: true, droppedGrant: { token, grantedClientId: app.clientId } });
    expect(await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken))).toBeNull();
    expect(await revokeUnusedToken(token, app.clientId, sourceId)).toBe("revoked");
    expect(slack.state.tokens.get(token)?.revokedAt).not.toBeNull();
  });
});

describe("what a grant must not be", () => {
  const source = { logTypes: ["Slack.AuditLogs" as const], grantedAt: null, isEnterpriseInstall: false, slackEnterpriseId: null, slackTeamId: null };
  const orgGrant = (authedUser: Record<string, unknown>) => ({ ok: true as const, is_enterprise_install: true, enterprise: { id: "E1" }, team: null, authed_user: { id: "W1", scope: "auditlogs:read", access_token: "xoxp-1", ...authedUser } });

  it("refuses a rotating token, which would die after 12 hours without the refresh Tributary does not do", () => {
    expect(rejectGrant(source, orgGrant({}))).toBeNull();
    expect(rejectGrant(source, orgGrant({ access_token: "xoxe.xoxp-1-abc", expires_in: 43_200, refresh_token: "xoxe-1-abc" }))).toEqual({ failure: "token_rotation_enabled" });
    expect(rejectGrant(source, orgGrant({ refresh_token: "xoxe-1-abc" }))).toEqual({ failure: "token_rotation_enabled" });
  });

  it("does not revoke a rejected token when another source holds a grant of the same app", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read", "admin"]);
    const workspace = slack.state.world.workspaces[0]!.id;
    const accessSource = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AccessLogs"], app);
    const granted = await consent(app, await startGrant(admin, accessSource, app.clientId), { target: "workspace", team: workspace, userScope: "admin" });
    expect(await completeSlackGrant(granted, admin.audit)).toMatchObject({ ok: true });

    // The same app for audit logs, installed by mistake on the same workspace by the same person.
    const auditSource = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    const mistaken = await consent(app, await startGrant(admin, auditSource, app.clientId), { target: "workspace", team: workspace, userScope: "auditlogs:read" });
    expect(await completeSlackGrant(mistaken, admin.audit)).toMatchObject({ ok: false, failure: "workspace_install" });
    const accessToken = (await readSecret(sourceSecretAddress(accessSource, SOURCE_SECRET.accessToken)))!;
    expect(slack.state.tokens.get(accessToken)?.revokedAt).toBeNull();
  });
});

describe("discarding an unfinished source", () => {
  it("deletes it with its secrets and revokes the access it was granted, but never an active source", async () => {
    const admin = await createAdmin();
    const app = await registerApp(["auditlogs:read"]);
    const sourceId = await sourceAwaitingGrant(admin, "ENTERPRISE_GRID", ["Slack.AuditLogs"], app);
    expect(await completeSlackGrant(await consent(app, await startGrant(admin, sourceId, app.clientId), { target: "organization", userScope: "auditlogs:read" }), admin.audit)).toMatchObject({ ok: true });
    expect(liveTokensOf(app.clientId)).toHaveLength(1);

    expect(await discardDraft(sourceId, admin.audit)).toEqual({ ok: true, isTokenRevoked: true });
    expect(liveTokensOf(app.clientId)).toEqual([]);
    expect(await findSource(sourceId)).toBeNull();
    expect(await db.secret.count({ where: { ownerType: "source", ownerId: sourceId } })).toBe(0);
    expect(await db.auditTrail.count({ where: { targetId: sourceId, action: "source.discarded" } })).toBe(1);

    const active = await sourceAwaitingGrant(admin, "PAID", ["Slack.AccessLogs"], app);
    await db.source.update({ where: { id: active }, data: { status: "ACTIVE" } });
    expect(await discardDraft(active, admin.audit)).toEqual({ ok: false, reason: "wrong_state" });
    expect(await findSource(active)).not.toBeNull();
  });
});

describe("checking client credentials before the grant", () => {
  it("tells a wrong client ID from a wrong secret, and does not block when Slack is unavailable", async () => {
    const app = await registerApp(["admin"]);
    expect(await checkClientCredentials(app.clientId, app.clientSecret)).toBe("valid");
    expect(await checkClientCredentials("1111111111.2222222222", app.clientSecret)).toBe("wrong_client_id");
    expect(await checkClientCredentials(app.clientId, "0".repeat(32))).toBe("wrong_secret");
    await fetch(`${slack.controlUrl}/faults`, { method: "POST", body: JSON.stringify({ kind: "service_unavailable", clientId: app.clientId }) });
    expect(await checkClientCredentials(app.clientId, app.clientSecret)).toBe("unverified");
  });
});
