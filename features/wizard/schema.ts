import { z } from "zod";
import type { SetupStep } from "@/features/sources/schema";

// The wizard's routes, the OAuth callback's inputs, and every way a grant can fail, each with a
// plain explanation and the fix. Isomorphic: the Verify step renders these from a reason code.

/** Ten minutes, like Slack's authorization codes: enough to read Slack's page, short enough to be useless if leaked. */
export const GRANT_STATE_LIFETIME_SECONDS = 600;

export const SLACK_CALLBACK_PATH = "/api/oauth/slack/callback";

/** Why a source's wizard is open: first setup, or one of the repair paths of an existing source. */
export const WIZARD_MODES = ["setup", "rotate", "regrant"] as const;
export type WizardMode = (typeof WIZARD_MODES)[number];

export function setupStepPath(sourceId: string, step: Exclude<SetupStep, "configure">, mode: WizardMode = "setup"): `/sources/${string}` {
  return `/sources/${sourceId}/setup/${step}${mode === "setup" ? "" : `?mode=${mode}`}`;
}

/** What Slack sends to the callback: a code and the state on Allow, an error and the state otherwise. */
export const callbackQuerySchema = z.object({
  code: z.string().min(1).max(512).optional(),
  state: z.string().min(1).max(512).optional(),
  // Recorded in the audit trail's jsonb details, which refuse U+0000: anyone can edit the URL, so
  // anything that is not an error code like Slack's ("access_denied") is recorded as a placeholder
  // instead of failing the callback.
  error: z
    .string()
    .transform((value) => (value.length <= 100 && /^[\w.-]*$/.test(value) ? value : "unrecognized_error"))
    .optional(),
});

export const GRANT_FAILURES = {
  access_denied: {
    title: "Access was not granted",
    explanation: "Slack reports that the installation was cancelled on its page, so Tributary received no token.",
    fix: "Click Grant Access again and choose Allow on Slack's page.",
  },
  slack_refused: {
    title: "Slack did not complete the installation",
    explanation: "Slack sent the person back with an error instead of an authorization.",
    fix: "Click Grant Access again. If Slack shows the same error, check the app's settings in Slack.",
  },
  state_missing: {
    title: "This link did not come from Grant Access",
    explanation: "Slack's answer had no state, so Tributary cannot tell which grant it belongs to and refused it.",
    fix: "Start again with Grant Access on the source's Verify step.",
  },
  state_invalid: {
    title: "This authorization does not belong to this console",
    explanation: "The state in Slack's answer matches no Grant Access started here. It may have been forged or come from another installation of Tributary, so it was refused and nothing was exchanged.",
    fix: "Start again with Grant Access on the source's Verify step.",
  },
  state_expired: {
    title: "The grant took too long",
    explanation: "More than 10 minutes passed between Grant Access and Slack's answer, so the answer was refused.",
    fix: "Click Grant Access again and finish on Slack's page within 10 minutes.",
  },
  state_used: {
    title: "This authorization was already used",
    explanation: "Slack's answer was already processed, or a newer Grant Access replaced it (a reload, the browser's back button, or a second tab). It was refused so that no code is exchanged twice.",
    fix: "If access is not shown as granted, click Grant Access again.",
  },
  session_expired: {
    title: "Your session ended while you were on Slack's page",
    explanation: "Slack's answer arrived when nobody was signed in here, so Tributary discarded it rather than carry the authorization through the sign-in page.",
    fix: "Click Grant Access again and choose Allow on Slack's page.",
  },
  state_other_user: {
    title: "Another account started this grant",
    explanation: "The Grant Access this answer belongs to was started by a different Tributary user, so it was refused.",
    fix: "Sign in as the person who started it, or click Grant Access yourself.",
  },
  credentials_changed: {
    title: "The credentials changed during the grant",
    explanation: "The source's Client ID was changed after Grant Access was clicked, so Slack's answer belongs to the previous app.",
    fix: "Click Grant Access again to install the app whose credentials are saved now.",
  },
  wrong_client_id: {
    title: "Slack does not know this Client ID",
    explanation: "Slack answered invalid_client_id: no app has the Client ID saved on this source.",
    fix: "Copy the Client ID again from the app's Basic Information page in Slack, then click Rotate credentials.",
  },
  wrong_secret: {
    title: "The Client Secret is wrong",
    explanation: "Slack answered bad_client_secret: the Client Secret saved on this source is not the app's current one. It may have been mistyped, or regenerated in Slack since it was saved.",
    fix: "Copy the Client Secret again from the app's Basic Information page in Slack (not the Signing Secret), save it under Set credentials, then Grant Access again.",
  },
  redirect_mismatch: {
    title: "The Redirect URL does not match",
    explanation: "Slack refused the exchange because the Redirect URL differs from the one the grant started with, or from the app's Redirect URLs.",
    fix: "In the app's OAuth & Permissions page in Slack, add exactly the Redirect URL shown under Set credentials, click Save URLs, then Grant Access again.",
  },
  code_invalid: {
    title: "Slack no longer accepts this authorization",
    explanation: "Slack answered that the authorization code is invalid: it expired, or was already exchanged.",
    fix: "Click Grant Access again.",
  },
  missing_scope: {
    title: "A permission is missing",
    explanation: "The installation did not grant every scope this source needs, so Tributary discarded the token.",
    fix: "In the app's OAuth & Permissions page in Slack, add the missing scope under User Token Scopes, then Grant Access again and choose Allow.",
  },
  workspace_install: {
    title: "Installed on a workspace instead of the organization",
    explanation: "Audit logs are only available to an app installed on the Enterprise Grid organization, but it was installed on a single workspace. Tributary discarded the token.",
    fix: "Click Grant Access again and, on Slack's page, choose to install on the organization (not a workspace). You must be the organization's owner, and the app needs public distribution activated.",
  },
  organization_install: {
    title: "Installed on the organization instead of a workspace",
    explanation: "Access and integration logs are pulled from one workspace, but the app was installed on the whole organization. Tributary discarded the token.",
    fix: "Click Grant Access again and, on Slack's page, choose the one workspace this source should pull.",
  },
  other_slack: {
    title: "Granted for a different Slack",
    explanation: "This source already pulls from another organization or workspace than the one just granted. One source never mixes two Slacks, so Tributary discarded the new token.",
    fix: "Grant access to the same organization or workspace as before, or create a new source for the other one.",
  },
  token_rotation_enabled: {
    title: "The app has token rotation turned on",
    explanation: "Slack issued a token that expires after 12 hours and must be refreshed. Tributary does not refresh tokens, so the source would stop pulling; the token was discarded. Token rotation cannot be turned off for an app once enabled.",
    fix: "Create a new Slack app without token rotation (the app manifest under Set credentials has it off), enter its credentials, then Grant Access again.",
  },
  token_unusable: {
    title: "Slack's new token does not work",
    explanation: "Slack issued a token, but checking it with auth.test failed, so it was not stored.",
    fix: "Click Grant Access again. If this repeats, reinstall the app in Slack.",
  },
  slack_unreachable: {
    title: "Slack could not be reached",
    explanation: "Tributary could not complete the exchange with Slack (no answer, an error page, or a malformed reply). Nothing was stored.",
    fix: "Wait a moment and click Grant Access again. If it keeps failing, check that this server can reach Slack's API.",
  },
  source_unavailable: {
    title: "The source can no longer be granted",
    explanation: "The source was deleted or changed while Slack's page was open.",
    fix: "Open the source from the Sources list and try again.",
  },
  forbidden: {
    title: "Your role cannot connect Slack",
    explanation: "Only admins can grant Tributary access to Slack.",
    fix: "Ask an admin to finish the setup.",
  },
} as const satisfies Record<string, { title: string; explanation: string; fix: string }>;
export type GrantFailure = keyof typeof GRANT_FAILURES;

export const grantFailureSchema = z.enum(Object.keys(GRANT_FAILURES) as [GrantFailure, ...GrantFailure[]]);

const scopeListSchema = z
  .string()
  .max(200)
  .regex(/^[a-z:.,_-]*$/)
  .transform((value) => value.split(",").filter(Boolean));

/** The Verify step's query after a failed grant: the reason and the few facts its message names. */
export const grantOutcomeQuerySchema = z.object({
  error: grantFailureSchema.optional().catch(undefined),
  missing: scopeListSchema.optional().catch(undefined),
  // Slack's own error code, shown verbatim when it is one we have no words for.
  slack: z.string().max(60).regex(/^[a-z_]+$/).optional().catch(undefined),
  mode: z.enum(WIZARD_MODES).optional().catch(undefined),
  granted: z.literal("1").optional().catch(undefined),
});
