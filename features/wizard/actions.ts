"use server";

import { z } from "zod";
import { authorizeAction } from "@/features/auth/session";
import { createSource, saveSource, updateSourceConfig, type SourceRefusal } from "@/features/sources/mutations";
import { alarmSettingsSchemaFor, credentialsInputSchema, sourceConfigSchema, sourceIdSchema } from "@/features/sources/schema";
import { setupStepPath, WIZARD_MODES } from "@/features/wizard/schema";
import { discardDraft } from "@/features/wizard/slack-grant";
import { finishSetup, saveCheckedCredentials, startGrant } from "@/features/wizard/steps";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { getEnv } from "@/lib/env";

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
 * secret encrypted (features/wizard/steps.ts). A definite "wrong" from Slack names the field to fix.
 */
export async function saveCredentialsAction(input: unknown): Promise<ActionResult<{ isVerified: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = credentialsInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await saveCheckedCredentials(parsed.data, authorization.audit);
  if (result.ok) return actionSuccess({ isVerified: result.isVerified });
  const { reason } = result;
  if (reason === "wrong_client_id" || reason === "wrong_secret") {
    const fieldErrors = CREDENTIAL_REFUSALS[reason];
    return { ok: false, error: actionError(reason, Object.values(fieldErrors)[0]!, fieldErrors) };
  }
  return refusal(reason);
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
  const result = await startGrant(parsed.data.sourceId, authorization.user.id, authorization.audit);
  if (result.ok) return actionSuccess({ url: result.url });
  if (result.reason === "not_found") return refusal(result.reason);
  return { ok: false, error: actionError("credentials_missing", "Save the app's Client ID and Client Secret first (Set credentials).") };
}

/** "Finish Setup": alarm settings saved, the source active, its pulls scheduled and the first one queued. */
export async function finishSetupAction(input: unknown): Promise<ActionResult<{ isScheduled: boolean; next: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = alarmSettingsSchemaFor(getEnv().ALARM_MIN_THRESHOLD_MINUTES).safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const { sourceId, ...alarm } = parsed.data;
  const result = await finishSetup(sourceId, alarm, authorization.audit);
  if (!result.ok) return refusal(result.reason);
  const { isScheduled } = result;
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
