import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { readSecret } from "@/features/secrets/data";
import { findSource, isAppGrantedToAnotherSource, type SourceDetails } from "@/features/sources/data";
import { discardDraftSource, recordGrant, recordGrantFailure, type ReplacedGrant, type SlackGrant, type SourceChangeResult } from "@/features/sources/mutations";
import { installTargetOf, requiredUserScopes, SOURCE_SECRET, sourceSecretAddress, type LogType, type TokenRevocation } from "@/features/sources/schema";
import { claimGrantState } from "@/features/wizard/mutations";
import { callbackQuerySchema, SLACK_CALLBACK_PATH, type GrantFailure } from "@/features/wizard/schema";
import { getEnv } from "@/lib/env";
import { authRevokeSchema, authTestSchema, callSlackMethod, oauthV2AccessSchema, splitScopes, type OAuthV2Access, type SlackCallResult } from "@/lib/slack/web-api";
import { webLogger } from "@/lib/web-logger";

// Slack's side of the wizard: the authorize URL, the callback's exchange and checks, and a probe of
// client credentials. Nothing secret (client secret, code, token) is ever logged or returned.

export function slackRedirectUri(): string {
  return `${getEnv().PUBLIC_URL}${SLACK_CALLBACK_PATH}`;
}

export function slackAuthorizeUrl(input: { clientId: string; userScopes: string[]; state: string; team?: string | null }): string {
  const url = new URL(getEnv().SLACK_OAUTH_AUTHORIZE_URL);
  url.searchParams.set("client_id", input.clientId);
  // auditlogs:read and admin are user scopes (reference §4.1): they go in user_scope, and no bot is installed.
  url.searchParams.set("user_scope", input.userScopes.join(","));
  url.searchParams.set("redirect_uri", slackRedirectUri());
  url.searchParams.set("state", input.state);
  // A re-grant pre-selects the organization or workspace the source already pulls from.
  if (input.team) url.searchParams.set("team", input.team);
  return url.toString();
}

export type CredentialCheck = "valid" | "wrong_client_id" | "wrong_secret" | "unverified";

/**
 * Asks Slack whether a client ID and secret belong together, before anyone leaves for Slack's page:
 * oauth.v2.access with a code that cannot exist. Slack checks the client first (invalid_client_id,
 * then bad_client_secret) and only then the code (invalid_code), so any other answer means the pair
 * is right. That order is what Slack's SDKs and the emulator show but is not documented
 * (UNCONFIRMED), which is why only the two definite answers stop the wizard.
 */
export async function checkClientCredentials(clientId: string, clientSecret: string): Promise<CredentialCheck> {
  const result = await callSlackMethod(getEnv().SLACK_API_URL, "oauth.v2.access", {
    auth: { kind: "basic", clientId, clientSecret },
    params: { code: "tributary-credential-check", redirect_uri: slackRedirectUri() },
    schema: oauthV2AccessSchema,
    timeoutMs: 8_000,
  });
  if (result.ok) return "valid";
  if (result.kind !== "slack_error") return "unverified";
  if (result.error === "invalid_client_id") return "wrong_client_id";
  if (result.error === "bad_client_secret") return "wrong_secret";
  // Only a complaint about the code itself shows that the client ID and secret were accepted.
  return result.error === "invalid_code" ? "valid" : "unverified";
}

export type GrantResult =
  | { ok: true; sourceId: string; isSetupStep: boolean; logTypes: LogType[]; status: string }
  | { ok: false; failure: GrantFailure; sourceId: string | null; missingScopes?: string[]; slackError?: string };

const EXCHANGE_FAILURES: Record<string, GrantFailure> = {
  invalid_client_id: "wrong_client_id",
  bad_client_secret: "wrong_secret",
  bad_redirect_uri: "redirect_mismatch",
  oauth_authorization_url_mismatch: "redirect_mismatch",
  invalid_code: "code_invalid",
  code_already_used: "code_invalid",
  code_expired: "code_invalid",
};

function exchangeFailure(result: Exclude<SlackCallResult<unknown>, { ok: true }>): { failure: GrantFailure; slackError?: string } {
  if (result.kind !== "slack_error") return { failure: "slack_unreachable" };
  return { failure: EXCHANGE_FAILURES[result.error] ?? "slack_refused", slackError: result.error };
}

/** Which Slack an install belongs to: the organization for org installs, else the workspace. */
function installIdentity(install: { isEnterpriseInstall: boolean; enterpriseId: string | null; teamId: string | null }): string {
  return install.isEnterpriseInstall ? `org:${install.enterpriseId}` : `team:${install.teamId}`;
}

/**
 * A token Tributary will not use should not stay alive in Slack; revokes it and says whether it did.
 * Except when it may be a token in use: Slack can hand the same user the same token again, and
 * revoking "usually revokes the whole authorization" (reference §4.5). So never for a re-grant of
 * the install the source already pulls, nor when another source holds a grant of the same app.
 */
async function discardToken(source: SourceDetails, access: OAuthV2Access, token: string): Promise<boolean> {
  const stored = installIdentity({ isEnterpriseInstall: source.isEnterpriseInstall, enterpriseId: source.slackEnterpriseId, teamId: source.slackTeamId });
  const isSameInstall = source.grantedAt !== null && stored === installIdentity({ isEnterpriseInstall: access.is_enterprise_install, enterpriseId: access.enterprise?.id ?? null, teamId: access.team?.id ?? null });
  if (isSameInstall || (await isAppGrantedToAnotherSource(source.clientId, source.id))) return false;
  return revokeToken(token);
}

/** Slack's answers that mean the token already does not work: as good as revoked. */
const DEAD_TOKEN_ERRORS = new Set(["token_revoked", "invalid_auth", "account_inactive", "token_expired"]);

async function revokeToken(token: string): Promise<boolean> {
  const result = await callSlackMethod(getEnv().SLACK_API_URL, "auth.revoke", { auth: { kind: "bearer", token }, schema: authRevokeSchema, timeoutMs: 8_000 });
  return result.ok || (result.kind === "slack_error" && DEAD_TOKEN_ERRORS.has(result.error));
}

/**
 * Revokes a token no source will use again: that of a source just deleted (a discarded draft, a
 * source deleted from its settings, read before the delete) or one a grant through another app
 * replaced. Not when another source holds a grant of the same app: Slack can hand the same user the
 * same token again, so revoking may cut that source off as well.
 */
export async function revokeUnusedToken(token: string | null, grantedClientId: string | null, sourceId: string): Promise<TokenRevocation> {
  if (token === null) return "none";
  if (await isAppGrantedToAnotherSource(grantedClientId, sourceId)) return "shared";
  return (await revokeToken(token)) ? "revoked" : "failed";
}

/**
 * Revokes a token a change took out of use (a grant through another app, other credentials saved
 * during setup), and records whether a live one was left in Slack: that is for the audit trail.
 */
export async function revokeReplacedToken(replaced: ReplacedGrant, source: { id: string; name: string }, audit: AuditContext): Promise<TokenRevocation> {
  const outcome = await revokeUnusedToken(replaced.token, replaced.grantedClientId, source.id);
  await recordAudit(audit, { action: "source.token_replaced", target: { type: "source", id: source.id, label: source.name }, details: { token: outcome } });
  return outcome;
}

type Rejection = { failure: GrantFailure; missingScopes?: string[] };

/** The checks a fresh token must pass before it may replace anything: scopes, no expiry, install target, same Slack. */
export function rejectGrant(source: Pick<SourceDetails, "logTypes" | "grantedAt" | "isEnterpriseInstall" | "slackEnterpriseId" | "slackTeamId">, access: OAuthV2Access): Rejection | null {
  const granted = splitScopes(access.authed_user.scope);
  const user = access.authed_user;
  // A rotating token dies after 12 hours without its refresh token, which Tributary does not use.
  if (user.refresh_token || user.expires_in !== undefined || user.access_token?.startsWith("xoxe.")) return { failure: "token_rotation_enabled" };
  const missing = requiredUserScopes(source.logTypes).filter((scope) => !granted.includes(scope));
  if (!access.authed_user.access_token || missing.length > 0) return { failure: "missing_scope", missingScopes: missing.length ? missing : requiredUserScopes(source.logTypes) };
  const wantsOrganization = installTargetOf(source.logTypes) === "organization";
  if (wantsOrganization && !access.is_enterprise_install) return { failure: "workspace_install" };
  if (!wantsOrganization && access.is_enterprise_install) return { failure: "organization_install" };
  if (source.grantedAt) {
    const before = installIdentity({ isEnterpriseInstall: source.isEnterpriseInstall, enterpriseId: source.slackEnterpriseId, teamId: source.slackTeamId });
    const now = installIdentity({ isEnterpriseInstall: access.is_enterprise_install, enterpriseId: access.enterprise?.id ?? null, teamId: access.team?.id ?? null });
    if (before !== now) return { failure: "other_slack" };
  }
  return null;
}

/**
 * The OAuth callback: the state first (CSRF, expiry, single use, same user), then the exchange
 * (client secret by HTTP Basic, as Slack recommends), then the checks, auth.test, and the store.
 * Every failure is a reason code the Verify step explains; every outcome goes to the audit trail.
 */
export async function completeSlackGrant(query: Record<string, string | undefined>, audit: AuditContext & { actor: { id: string } }): Promise<GrantResult> {
  const logger = webLogger.child({ requestId: audit.requestId ?? undefined });
  const parsed = callbackQuerySchema.safeParse(query);
  const input = parsed.success ? parsed.data : {};
  if (!input.state) return { ok: false, failure: "state_missing", sourceId: null };

  const claim = await claimGrantState(input.state, audit.actor.id);
  if (!claim.ok) {
    const source = claim.sourceId ? await findSource(claim.sourceId) : null;
    await recordGrantFailure(source, claim.reason, audit);
    logger.warn({ event: "slack_grant_refused", reason: claim.reason, sourceId: claim.sourceId }, "Slack callback refused");
    return { ok: false, failure: claim.reason, sourceId: source?.id ?? null };
  }
  const { grant } = claim;
  const source = await findSource(grant.sourceId);
  if (!source || source.status === "DRAFT") return { ok: false, failure: "source_unavailable", sourceId: source?.id ?? null };
  const fail = async (failure: GrantFailure, extra: { missingScopes?: string[]; slackError?: string; revoked?: boolean } = {}): Promise<GrantResult> => {
    await recordGrantFailure(source, extra.slackError ? `${failure} (${extra.slackError})` : failure, audit);
    logger.warn({ event: "slack_grant_failed", reason: failure, slackError: extra.slackError, sourceId: source.id, revoked: extra.revoked }, "Slack grant failed");
    return { ok: false, failure, sourceId: source.id, ...(extra.missingScopes ? { missingScopes: extra.missingScopes } : {}), ...(extra.slackError ? { slackError: extra.slackError } : {}) };
  };

  if (input.error) return fail(input.error === "access_denied" ? "access_denied" : "slack_refused", input.error === "access_denied" ? {} : { slackError: input.error });
  if (!input.code) return fail("slack_refused", { slackError: "no_code" });
  if (source.clientId !== grant.clientId) return fail("credentials_changed");
  const clientSecret = await readSecret(sourceSecretAddress(source.id, SOURCE_SECRET.clientSecret));
  if (!source.clientId || !clientSecret) return fail("source_unavailable");

  const exchange = await callSlackMethod(getEnv().SLACK_API_URL, "oauth.v2.access", {
    auth: { kind: "basic", clientId: source.clientId, clientSecret },
    params: { code: input.code, redirect_uri: grant.redirectUri },
    schema: oauthV2AccessSchema,
  });
  if (!exchange.ok) {
    const { failure, slackError } = exchangeFailure(exchange);
    return fail(failure, slackError ? { slackError } : {});
  }
  const access = exchange.data;
  const token = access.authed_user.access_token;

  const rejection = rejectGrant(source, access);
  if (rejection) {
    const revoked = token ? await discardToken(source, access, token) : false;
    return fail(rejection.failure, { ...(rejection.missingScopes ? { missingScopes: rejection.missingScopes } : {}), revoked });
  }

  const check = await callSlackMethod(getEnv().SLACK_API_URL, "auth.test", { auth: { kind: "bearer", token: token! }, schema: authTestSchema });
  if (!check.ok) return fail(check.kind === "slack_error" ? "token_unusable" : "slack_unreachable", check.kind === "slack_error" ? { slackError: check.error } : {});

  const stored = await recordGrant(
    source.id,
    {
      validatedLogTypes: source.logTypes,
      clientId: source.clientId,
      accessToken: token!,
      scopes: splitScopes(access.authed_user.scope),
      teamId: access.team?.id ?? (access.is_enterprise_install ? null : check.data.team_id),
      teamName: access.is_enterprise_install ? null : (access.team?.name ?? check.data.team ?? null),
      enterpriseId: access.enterprise?.id ?? check.data.enterprise_id ?? null,
      enterpriseName: access.enterprise?.name ?? (access.is_enterprise_install ? (check.data.team ?? null) : null),
      isEnterpriseInstall: access.is_enterprise_install,
      slackUrl: check.data.url ?? null,
      installerUserId: access.authed_user.id,
      installerName: check.data.user ?? null,
    },
    audit,
  );
  if (!stored.ok) {
    // The source changed while Slack answered: this token was checked against what it was before.
    return fail("source_unavailable", { revoked: await discardToken(source, access, token!) });
  }
  // A grant through another app (Rotate credentials to a new app) took the old app's token out of use.
  if (stored.replacedGrant) await revokeReplacedToken(stored.replacedGrant, source, audit);
  logger.info({ event: "slack_granted", sourceId: source.id }, "Slack access granted");
  return { ok: true, sourceId: source.id, isSetupStep: source.status === "AWAITING_GRANT", logTypes: source.logTypes, status: stored.status };
}

/**
 * Discards an unfinished source. A token it was already granted is revoked in Slack afterwards,
 * unless another source holds a grant of the same app (which that token may belong to as well).
 */
export async function discardDraft(sourceId: string, audit: AuditContext): Promise<SourceChangeResult<{ isTokenRevoked: boolean }>> {
  const token = await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken));
  const result = await discardDraftSource(sourceId, audit);
  if (!result.ok) return result;
  return { ok: true, isTokenRevoked: (await revokeUnusedToken(token, result.grantedClientId, sourceId)) === "revoked" };
}

export type TokenInspection = { ok: true; grant: Omit<SlackGrant, "validatedLogTypes" | "clientId"> } | { ok: false; reason: string };

/**
 * Checks a user token obtained outside the wizard (`tributary sources add-slack`) with auth.test:
 * that Slack accepts it, does not rotate it, and that it is installed where these log types need
 * it. auth.test does not list scopes; a missing one shows on the first pull as `missing_scope`.
 */
export async function inspectUserToken(token: string, logTypes: readonly LogType[]): Promise<TokenInspection> {
  if (token.startsWith("xoxe.")) return { ok: false, reason: "this is a rotating token, which expires after 12 hours; turn token rotation off for the app and install it again" };
  if (!token.startsWith("xoxp-")) return { ok: false, reason: "expected a user token (xoxp-…): Slack's log APIs refuse bot and app tokens" };
  const check = await callSlackMethod(getEnv().SLACK_API_URL, "auth.test", { auth: { kind: "bearer", token }, schema: authTestSchema });
  if (!check.ok) {
    if (check.kind === "slack_error") return { ok: false, reason: `Slack refused the token (${check.error})` };
    if (check.kind === "ratelimited") return { ok: false, reason: `Slack is rate limiting auth.test; try again in ${check.retryAfterSeconds} s` };
    return { ok: false, reason: `Slack did not answer (${check.detail})` };
  }
  const identity = check.data;
  const isEnterpriseInstall = identity.is_enterprise_install === true;
  const wantsOrganization = installTargetOf([...logTypes]) === "organization";
  if (wantsOrganization && !isEnterpriseInstall) return { ok: false, reason: "audit logs need the app installed on the Enterprise organization, and this token is from a workspace install" };
  if (!wantsOrganization && isEnterpriseInstall) return { ok: false, reason: "access and integration logs need the app installed on one workspace, and this token is from an organization install" };
  return {
    ok: true,
    grant: {
      accessToken: token,
      scopes: [],
      teamId: isEnterpriseInstall ? null : identity.team_id,
      teamName: isEnterpriseInstall ? null : (identity.team ?? null),
      enterpriseId: isEnterpriseInstall ? identity.team_id : (identity.enterprise_id ?? null),
      enterpriseName: isEnterpriseInstall ? (identity.team ?? null) : null,
      isEnterpriseInstall,
      slackUrl: identity.url ?? null,
      installerUserId: identity.user_id,
      installerName: identity.user ?? null,
    },
  };
}
