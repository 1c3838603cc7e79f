import { updateAlarmSettings } from "@/features/alarms/mutations";
import type { ApiCaller } from "@/features/api-tokens/authentication";
import { apiIssues, type ApiIssue } from "@/features/api/responses";
import type { ApiSource, SourcePatch } from "@/features/api/schema";
import type { AuditContext } from "@/features/audit/schema";
import { findSource, loadSourceHealth, type SourceDetails } from "@/features/sources/data";
import { changeBackfillWindow, createSource, pauseSource, renameSource, resumeSource, saveSource, updateSourceConfig, type SourceRefusal } from "@/features/sources/mutations";
import { alarmSettingsSchemaFor, resumeStepOf, sourceConfigSchema, type SourceConfig } from "@/features/sources/schema";
import { finishSetup, saveCheckedCredentials } from "@/features/wizard/steps";
import { getEnv } from "@/lib/env";
import { removePullSchedulesNow, schedulePullsNow } from "@/lib/queue/producer";

// The REST API's changes to a source, composed from the same mutations and wizard steps the console
// runs, so an automation and a person clicking through the console leave the same rows, schedules
// and audit entries. Route handlers (app/api/v1) authenticate and parse; this decides.

/** A refusal the API answers with: 404 for a missing source, 409 for a state conflict, 422 for a change that does not fit the source. */
export type ApiRefusal = { status: 404 | 409 | 422; code: string; message: string; issues?: ApiIssue[] };
export type ApiOutcome<T> = { ok: true; data: T } | { ok: false; refusal: ApiRefusal };

const NOT_FOUND: ApiRefusal = { status: 404, code: "not_found", message: "No source has this ID; it may have been deleted." };

const SOURCE_REFUSALS: Record<SourceRefusal, ApiRefusal> = {
  not_found: NOT_FOUND,
  name_taken: { status: 409, code: "name_taken", message: "Another source already has this name (names are unique regardless of case).", issues: [{ path: "name", message: "Another source already has this name" }] },
  wrong_state: { status: 409, code: "wrong_state", message: "The source is not in a state that allows this change; GET it to see where it stands." },
  secret_missing: { status: 422, code: "secret_missing", message: "Send the client secret: none is saved for this source yet.", issues: [{ path: "clientSecret", message: "Enter the Client Secret" }] },
};

const refused = (refusal: ApiRefusal) => ({ ok: false as const, refusal });

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toApiSource(source: SourceDetails, health: ApiSource["health"]): ApiSource {
  return {
    id: source.id,
    name: source.name,
    plan: source.plan,
    logTypes: source.logTypes,
    status: source.status,
    setupStep: resumeStepOf(source),
    backfillMinutes: source.backfillMinutes,
    clientId: source.clientId,
    hasClientSecret: source.hasClientSecret,
    grantedAt: iso(source.grantedAt),
    grantedScopes: source.grantedScopes,
    slack: {
      teamId: source.slackTeamId,
      teamName: source.slackTeamName,
      enterpriseId: source.slackEnterpriseId,
      enterpriseName: source.slackEnterpriseName,
      isEnterpriseInstall: source.isEnterpriseInstall,
    },
    alarm: {
      isEnabled: source.alarmEnabled,
      thresholdMinutes: source.alarmThresholdMinutes,
      recipients: source.alarmRecipients,
      state: source.alarmState,
      stateSince: iso(source.alarmStateSince),
    },
    health,
    error: source.errorCode ? { code: source.errorCode, detail: source.errorDetail, since: iso(source.errorSince) } : null,
    lastEventReceivedAt: iso(source.lastEventReceivedAt),
    lastSuccessfulPullAt: iso(source.lastSuccessfulPullAt),
    createdAt: source.createdAt.toISOString(),
    updatedAt: source.updatedAt.toISOString(),
  };
}

/** The source as the API shows it; health only once it has been activated, like the console's page. */
export async function loadApiSource(sourceId: string): Promise<ApiSource | null> {
  const source = await findSource(sourceId);
  if (!source) return null;
  return toApiSource(source, source.activatedAt ? await loadSourceHealth(source) : null);
}

async function answerWithSource(sourceId: string): Promise<ApiOutcome<ApiSource>> {
  const source = await loadApiSource(sourceId);
  return source ? { ok: true, data: source } : refused(NOT_FOUND);
}

/** POST /api/v1/sources: the wizard's first step, a draft that continues with its credentials. */
export async function createApiSource(config: SourceConfig, audit: AuditContext): Promise<ApiOutcome<ApiSource>> {
  const result = await createSource(config, audit);
  return result.ok ? answerWithSource(result.sourceId) : refused(SOURCE_REFUSALS[result.reason]);
}

/** The wizard's alarm rules applied to the stored settings with the patch's fields over them. */
function mergedAlarm(source: SourceDetails, patch: SourcePatch["alarm"], defaultRecipient: string) {
  // As in the wizard, a source being set up alarms its creator unless told otherwise.
  const isInSetup = source.status === "DRAFT" || source.status === "AWAITING_GRANT";
  const storedRecipients = source.alarmRecipients.length === 0 && isInSetup ? [defaultRecipient] : source.alarmRecipients;
  const parsed = alarmSettingsSchemaFor(getEnv().ALARM_MIN_THRESHOLD_MINUTES).safeParse({
    sourceId: source.id,
    isEnabled: patch?.isEnabled ?? source.alarmEnabled,
    thresholdMinutes: patch?.thresholdMinutes ?? source.alarmThresholdMinutes,
    recipients: patch?.recipients ?? storedRecipients,
  });
  if (parsed.success) return { ok: true as const, settings: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({ path: ["alarm", ...issue.path.map(String)].join("."), message: issue.message }));
  return { ok: false as const, refusal: { status: 422 as const, code: "invalid_change", message: issues[0]?.message ?? "The alarm settings are not valid.", issues } };
}

async function applyConfiguration(source: SourceDetails, patch: SourcePatch, audit: AuditContext): Promise<ApiRefusal | null> {
  if (patch.plan !== undefined || patch.logTypes !== undefined) {
    // Validated as a whole, with the wizard's rules: audit logs need Enterprise Grid and a source of their own.
    const config = sourceConfigSchema.safeParse({
      name: patch.name ?? source.name,
      plan: patch.plan ?? source.plan,
      logTypes: patch.logTypes ?? source.logTypes,
      backfillMinutes: patch.backfillMinutes ?? source.backfillMinutes,
    });
    if (!config.success) {
      const issues = apiIssues(config.error);
      return { status: 422, code: "invalid_change", message: issues[0]?.message ?? "This configuration is not valid.", issues };
    }
    if (source.grantedAt) return { status: 409, code: "wrong_state", message: "Plan and log types can change only until access is granted: the token is for one install. Create another source instead." };
    const result = await updateSourceConfig(source.id, config.data, audit);
    return result.ok ? null : SOURCE_REFUSALS[result.reason];
  }
  if (patch.name !== undefined) {
    const result = await renameSource(source.id, patch.name, audit);
    if (!result.ok) return SOURCE_REFUSALS[result.reason];
  }
  if (patch.backfillMinutes !== undefined) {
    const result = await changeBackfillWindow(source.id, patch.backfillMinutes, audit);
    if (!result.ok) return SOURCE_REFUSALS[result.reason];
  }
  return null;
}

async function applyStatus(source: SourceDetails, status: "ACTIVE" | "PAUSED", patch: SourcePatch, caller: ApiCaller): Promise<ApiRefusal | null> {
  if (source.status === status) return null;
  const targets = source.logTypes.map((logType) => ({ sourceId: source.id, logType }));
  if (status === "PAUSED") {
    const result = await pauseSource(source.id, caller.audit);
    if (!result.ok) return result.reason === "wrong_state" ? { status: 409, code: "wrong_state", message: "Only an active source, or one stopped by a Slack error, can be paused." } : SOURCE_REFUSALS[result.reason];
    // Postgres decides; if Redis is away, the worker's reconciliation drops the schedules (a paused source's pulls skip anyway).
    await removePullSchedulesNow(targets);
    return null;
  }
  if (source.status === "PAUSED") {
    const result = await resumeSource(source.id, caller.audit);
    if (!result.ok) return SOURCE_REFUSALS[result.reason];
    await schedulePullsNow(targets, `resume${Date.now()}`);
    return null;
  }
  if (source.status === "ERROR") {
    return { status: 409, code: "wrong_state", message: "The source stopped on a Slack error: fix it (its health says how) or re-grant access (POST …/authorize); it resumes by itself." };
  }
  if (!source.grantedAt) return { status: 409, code: "wrong_state", message: "Grant access first: POST /api/v1/sources/{id}/authorize and open the URL it returns." };
  const alarm = mergedAlarm(source, patch.alarm, caller.user.email);
  if (!alarm.ok) return alarm.refusal;
  const { sourceId: _sourceId, ...settings } = alarm.settings;
  const result = await finishSetup(source.id, settings, caller.audit);
  return result.ok ? null : SOURCE_REFUSALS[result.reason];
}

/** PATCH /api/v1/sources/{id}: configuration, then alarm, then status, each as the console applies it. */
export async function applySourcePatch(sourceId: string, patch: SourcePatch, caller: ApiCaller): Promise<ApiOutcome<ApiSource>> {
  const source = await findSource(sourceId);
  if (!source) return refused(NOT_FOUND);
  const configRefusal = await applyConfiguration(source, patch, caller.audit);
  if (configRefusal) return refused(configRefusal);
  // Finishing setup saves the alarm with the activation, as the wizard's last step does.
  const isFinishingSetup = patch.status === "ACTIVE" && (source.status === "DRAFT" || source.status === "AWAITING_GRANT");
  if (patch.alarm && !isFinishingSetup) {
    const alarm = mergedAlarm(source, patch.alarm, caller.user.email);
    if (!alarm.ok) return refused(alarm.refusal);
    const result = await updateAlarmSettings(alarm.settings, caller.audit);
    if (!result.ok) return refused(NOT_FOUND);
  }
  if (patch.status) {
    const statusRefusal = await applyStatus(source, patch.status, patch, caller);
    if (statusRefusal) return refused(statusRefusal);
  }
  return answerWithSource(sourceId);
}

const CREDENTIAL_REFUSALS: Record<"wrong_client_id" | "wrong_secret", ApiRefusal> = {
  wrong_client_id: { status: 422, code: "wrong_client_id", message: "Slack does not know this client ID.", issues: [{ path: "clientId", message: "Slack does not know this Client ID" }] },
  wrong_secret: { status: 422, code: "wrong_secret", message: "Slack says this client secret does not belong to this client ID.", issues: [{ path: "clientSecret", message: "Slack says this Client Secret does not belong to this Client ID" }] },
};

/**
 * PUT /api/v1/sources/{id}/credentials: the wizard's Set credentials and Save Source in one call. A
 * source in setup then waits for access to be granted; an active one keeps pulling with its token
 * until it is re-granted (rotation).
 */
export async function setSourceCredentials(sourceId: string, input: { clientId: string; clientSecret?: string }, audit: AuditContext): Promise<ApiOutcome<{ isVerified: boolean; source: ApiSource }>> {
  const saved = await saveCheckedCredentials({ sourceId, clientId: input.clientId, clientSecret: input.clientSecret ?? "" }, audit);
  if (!saved.ok) return refused(saved.reason === "wrong_client_id" || saved.reason === "wrong_secret" ? CREDENTIAL_REFUSALS[saved.reason] : SOURCE_REFUSALS[saved.reason]);
  const result = await saveSource(sourceId, audit);
  if (!result.ok) return refused(SOURCE_REFUSALS[result.reason]);
  const source = await answerWithSource(sourceId);
  return source.ok ? { ok: true, data: { isVerified: saved.isVerified, source: source.data } } : source;
}
