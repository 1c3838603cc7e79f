"use server";

import { z } from "zod";
import { recordAudit } from "@/features/audit/mutations";
import { authorizeAction } from "@/features/auth/session";
import { readSecret } from "@/features/secrets/data";
import { findSource } from "@/features/sources/data";
import { activateSource, createSource, saveCredentials, saveSource, updateSourceConfig, type SourceRefusal } from "@/features/sources/mutations";
import { alarmSettingsSchemaFor, credentialsInputSchema, requiredUserScopes, SOURCE_SECRET, sourceConfigSchema, sourceIdSchema, sourceSecretAddress } from "@/features/sources/schema";
import { createGrantState, deleteStaleGrantStates } from "@/features/wizard/mutations";
import { setupStepPath, WIZARD_MODES } from "@/features/wizard/schema";
import { checkClientCredentials, discardDraft, slackAuthorizeUrl, slackRedirectUri } from "@/features/wizard/slack-grant";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { getEnv } from "@/lib/env";
import { schedulePullsNow } from "@/lib/queue/producer";
import { webLogger } from "@/lib/web-logger";

// The wizard's writes: authenticate → parse → authorize → mutate → enqueue. Every step is an admin
// action (sources:manage); the browser only ever learns whether a secret is saved, never its value.

const REFUSALS: Record<SourceRefusal, string> = {
  not_found: "This source no longer exists. Open the Sources list and start again.",
  name_taken: "Another source already has this name. Choose a different one.",
  wrong_state: "This step no longer applies to the source: it has moved on. Reload the page.",
  secret_missing: "Enter the Client Secret.",
};

function refusal(reason: SourceRefusal) {
  const fieldErrors: Record<string, string> | undefined =
    reason === "name_taken" ? { name: REFUSALS.name_taken } : reason === "secret_missing" ? { clientSecret: REFUSALS.secret_missing } : undefined;
  return { ok: false as const, error: actionError(reason, REFUSALS[reason], fieldErrors) };
}

type NextStep = { next: string };

const sourceStepSchema = z.object({ sourceId: sourceIdSchema, mode: z.enum(WIZARD_MODES).default("setup") });

export async function createSourceAction(input: unknown): Promise<ActionResult<NextStep & { sourceId: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = sourceConfigSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await createSource(parsed.data, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  return actionSuccess({ sourceId: result.sourceId, next: setupStepPath(result.sourceId, "credentials") });
}

export async function updateSourceConfigAction(input: unknown): Promise<ActionResult<NextStep>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const target = sourceStepSchema.safeParse(input);
  if (!target.success) return { ok: false, error: invalidInput(target.error) };
  const config = sourceConfigSchema.safeParse(input);
  if (!config.success) return { ok: false, error: invalidInput(config.error) };
  const { sourceId } = target.data;
  const result = await updateSourceConfig(sourceId, config.data, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  return actionSuccess({ next: setupStepPath(sourceId, "credentials") });
}

const CREDENTIAL_REFUSALS = {
  wrong_client_id: { clientId: "Slack does not know this Client ID. Copy it again from Basic Information → App Credentials." },
  wrong_secret: { clientSecret: "Slack says this Client Secret does not belong to this Client ID. Copy the Client Secret (not the Signing Secret) again." },
};

/**
 * "Continue Setup" on Set Credentials: checks the pair with Slack when it can, then stores the
 * secret encrypted. Slack being unreachable does not block the wizard (the grant will tell); a
 * definite "wrong" from Slack does, with the field to fix.
 */
export async function saveCredentialsAction(input: unknown): Promise<ActionResult<{ isVerified: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = credentialsInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const { sourceId, clientId, clientSecret } = parsed.data;
  const source = await findSource(sourceId);
  if (!source) return refusal("not_found");
  const secretToCheck = clientSecret || (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret)));
  if (!secretToCheck) return refusal("secret_missing");
  const check = await checkClientCredentials(clientId, secretToCheck);
  if (check === "wrong_client_id" || check === "wrong_secret") {
    const fieldErrors = CREDENTIAL_REFUSALS[check];
    return { ok: false, error: actionError(check, Object.values(fieldErrors)[0]!, fieldErrors) };
  }
  const result = await saveCredentials(sourceId, { clientId, clientSecret: clientSecret || null }, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  return actionSuccess({ isVerified: check === "valid" });
}

/** "Save Source": the source waits for access to be granted (or, when rotating, for the re-grant). */
export async function saveSourceAction(input: unknown): Promise<ActionResult<NextStep>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = sourceStepSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await saveSource(parsed.data.sourceId, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  return actionSuccess({ next: setupStepPath(parsed.data.sourceId, "verify", parsed.data.mode === "setup" ? "setup" : "rotate") });
}

/** "Grant Access": a fresh single-use state, then the browser goes to Slack's authorize page. */
export async function startGrantAction(input: unknown): Promise<ActionResult<{ url: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = sourceStepSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const source = await findSource(parsed.data.sourceId);
  if (!source) return refusal("not_found");
  if (!source.clientId || !source.hasClientSecret || !source.credentialsSavedAt) {
    return { ok: false, error: actionError("credentials_missing", "Save the app's Client ID and Client Secret first (Set credentials).") };
  }
  await deleteStaleGrantStates();
  const state = await createGrantState({ sourceId: source.id, userId: authorization.user.id, clientId: source.clientId, redirectUri: slackRedirectUri() });
  const userScopes = requiredUserScopes(source.logTypes);
  await recordAudit(authorization.audit, { action: "source.grant_started", target: { type: "source", id: source.id, label: source.name }, details: { clientId: source.clientId, userScopes } });
  const team = source.grantedAt ? (source.isEnterpriseInstall ? source.slackEnterpriseId : source.slackTeamId) : null;
  return actionSuccess({ url: slackAuthorizeUrl({ clientId: source.clientId, userScopes, state, team }) });
}

/** "Finish Setup": alarm settings saved, the source active, its pulls scheduled and the first one queued. */
export async function finishSetupAction(input: unknown): Promise<ActionResult<{ isScheduled: boolean; next: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = alarmSettingsSchemaFor(getEnv().ALARM_MIN_THRESHOLD_MINUTES).safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const { sourceId, ...alarm } = parsed.data;
  const result = await activateSource(sourceId, alarm, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  const targets = result.logTypes.map((logType) => ({ sourceId, logType }));
  // Postgres already says ACTIVE; if Redis is away, the worker's reconciliation schedules the pulls.
  const isScheduled = await schedulePullsNow(targets, String(Date.now()));
  if (!isScheduled) webLogger.warn({ event: "pull_schedule_deferred", sourceId }, "could not reach Redis; pulls will be scheduled by the worker's reconciliation");
  return actionSuccess({ isScheduled, next: `/sources/${sourceId}?activated=${isScheduled ? "1" : "deferred"}` });
}

/** "Discard draft": an unfinished source, its saved credentials and any access it was granted, gone. */
export async function discardDraftAction(input: unknown): Promise<ActionResult<{ next: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = z.object({ sourceId: sourceIdSchema }).safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await discardDraft(parsed.data.sourceId, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  return actionSuccess({ next: "/sources" });
}
