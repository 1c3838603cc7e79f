// What Slack's refusals mean for a source, in words an operator can act on, and what the console
// offers to fix each. Isomorphic: the worker decides with it whether a source goes to ERROR, the
// source page and the notification explain with it. Codes are from reference §1.8 and §6; the
// Audit API's exact codes are UNCONFIRMED there, so every plausible spelling is listed.

/** The console's fix for a problem: the page shows it as a button next to the explanation. */
export type SourceFix = "regrant" | "rotate_credentials" | "reinstall_on_org" | "upgrade_plan" | null;

export const SOURCE_FIX_LABELS: Record<Exclude<SourceFix, null>, string> = {
  regrant: "Re-grant access",
  rotate_credentials: "Rotate credentials",
  reinstall_on_org: "Re-grant access on the organization",
  upgrade_plan: "Check the Slack plan",
};

/**
 * - `access`: the token no longer works (revoked, app uninstalled, installer deactivated).
 * - `permissions`: the token works but may not read these logs (scope, token type, install target).
 * - `plan`: the Slack plan has no such logs.
 * Those three put the source in ERROR: retried hourly, never every minute.
 * - `request`: Slack refused a request Tributary built; retried at the next interval.
 * - `unknown`: a code this version does not know; retried at the next interval.
 */
export type SlackProblemKind = "access" | "permissions" | "plan" | "request" | "unknown";

export type ExplainedSlackError = {
  code: string;
  kind: SlackProblemKind;
  /** Whether the source goes to ERROR (retried hourly, its recipients told once). */
  isSourceError: boolean;
  title: string;
  explanation: string;
  fix: SourceFix;
};

type ErrorContext = { logType: string; needed?: string | null; provided?: string | null };

const ACCESS_CODES = new Set(["token_revoked", "invalid_auth", "account_inactive", "not_authed", "token_expired", "invalid_authentication", "no_permission", "team_access_not_granted"]);
const PLAN_CODES = new Set(["paid_only", "feature_not_enabled", "team_not_authorized", "invalid_workspace", "org_login_required"]);
const REQUEST_CODES = new Set(["invalid_cursor", "over_pagination_limit", "invalid_arguments", "invalid_limit", "missing_argument", "invalid_team_id", "invalid_arg_name", "invalid_form_data"]);

const LOG_TYPE_WORDS: Record<string, string> = {
  "Slack.AuditLogs": "audit logs",
  "Slack.AccessLogs": "access logs",
  "Slack.IntegrationLogs": "integration logs",
};

export function explainSlackError(code: string, context: ErrorContext): ExplainedSlackError {
  const logs = LOG_TYPE_WORDS[context.logType] ?? context.logType;
  const isAudit = context.logType === "Slack.AuditLogs";
  const base = { code, isSourceError: true };
  switch (code) {
    case "token_revoked":
      return {
        ...base,
        kind: "access",
        title: "Slack revoked the access token",
        explanation:
          "The Slack app was uninstalled, its access was revoked, or the person who installed it was deactivated (Slack revokes a deactivated member's tokens). Nothing can be pulled until access is granted again, by an active owner or admin.",
        fix: "regrant",
      };
    case "account_inactive":
      return {
        ...base,
        kind: "access",
        title: "The installing account is inactive",
        explanation: "The Slack account that granted access was deactivated or deleted, so its token stopped working. Grant access again as an active owner or admin.",
        fix: "regrant",
      };
    case "token_expired":
      return {
        ...base,
        kind: "access",
        title: "The access token expired",
        explanation: "The Slack app has token rotation turned on, so its tokens expire after 12 hours. Turn token rotation off in the app's settings (OAuth & Permissions), then grant access again.",
        fix: "regrant",
      };
    case "not_allowed_token_type":
      return {
        ...base,
        kind: "permissions",
        title: "Slack does not accept this kind of token here",
        explanation: isAudit
          ? "Audit logs need a user token from an app installed on the whole Enterprise organization, not on one workspace. Grant access again and choose the organization on Slack's install page."
          : `Slack's ${logs} need a user token with the admin scope; a bot token is refused. Grant access again with the app's user scopes.`,
        fix: isAudit ? "reinstall_on_org" : "regrant",
      };
    case "missing_scope": {
      const needed = context.needed ? `the ${context.needed} scope` : "a scope";
      const provided = context.provided ? ` (the token has: ${context.provided})` : context.provided === "" ? " (the token has no scopes)" : "";
      return {
        ...base,
        kind: "permissions",
        title: `The token is missing ${needed}`,
        explanation: `Slack needs ${needed} to serve ${logs}${provided}. Add it under User Token Scopes in the app's OAuth & Permissions page, then grant access again so the new token carries it.`,
        fix: "regrant",
      };
    }
  }
  if (ACCESS_CODES.has(code)) {
    return {
      ...base,
      kind: "access",
      title: "Slack no longer accepts the access token",
      explanation:
        code === "invalid_auth"
          ? "Slack answered invalid_auth: the token is not valid any more, or an IP allow-list in Slack refuses requests from this server. If the allow-list is the cause, Tributary recovers by itself within an hour of it being fixed; otherwise grant access again."
          : `Slack refused the token (${code}). Grant access again as an owner or admin of the workspace or organization.`,
      fix: "regrant",
    };
  }
  if (PLAN_CODES.has(code)) {
    return {
      ...base,
      kind: "plan",
      title: isAudit ? "Audit logs need Enterprise Grid" : "This Slack plan has no access or integration logs",
      explanation: isAudit
        ? `Slack answered ${code}: the Audit Logs API is only available to Enterprise Grid organizations, through an app installed on the organization. If the plan is right, grant access again on the organization.`
        : `Slack answered ${code}: ${logs} are only available on paid plans (Pro, Business+ or Enterprise Grid). Tributary retries hourly and recovers by itself once the workspace is on a paid plan.`,
      fix: isAudit ? "reinstall_on_org" : "upgrade_plan",
    };
  }
  if (REQUEST_CODES.has(code)) {
    return {
      code,
      kind: "request",
      isSourceError: false,
      title: "Slack refused a request",
      explanation: `Slack refused the request for ${logs} with ${code}. Everything stored so far is kept, and the next pull starts a fresh query. If this repeats, it is a bug in Tributary: please report it with this code.`,
      fix: null,
    };
  }
  return {
    code,
    kind: "unknown",
    isSourceError: false,
    title: "Slack refused the request",
    explanation: `Slack answered ${code}, which this version of Tributary does not recognise. Everything stored so far is kept and the pull is tried again at the next interval.`,
    fix: null,
  };
}

/** How a check of the saved client ID and secret failed, when the worker probes them after an auth failure. */
export function explainClientCredentialsError(code: string): { title: string; explanation: string; fix: SourceFix } {
  return {
    title: "Slack rejects the saved client credentials",
    explanation:
      code === "invalid_client_id"
        ? "Slack does not know the saved Client ID: the app was deleted, or the ID was mistyped. Rotate credentials to the app's current Client ID and Secret, then grant access again."
        : "Slack rejects the saved Client Secret: it was probably regenerated in the app's settings. Rotate credentials to the new secret before granting access again, or the grant will fail.",
    fix: "rotate_credentials",
  };
}
