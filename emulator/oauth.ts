import { createHash, randomBytes } from "node:crypto";
import { checkToken } from "@/emulator/auth";
import { escapeHtml, html, json, parameter, redirect, webApiError, type Reply, type RequestContext } from "@/emulator/http";
import type { App, AuthorizationCode, EmulatorState, Token } from "@/emulator/state";
import { findUser, findWorkspace, ownerOf, usersOfEnterprise, usersOfTeam, type Role, type User, type World } from "@/emulator/world";

// OAuth v2 (the consent page and oauth.v2.access), auth.test and auth.revoke (reference §4).
// registerApp, rotateAppSecret and mintToken also serve the control API.

const idChars = (length: number) => randomBytes(length).toString("hex").toUpperCase().slice(0, length);

/** A 13-digit number, as in Slack's tokens and codes. */
const randomNumber = () => String((BigInt(`0x${randomBytes(5).toString("hex")}`) % 9_000_000_000_000n) + 1_000_000_000_000n);

export type AppRegistration = { name: string; redirectUrls: string[]; userScopes: string[]; botScopes: string[]; isDistributed?: boolean };

/** Client IDs look like Slack's: `<team-ish number>.<number>`; secrets are 32 hex characters. */
export function registerApp(state: EmulatorState, input: AppRegistration): App {
  const app: App = {
    appId: `A0${idChars(9)}`,
    clientId: `${randomNumber()}.${randomNumber()}`,
    clientSecret: randomBytes(16).toString("hex"),
    name: input.name,
    redirectUrls: input.redirectUrls,
    userScopes: input.userScopes,
    botScopes: input.botScopes,
    isDistributed: input.isDistributed ?? true,
    uninstalledAt: null,
  };
  state.apps.set(app.clientId, app);
  return app;
}

export function rotateAppSecret(state: EmulatorState, clientId: string): App | null {
  const app = state.apps.get(clientId);
  if (!app) return null;
  app.clientSecret = randomBytes(16).toString("hex");
  return app;
}

/** A token as an install would grant it: `xoxp-<team>-<user>-<random>-<secret>` (`xoxb-` for a bot). */
export function mintToken(state: EmulatorState, input: Omit<Token, "value" | "createdAt" | "revokedAt">): Token {
  const prefix = input.kind === "user" ? "xoxp" : "xoxb";
  const token: Token = { ...input, value: `${prefix}-${randomNumber()}-${randomNumber()}-${randomNumber()}-${randomBytes(16).toString("hex")}`, createdAt: state.now(), revokedAt: null };
  state.tokens.set(token.value, token);
  return token;
}

// ---------------------------------------------------------------------------------------------
// The consent page: GET /oauth/v2/authorize renders it, POST /oauth/v2/authorize is its form.

/** Plain descriptions, after Slack's wording, for the scopes Tributary asks for; others show their name only. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  "auditlogs:read": "View events from all workspaces, channels and users (Enterprise Grid only)",
  admin: "Administer a workspace",
  "team:read": "View the name, email domain, and icon for workspaces a user is connected to",
  "users:read": "View people in a workspace",
  "users:read.email": "View email addresses of people in a workspace",
  "channels:read": "View basic information about public channels in a workspace",
  "chat:write": "Send messages on a user's behalf",
  commands: "Add shortcuts and/or slash commands that people can use",
  "incoming-webhook": "Post messages to specific channels in Slack",
  "identity.basic": "View information about a user's identity",
};

/** Seconds an authorization code stays exchangeable. Slack's "ten minutes" is UNCONFIRMED (reference §4.1). */
export const CODE_LIFETIME_SECONDS = 600;

const INSTALLER_ROLES: ReadonlySet<Role> = new Set(["primary_owner", "owner", "admin"]);

type AuthorizeRequest = {
  app: App;
  /** Where the answer goes: the redirect_uri sent, or the app's first Redirect URL when none was. */
  redirectUri: string;
  /** As sent; oauth.v2.access must repeat it only when one was sent. */
  sentRedirectUri: string | null;
  userScopes: string[];
  botScopes: string[];
  state: string | null;
  team: string | null;
};

type Target = { kind: "organization"; enterpriseId: string } | { kind: "workspace"; teamId: string };

function splitScopes(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(/[\s,]+/).filter(Boolean))];
}

/** Slack accepts the Redirect URL itself or a path below it on the same origin. */
function isRegisteredRedirect(app: App, uri: string): boolean {
  let candidate: URL;
  try {
    candidate = new URL(uri);
  } catch {
    return false;
  }
  return app.redirectUrls.some((registered) => {
    try {
      const base = new URL(registered);
      if (base.origin !== candidate.origin) return false;
      const basePath = base.pathname.replace(/\/$/, "");
      return candidate.pathname === base.pathname || candidate.pathname === basePath || candidate.pathname.startsWith(`${basePath}/`);
    } catch {
      return false;
    }
  });
}

const PAGE_STYLE =
  "<style>body{font-family:system-ui,sans-serif;background:#f8f8f8;color:#1d1c1d;margin:0}main{max-width:38rem;margin:3rem auto;background:#fff;padding:2rem;border-radius:8px;box-shadow:0 1px 3px #0002}" +
  "fieldset{border:1px solid #ddd;border-radius:6px;margin:1rem 0}label{display:block;margin:.4rem 0}select{margin:.2rem 0 .6rem;padding:.3rem}.actions{display:flex;gap:.75rem;justify-content:flex-end;margin-top:1.5rem}" +
  "button{padding:.6rem 1.4rem;border-radius:4px;border:1px solid #bbb;background:#fff;font-size:1rem}button[value=allow]{background:#007a5a;color:#fff;border-color:#007a5a}</style>";

function errorPage(title: string, message: string, status: number): Reply {
  return html(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Slack</title>${PAGE_STYLE}</head>` +
      `<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></main></body></html>`,
    status,
  );
}

/** The query (GET) or the hidden fields (POST), checked the same way both times: never trust a form. */
function parseAuthorizeRequest(context: RequestContext): { ok: true; request: AuthorizeRequest } | { ok: false; reply: Reply } {
  const clientId = parameter(context, "client_id") ?? "";
  const app = context.state.apps.get(clientId);
  if (!app) return { ok: false, reply: errorPage("Invalid client_id parameter", `No app has the client ID "${clientId}".`, 400) };
  const sentRedirectUri = parameter(context, "redirect_uri") || null;
  // Slack shows an error page here instead of redirecting: an unregistered URL is not trusted with the answer.
  if (sentRedirectUri !== null && !isRegisteredRedirect(app, sentRedirectUri)) {
    return { ok: false, reply: errorPage("Something went wrong when authorizing this app", `redirect_uri did not match any configured URIs. Passed URI: ${sentRedirectUri}`, 400) };
  }
  const userScopes = splitScopes(parameter(context, "user_scope"));
  const botScopes = splitScopes(parameter(context, "scope"));
  if (userScopes.length === 0 && botScopes.length === 0) {
    return { ok: false, reply: errorPage("Invalid permissions requested", "The request names no permissions: both scope and user_scope are empty.", 400) };
  }
  const unconfigured = [...userScopes.filter((scope) => !app.userScopes.includes(scope)), ...botScopes.filter((scope) => !app.botScopes.includes(scope))];
  if (unconfigured.length > 0) {
    return { ok: false, reply: errorPage("Invalid permissions requested", `${app.name} asked for permissions it has not configured: ${unconfigured.join(", ")}.`, 400) };
  }
  return {
    ok: true,
    request: { app, redirectUri: sentRedirectUri ?? app.redirectUrls[0]!, sentRedirectUri, userScopes, botScopes, state: parameter(context, "state") ?? null, team: parameter(context, "team") || null },
  };
}

/** Who may install: admins and owners of the workspace (on the grid also the org's owner), or of the org. */
function installersOf(world: World, target: Target): User[] {
  const members = target.kind === "organization" ? usersOfEnterprise(world) : [ownerOf(world, { teamId: target.teamId }), ...usersOfTeam(world, target.teamId)];
  return [...new Map(members.filter((user) => INSTALLER_ROLES.has(user.role) && !user.isDeactivated).map((user) => [user.id, user])).values()];
}

const ROLE_LABELS: Record<Role, string> = { primary_owner: "Primary Owner", owner: "Owner", admin: "Admin", user: "Member", guest: "Guest" };

function defaultTarget(world: World, request: AuthorizeRequest): Target {
  if (request.team === world.enterprise.id) return { kind: "organization", enterpriseId: world.enterprise.id };
  if (request.team && findWorkspace(world, request.team)) return { kind: "workspace", teamId: request.team };
  // auditlogs:read is only of use on the organization (reference §1.1); everything else defaults to a workspace.
  return request.userScopes.includes("auditlogs:read") ? { kind: "organization", enterpriseId: world.enterprise.id } : { kind: "workspace", teamId: world.workspaces[0]!.id };
}

function scopeList(scopes: string[]): string {
  return `<ul>${scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code>${SCOPE_DESCRIPTIONS[scope] ? `: ${escapeHtml(SCOPE_DESCRIPTIONS[scope])}` : ""}</li>`).join("")}</ul>`;
}

function renderConsentPage(world: World, request: AuthorizeRequest): Reply {
  const { app } = request;
  const target = defaultTarget(world, request);
  const selectedTeam = target.kind === "workspace" ? target.teamId : world.workspaces[0]!.id;
  const hidden = (name: string, value: string | null) => (value === null ? "" : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`);
  const planLabel = (plan: string) => (plan === "enterprise" ? "Enterprise Grid" : plan === "paid" ? "paid plan" : "free plan");
  const workspaceOptions = world.workspaces
    .map((workspace) => `<option value="${escapeHtml(workspace.id)}"${workspace.id === selectedTeam ? " selected" : ""}>${escapeHtml(workspace.name)} (${escapeHtml(workspace.domain)}.slack.com, ${planLabel(workspace.plan)})</option>`)
    .join("");
  const installerGroup = (label: string, users: User[]) =>
    `<optgroup label="${escapeHtml(label)}">${users.map((user) => `<option value="${escapeHtml(user.id)}">${escapeHtml(user.realName)} (@${escapeHtml(user.name)}, ${ROLE_LABELS[user.role]})</option>`).join("")}</optgroup>`;
  const installerOptions = [
    installerGroup(`${world.enterprise.name} (organization)`, installersOf(world, { kind: "organization", enterpriseId: world.enterprise.id })),
    ...world.workspaces.map((workspace) => installerGroup(workspace.name, installersOf(world, { kind: "workspace", teamId: workspace.id }))),
  ].join("");
  const permissions = [
    request.userScopes.length ? `<h3>On your behalf (user permissions)</h3>${scopeList(request.userScopes)}` : "",
    request.botScopes.length ? `<h3>As an app (bot permissions)</h3>${scopeList(request.botScopes)}` : "",
  ].join("");
  const body =
    `<main><h1>${escapeHtml(app.name)} is requesting permission to access Slack</h1>` +
    `<form method="post" action="/oauth/v2/authorize">` +
    hidden("client_id", app.clientId) +
    hidden("scope", request.botScopes.join(",")) +
    hidden("user_scope", request.userScopes.join(",")) +
    hidden("redirect_uri", request.sentRedirectUri) +
    hidden("state", request.state) +
    `<fieldset><legend>Where should ${escapeHtml(app.name)} be installed?</legend>` +
    `<label><input type="radio" name="target" value="organization"${target.kind === "organization" ? " checked" : ""}> The organization ${escapeHtml(world.enterprise.name)} (all of its workspaces)</label>` +
    `<label><input type="radio" name="target" value="workspace"${target.kind === "workspace" ? " checked" : ""}> One workspace</label>` +
    `<label for="team">Workspace</label><select id="team" name="team">${workspaceOptions}</select></fieldset>` +
    `<label for="user">Install as</label><select id="user" name="user"><option value="" selected>The owner of the chosen organization or workspace</option>${installerOptions}</select>` +
    `<section><h2>What will ${escapeHtml(app.name)} be able to view and do?</h2>${permissions}</section>` +
    `<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button><button type="submit" name="decision" value="allow">Allow</button></div>` +
    `</form></main>`;
  return html(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Install ${escapeHtml(app.name)} | Slack</title>${PAGE_STYLE}</head><body>${body}</body></html>`);
}

function withQuery(base: string, fields: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(fields)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

export function handleAuthorizePage(context: RequestContext): Reply {
  const parsed = parseAuthorizeRequest(context);
  return parsed.ok ? renderConsentPage(context.state.world, parsed.request) : parsed.reply;
}

export function handleAuthorizeDecision(context: RequestContext): Reply {
  const parsed = parseAuthorizeRequest(context);
  if (!parsed.ok) return parsed.reply;
  const { request } = parsed;
  const { world } = context.state;
  const decision = context.body.get("decision");
  if (decision === "cancel") return redirect(withQuery(request.redirectUri, { error: "access_denied", state: request.state }));
  if (decision !== "allow") return errorPage("Something went wrong when authorizing this app", "Choose Allow or Cancel.", 400);

  const teamId = context.body.get("team") ?? "";
  const workspace = findWorkspace(world, teamId);
  const target: Target | null = context.body.get("target") === "organization" ? { kind: "organization", enterpriseId: world.enterprise.id } : workspace ? { kind: "workspace", teamId: workspace.id } : null;
  if (!target) return errorPage("Something went wrong when authorizing this app", "Choose the organization or a workspace to install to.", 400);
  const targetName = target.kind === "organization" ? `the ${world.enterprise.name} organization` : workspace!.name;
  if (target.kind === "organization" && !request.app.isDistributed) {
    return errorPage("This app can't be installed on an organization", `${request.app.name} is not distributed: activate public distribution to install it on ${targetName}.`, 403);
  }

  const chosenUserId = context.body.get("user") || (target.kind === "organization" ? ownerOf(world, { enterpriseId: target.enterpriseId }) : ownerOf(world, { teamId: target.teamId })).id;
  const installer = findUser(world, chosenUserId);
  if (!installer || installer.isDeactivated) return errorPage("Something went wrong when authorizing this app", `No active user ${chosenUserId} can sign in to ${targetName}.`, 403);
  // Audit logs need the org owner's token (reference §1.1): nobody else may install on the organization.
  if (target.kind === "organization" && installer.role !== "primary_owner") {
    return errorPage("You can't install this app on the organization", `Only the Primary Owner of ${world.enterprise.name} can install ${request.app.name} on the organization; ${installer.realName} is ${ROLE_LABELS[installer.role]}.`, 403);
  }
  if (!installersOf(world, target).some((user) => user.id === installer.id)) {
    return errorPage("You can't install this app on this workspace", `Only admins and owners of ${targetName} can install ${request.app.name}; ${installer.realName} is not one of them.`, 403);
  }

  const now = context.state.now();
  const code: AuthorizationCode = {
    code: `${randomNumber()}.${randomNumber()}.${randomBytes(32).toString("hex")}`,
    clientId: request.app.clientId,
    redirectUri: request.sentRedirectUri,
    userId: installer.id,
    teamId: target.kind === "workspace" ? target.teamId : null,
    enterpriseId: target.kind === "organization" ? target.enterpriseId : (workspace?.enterpriseId ?? null),
    isEnterpriseInstall: target.kind === "organization",
    userScopes: request.userScopes,
    botScopes: request.botScopes,
    expiresAt: now + CODE_LIFETIME_SECONDS,
    usedAt: null,
  };
  context.state.codes.set(code.code, code);
  return redirect(withQuery(request.redirectUri, { code: code.code, state: request.state }));
}

// ---------------------------------------------------------------------------------------------
// oauth.v2.access, auth.test, auth.revoke.

/** HTTP Basic (what Slack recommends) or client_id/client_secret fields (what @slack/web-api sends). */
export function clientCredentials(context: RequestContext): { clientId: string; clientSecret: string } {
  const header = context.headers.authorization;
  if (header?.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice("Basic ".length).trim(), "base64").toString("utf8");
    const separator = decoded.indexOf(":");
    const decode = (value: string) => {
      try {
        return decodeURIComponent(value.replace(/\+/g, " "));
      } catch {
        return value;
      }
    };
    if (separator >= 0) return { clientId: decode(decoded.slice(0, separator)), clientSecret: decode(decoded.slice(separator + 1)) };
  }
  return { clientId: parameter(context, "client_id") ?? "", clientSecret: parameter(context, "client_secret") ?? "" };
}

/** The same app on the same workspace (or org) always has the same bot user, as on Slack. */
function botIdentity(appId: string, installedOn: string) {
  const digest = (label: string) => createHash("sha256").update(`${label}:${appId}:${installedOn}`).digest("hex").toUpperCase();
  return { botUserId: `U0${digest("bot-user").slice(0, 9)}`, botId: `B0${digest("bot").slice(0, 9)}` };
}

function appOf(state: EmulatorState, appId: string): App | undefined {
  return [...state.apps.values()].find((app) => app.appId === appId);
}

export function handleOAuthV2Access(context: RequestContext): Reply {
  const { state } = context;
  const { clientId, clientSecret } = clientCredentials(context);
  const app = state.apps.get(clientId);
  if (!app) return webApiError("invalid_client_id");
  if (clientSecret !== app.clientSecret) return webApiError("bad_client_secret");
  const grantType = parameter(context, "grant_type") || "authorization_code";
  // Token rotation is not emulated: no refresh token was ever issued, so none is valid.
  if (grantType === "refresh_token") return webApiError("invalid_refresh_token");
  if (grantType !== "authorization_code") return webApiError("invalid_grant_type");

  const code = state.codes.get(parameter(context, "code") ?? "");
  const now = state.now();
  if (!code || code.clientId !== app.clientId || code.usedAt !== null || now >= code.expiresAt) return webApiError("invalid_code");
  if (code.redirectUri !== null && parameter(context, "redirect_uri") !== code.redirectUri) return webApiError("bad_redirect_uri");
  code.usedAt = now;

  // Installing again after an uninstall: the old tokens stay dead, the new ones work.
  if (app.uninstalledAt !== null) {
    for (const token of state.tokens.values()) if (token.appId === app.appId && token.revokedAt === null) token.revokedAt = app.uninstalledAt;
    app.uninstalledAt = null;
  }

  const { world } = state;
  const workspace = code.teamId ? findWorkspace(world, code.teamId) : undefined;
  const grant = { appId: app.appId, teamId: code.teamId, enterpriseId: code.enterpriseId, isEnterpriseInstall: code.isEnterpriseInstall };
  const enterprise = code.enterpriseId ? { id: world.enterprise.id, name: world.enterprise.name } : null;
  const userToken = code.userScopes.length ? mintToken(state, { ...grant, kind: "user", userId: code.userId, installerId: code.userId, scopes: code.userScopes }) : null;
  const authedUser = userToken ? { id: code.userId, scope: userToken.scopes.join(","), access_token: userToken.value, token_type: "user" } : { id: code.userId };
  if (!code.botScopes.length) {
    // The user-token-only example in the reference names the team by ID alone [O1].
    return json({ ok: true, app_id: app.appId, authed_user: authedUser, team: workspace ? { id: workspace.id } : null, enterprise, is_enterprise_install: code.isEnterpriseInstall });
  }
  const { botUserId } = botIdentity(app.appId, code.teamId ?? code.enterpriseId!);
  const botToken = mintToken(state, { ...grant, kind: "bot", userId: botUserId, installerId: code.userId, scopes: code.botScopes });
  return json({
    ok: true,
    access_token: botToken.value,
    token_type: "bot",
    scope: botToken.scopes.join(","),
    bot_user_id: botUserId,
    app_id: app.appId,
    team: workspace ? { name: workspace.name, id: workspace.id } : null,
    enterprise,
    authed_user: authedUser,
    is_enterprise_install: code.isEnterpriseInstall,
  });
}

export function handleAuthTest(context: RequestContext): Reply {
  const check = checkToken(context);
  if (!check.ok) return webApiError(check.error);
  const { token } = check;
  const { world } = context.state;
  const workspace = token.teamId ? findWorkspace(world, token.teamId) : undefined;
  const app = appOf(context.state, token.appId)!;
  const isBot = token.kind === "bot";
  const botName = app.name.toLowerCase().replace(/[^a-z0-9._-]+/g, "_");
  return json({
    ok: true,
    url: workspace ? `https://${workspace.domain}.slack.com/` : `https://${world.enterprise.domain}.enterprise.slack.com/`,
    team: workspace ? workspace.name : world.enterprise.name,
    user: isBot ? botName : (findUser(world, token.userId)?.name ?? null),
    // For an org-wide install team_id is the enterprise ID (reference §4.4, java-slack-sdk AuditClientImpl).
    team_id: workspace ? workspace.id : token.enterpriseId,
    user_id: token.userId,
    ...(isBot ? { bot_id: botIdentity(token.appId, token.teamId ?? token.enterpriseId!).botId } : {}),
    ...(token.enterpriseId ? { enterprise_id: token.enterpriseId } : {}),
    is_enterprise_install: token.isEnterpriseInstall,
    ...(isBot ? { app_id: app.appId, app_name: app.name } : {}),
  });
}

export function handleAuthRevoke(context: RequestContext): Reply {
  const check = checkToken(context);
  if (!check.ok) return webApiError(check.error);
  // test=1 is "testing mode where the specified token will not actually be revoked" (reference §4.5).
  const isTest = ["1", "true"].includes((parameter(context, "test") ?? "").toLowerCase());
  if (isTest) return json({ ok: true, revoked: false });
  // Without token rotation, revoking "usually revokes the whole authorization" (reference §4.5):
  // every token that install granted (the user token and its bot token) stops working.
  const presented = check.token;
  for (const token of context.state.tokens.values()) {
    const isSameInstall = token.appId === presented.appId && token.teamId === presented.teamId && token.enterpriseId === presented.enterpriseId;
    if (isSameInstall && (token.userId === presented.userId || token.kind === "bot")) token.revokedAt ??= context.state.now();
  }
  return json({ ok: true, revoked: true });
}
