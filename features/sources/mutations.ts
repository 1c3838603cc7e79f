import { recordAudit } from "@/features/audit/mutations";
import { WORKER_ACTOR, type AuditContext } from "@/features/audit/schema";
import { sourceErrorMessage, sourceRecoveredMessage } from "@/features/notifications/messages";
import { enqueueNotification } from "@/features/notifications/mutations";
import type { ExplainedSlackError } from "@/features/pulls/slack-errors";
import { hasSecret, readSecret } from "@/features/secrets/data";
import { deleteSecret, deleteSecretsOf, storeSecret } from "@/features/secrets/mutations";
import { isConfirmedName, SOURCE_SECRET, sourceNameKey, sourceSecretAddress, type AlarmSettings, type SourceConfig } from "@/features/sources/schema";
import { db, type DatabaseClient } from "@/lib/db";
import { getEnv } from "@/lib/env";

// Source changes, each in one transaction with its audit entry. Expected refusals come back as
// values for the wizard to explain; the secret values never reach an audit entry or a log.

export type SourceRefusal = "not_found" | "name_taken" | "wrong_state" | "secret_missing";
export type SourceChangeResult<T = object> = ({ ok: true } & T) | { ok: false; reason: SourceRefusal };

const target = (source: { id: string; name: string }) => ({ type: "source", id: source.id, label: source.name });

/** What a source in ERROR carries about its problem, cleared when it works again. */
const CLEARED_ERROR = { errorCode: null, errorDetail: null, errorLogType: null, errorSince: null, nextRetryAt: null, clientCredentialsError: null };

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

async function lockSource(tx: DatabaseClient, sourceId: string) {
  // Row lock: two tabs finishing the same step at once apply one after the other, not interleaved.
  await tx.$queryRaw`SELECT id FROM sources WHERE id = ${sourceId} FOR UPDATE`;
  return tx.source.findUnique({
    where: { id: sourceId },
    select: { id: true, name: true, status: true, plan: true, logTypes: true, backfillMinutes: true, clientId: true, grantedAt: true, grantedClientId: true, credentialsSavedAt: true },
  });
}

/** A token a change took out of use, for the caller to revoke in Slack once the change commits. */
export type ReplacedGrant = { token: string; grantedClientId: string | null };

export async function createSource(config: SourceConfig, audit: AuditContext): Promise<SourceChangeResult<{ sourceId: string }>> {
  try {
    return await db.$transaction(async (tx) => {
      const source = await tx.source.create({
        data: { name: config.name, nameKey: sourceNameKey(config.name), plan: config.plan, logTypes: config.logTypes, backfillMinutes: config.backfillMinutes, createdById: audit.actor.id, updatedById: audit.actor.id },
        select: { id: true, name: true },
      });
      await recordAudit(audit, { action: "source.created", target: target(source), details: { plan: config.plan, logTypes: config.logTypes, backfillMinutes: config.backfillMinutes } }, tx);
      return { ok: true as const, sourceId: source.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "name_taken" };
    throw error;
  }
}

/** Name, plan and log types, changeable until access is granted (the token is for one plan's install). */
export async function updateSourceConfig(sourceId: string, config: SourceConfig, audit: AuditContext): Promise<SourceChangeResult> {
  try {
    return await db.$transaction(async (tx) => {
      const source = await lockSource(tx, sourceId);
      if (!source) return { ok: false as const, reason: "not_found" as const };
      if (source.grantedAt) return { ok: false as const, reason: "wrong_state" as const };
      await tx.source.update({
        where: { id: sourceId },
        data: { name: config.name, nameKey: sourceNameKey(config.name), plan: config.plan, logTypes: config.logTypes, backfillMinutes: config.backfillMinutes, updatedById: audit.actor.id },
        select: { id: true },
      });
      // A Grant Access started before this change was for other log types: it may not finish.
      await tx.oAuthState.updateMany({ where: { sourceId, usedAt: null }, data: { usedAt: new Date() } });
      const details = {
        from: `${source.name} · ${source.plan} · ${source.logTypes.join(", ")} · backfill ${source.backfillMinutes} min`,
        to: `${config.name} · ${config.plan} · ${config.logTypes.join(", ")} · backfill ${config.backfillMinutes} min`,
      };
      await recordAudit(audit, { action: "source.configured", target: { ...target(source), label: config.name }, details }, tx);
      return { ok: true as const };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "name_taken" };
    throw error;
  }
}

/**
 * Stores the app's client ID and, when given, a new client secret (encrypted, features/secrets).
 * Works at any stage, so "Rotate credentials" is this same step on an active source: pulls keep
 * using the granted token until access is granted again with the new app.
 */
export async function saveCredentials(
  sourceId: string,
  input: { clientId: string; clientSecret: string | null },
  audit: AuditContext,
): Promise<SourceChangeResult<{ droppedGrant: ReplacedGrant | null }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    const secretAddress = sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret);
    if (input.clientSecret) await storeSecret(secretAddress, input.clientSecret, tx);
    else if (!(await hasSecret(secretAddress, tx))) return { ok: false as const, reason: "secret_missing" as const };
    // Still in setup, a grant of the previous app must not carry over to a different one: the wizard
    // goes back to Verify. (An active source keeps pulling with its token until it is re-granted.)
    const isSetup = source.status === "DRAFT" || source.status === "AWAITING_GRANT";
    const dropsGrant = isSetup && source.grantedAt !== null && source.clientId !== input.clientId;
    const tokenAddress = sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken);
    // Returned so the caller can revoke it in Slack once this commits: no source will use it again.
    const droppedToken = dropsGrant ? await readSecret(tokenAddress, tx) : null;
    if (dropsGrant) await deleteSecret(tokenAddress, tx);
    await tx.source.update({
      where: { id: sourceId },
      data: { clientId: input.clientId, updatedById: audit.actor.id, ...(dropsGrant ? { grantedAt: null, grantedClientId: null, grantedScopes: [] } : {}) },
      select: { id: true },
    });
    const details = { clientId: input.clientId, previousClientId: source.clientId, clientSecretReplaced: Boolean(input.clientSecret), grantDropped: dropsGrant };
    await recordAudit(audit, { action: "source.credentials_saved", target: target(source), details }, tx);
    return { ok: true as const, droppedGrant: droppedToken ? { token: droppedToken, grantedClientId: source.grantedClientId } : null };
  });
}

/** "Save Source": credentials are in, the source now waits for Slack access to be granted. */
export async function saveSource(sourceId: string, audit: AuditContext): Promise<SourceChangeResult> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (!source.clientId || !(await hasSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret), tx))) {
      return { ok: false as const, reason: "secret_missing" as const };
    }
    const status = source.status === "DRAFT" ? "AWAITING_GRANT" : source.status;
    await tx.source.update({ where: { id: sourceId }, data: { status, credentialsSavedAt: new Date(), updatedById: audit.actor.id }, select: { id: true } });
    await recordAudit(audit, { action: "source.saved", target: target(source), details: { status } }, tx);
    return { ok: true as const };
  });
}

export type SlackGrant = {
  /** The log types the grant's scopes and install target were checked against. */
  validatedLogTypes: string[];
  clientId: string;
  accessToken: string;
  scopes: string[];
  teamId: string | null;
  teamName: string | null;
  enterpriseId: string | null;
  enterpriseName: string | null;
  isEnterpriseInstall: boolean;
  slackUrl: string | null;
  installerUserId: string;
  installerName: string | null;
};

type GrantFacts = Omit<SlackGrant, "validatedLogTypes" | "accessToken">;

/** The columns a grant writes: the same from the wizard's callback and from the command line. */
function grantColumns(grant: GrantFacts, actorId: string | null, at: Date) {
  return {
    grantedClientId: grant.clientId,
    grantedScopes: grant.scopes,
    grantedAt: at,
    grantedById: actorId,
    slackTeamId: grant.teamId,
    slackTeamName: grant.teamName,
    slackEnterpriseId: grant.enterpriseId,
    slackEnterpriseName: grant.enterpriseName,
    isEnterpriseInstall: grant.isEnterpriseInstall,
    slackUrl: grant.slackUrl,
    installerUserId: grant.installerUserId,
    installerName: grant.installerName,
  };
}

function grantAuditDetails(grant: GrantFacts) {
  return {
    scopes: grant.scopes,
    installedOn: grant.isEnterpriseInstall ? `organization ${grant.enterpriseId}` : `workspace ${grant.teamId}`,
    installer: grant.installerName ? `${grant.installerName} (${grant.installerUserId})` : grant.installerUserId,
    clientId: grant.clientId,
  };
}

/**
 * Stores a granted token and what Slack said about the install. A re-grant replaces the token but
 * keeps the source's history (checkpoints, events): it is the same source, pulled with a new key.
 */
export async function recordGrant(
  sourceId: string,
  grant: SlackGrant,
  audit: AuditContext,
): Promise<SourceChangeResult<{ isFirstGrant: boolean; status: string; replacedGrant: ReplacedGrant | null }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    // Another admin may have changed the app or the log types while Slack answered.
    if (source.clientId !== grant.clientId || source.logTypes.join(",") !== grant.validatedLogTypes.join(",")) return { ok: false as const, reason: "wrong_state" as const };
    const tokenAddress = sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken);
    // Read under the row lock, so a grant finishing at the same moment cannot hand over a token that
    // is the current one. Only a token of another app is returned for revoking: through the same
    // app Slack may have handed back that very token, and revoking "usually revokes the whole
    // authorization" (reference §4.5).
    const previousToken = source.grantedClientId !== null && source.grantedClientId !== grant.clientId ? await readSecret(tokenAddress, tx) : null;
    await storeSecret(tokenAddress, grant.accessToken, tx);
    await tx.source.update({
      where: { id: sourceId },
      data: {
        ...grantColumns(grant, audit.actor.id, new Date()),
        // A source that had failed because its token died is healthy again once re-granted.
        ...(source.status === "ERROR" ? { status: "ACTIVE" as const, ...CLEARED_ERROR } : {}),
        updatedById: audit.actor.id,
      },
      select: { id: true },
    });
    await recordAudit(audit, { action: "source.granted", target: target(source), details: grantAuditDetails(grant) }, tx);
    const replacedGrant = previousToken && previousToken !== grant.accessToken ? { token: previousToken, grantedClientId: source.grantedClientId } : null;
    return { ok: true as const, isFirstGrant: source.grantedAt === null, status: source.status === "ERROR" ? "ACTIVE" : source.status, replacedGrant };
  });
}

/** "Finish Setup": the alarm is set and the source is pulled from now on. */
export async function activateSource(sourceId: string, alarm: Omit<AlarmSettings, "sourceId">, audit: AuditContext): Promise<SourceChangeResult<{ logTypes: string[] }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (source.status !== "AWAITING_GRANT" || !source.grantedAt) return { ok: false as const, reason: "wrong_state" as const };
    await tx.source.update({
      where: { id: sourceId },
      data: { status: "ACTIVE", activatedAt: new Date(), alarmWatchedSince: new Date(), alarmEnabled: alarm.isEnabled, alarmThresholdMinutes: alarm.thresholdMinutes, alarmRecipients: alarm.recipients, updatedById: audit.actor.id },
      select: { id: true },
    });
    const details = { alarmEnabled: alarm.isEnabled, alarmThresholdMinutes: alarm.thresholdMinutes, alarmRecipients: alarm.recipients };
    await recordAudit(audit, { action: "source.activated", target: target(source), details }, tx);
    return { ok: true as const, logTypes: source.logTypes };
  });
}

/** A grant attempt that failed, for the source's history: the reason code only, never what Slack sent back. */
export async function recordGrantFailure(source: { id: string; name: string } | null, reason: string, audit: AuditContext) {
  // Without a source (a state nobody issued) it is still recorded: that is what a forgery looks like.
  await recordAudit(audit, { action: "source.grant_failed", target: source ? target(source) : { type: "source" }, details: { reason } });
}

/**
 * Deletes a source whose setup never finished, with its secrets. An active source is deleted through
 * its settings instead (issue 9), where its events are at stake; a draft has none.
 */
export async function discardDraftSource(sourceId: string, audit: AuditContext): Promise<SourceChangeResult<{ grantedClientId: string | null }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (source.status !== "DRAFT" && source.status !== "AWAITING_GRANT") return { ok: false as const, reason: "wrong_state" as const };
    const { grantedClientId } = await tx.source.findUniqueOrThrow({ where: { id: sourceId }, select: { grantedClientId: true } });
    await deleteSecretsOf({ ownerType: "source", ownerId: sourceId }, tx);
    await tx.source.delete({ where: { id: sourceId }, select: { id: true } });
    await recordAudit(audit, { action: "source.discarded", target: target(source), details: { status: source.status, wasGranted: source.grantedAt !== null } }, tx);
    return { ok: true as const, grantedClientId };
  });
}

export type GrantedSourceInput = {
  config: SourceConfig;
  clientId: string;
  clientSecret: string;
  alarm: Omit<AlarmSettings, "sourceId">;
  grant: Omit<SlackGrant, "validatedLogTypes" | "clientId">;
};

/**
 * Creates a source that is already granted and active, in one transaction: what `tributary sources
 * add-slack` does for automation and tests, where the token was obtained outside the wizard. The
 * audit trail records the same three steps the wizard would.
 */
export async function createGrantedSource(input: GrantedSourceInput, audit: AuditContext): Promise<SourceChangeResult<{ sourceId: string }>> {
  const { config, grant } = input;
  try {
    return await db.$transaction(async (tx) => {
      const now = new Date();
      const source = await tx.source.create({
        data: {
          name: config.name,
          nameKey: sourceNameKey(config.name),
          plan: config.plan,
          logTypes: config.logTypes,
          status: "ACTIVE",
          clientId: input.clientId,
          credentialsSavedAt: now,
          ...grantColumns({ ...grant, clientId: input.clientId }, audit.actor.id, now),
          backfillMinutes: config.backfillMinutes,
          alarmEnabled: input.alarm.isEnabled,
          alarmThresholdMinutes: input.alarm.thresholdMinutes,
          alarmRecipients: input.alarm.recipients,
          activatedAt: now,
          alarmWatchedSince: now,
          createdById: audit.actor.id,
          updatedById: audit.actor.id,
        },
        select: { id: true, name: true },
      });
      await storeSecret(sourceSecretAddress(source.id, SOURCE_SECRET.clientSecret), input.clientSecret, tx);
      await storeSecret(sourceSecretAddress(source.id, SOURCE_SECRET.accessToken), grant.accessToken, tx);
      await recordAudit(audit, { action: "source.created", target: target(source), details: { plan: config.plan, logTypes: config.logTypes, backfillMinutes: config.backfillMinutes } }, tx);
      await recordAudit(audit, { action: "source.granted", target: target(source), details: grantAuditDetails({ ...grant, clientId: input.clientId }) }, tx);
      const alarm = { alarmEnabled: input.alarm.isEnabled, alarmThresholdMinutes: input.alarm.thresholdMinutes, alarmRecipients: input.alarm.recipients };
      await recordAudit(audit, { action: "source.activated", target: target(source), details: alarm }, tx);
      return { ok: true as const, sourceId: source.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "name_taken" };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Changes the worker makes by itself, and pause / resume. Each checks the status under the row
// lock, so a source paused or re-granted while a pull ran is never flipped back by that pull.

/** Auth, permission and plan failures are not retried every minute: once an hour until fixed. */
export const SOURCE_ERROR_RETRY_MS = 60 * 60_000;

export type SourceProblem = {
  code: string;
  detail: string;
  logType: string;
  explained: ExplainedSlackError;
  /** When the token the pull used was granted: a refusal of a token replaced meanwhile says nothing about the new one. */
  tokenGrantedAt: Date | null;
};

/**
 * Puts an active source in ERROR with Slack's reason and tells its alarm recipients, once: the
 * notice is written in the same transaction as the transition, keyed by it. A source already in
 * ERROR only records the latest reason (the hourly retry met it again).
 */
export async function recordSourceError(sourceId: string, problem: SourceProblem, now = new Date()): Promise<{ isNew: boolean }> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source || (source.status !== "ACTIVE" && source.status !== "ERROR")) return { isNew: false };
    if (source.grantedAt?.getTime() !== problem.tokenGrantedAt?.getTime()) return { isNew: false };
    const facts = { errorCode: problem.code, errorDetail: problem.detail, errorLogType: problem.logType };
    if (source.status === "ERROR") {
      await tx.source.update({ where: { id: sourceId }, data: facts, select: { id: true } });
      return { isNew: false };
    }
    const { alarmRecipients } = await tx.source.findUniqueOrThrow({ where: { id: sourceId }, select: { alarmRecipients: true } });
    await tx.source.update({
      where: { id: sourceId },
      data: { ...facts, status: "ERROR", errorSince: now, nextRetryAt: new Date(now.getTime() + SOURCE_ERROR_RETRY_MS) },
      select: { id: true },
    });
    const message = sourceErrorMessage(source, { ...problem.explained, detail: problem.detail, logType: problem.logType, at: now }, getEnv().PUBLIC_URL);
    await enqueueNotification(tx, { kind: "source_error", sourceId, recipients: alarmRecipients, subject: message.subject, text: message.text, html: message.html, dedupeKey: `source_error:${sourceId}:${now.toISOString()}` });
    await recordAudit({ actor: WORKER_ACTOR }, { action: "source.failed", target: target(source), details: { code: problem.code, logType: problem.logType, fix: problem.explained.fix } }, tx);
    return { isNew: true };
  });
}

/** A pull succeeded on a source in ERROR: the problem was fixed in Slack. Back to ACTIVE, and say so. */
export async function recordSourceRecovered(sourceId: string, now = new Date()): Promise<{ isRecovered: boolean }> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source || source.status !== "ERROR") return { isRecovered: false };
    const before = await tx.source.findUniqueOrThrow({ where: { id: sourceId }, select: { errorSince: true, errorCode: true, alarmRecipients: true } });
    await tx.source.update({ where: { id: sourceId }, data: { status: "ACTIVE", ...CLEARED_ERROR }, select: { id: true } });
    const since = before.errorSince ?? now;
    const message = sourceRecoveredMessage(source, { since, at: now, code: before.errorCode }, getEnv().PUBLIC_URL);
    await enqueueNotification(tx, { kind: "source_recovered", sourceId, recipients: before.alarmRecipients, subject: message.subject, text: message.text, html: message.html, dedupeKey: `source_recovered:${sourceId}:${since.toISOString()}` });
    await recordAudit({ actor: WORKER_ACTOR }, { action: "source.recovered", target: target(source), details: { code: before.errorCode, stoppedMinutes: Math.round((now.getTime() - since.getTime()) / 60_000) } }, tx);
    return { isRecovered: true };
  });
}

/**
 * The hourly retry of a source in ERROR: true for exactly one caller once `nextRetryAt` has passed
 * (which moves it an hour on), so its log types and several workers do not all call Slack at once.
 */
export async function claimErrorRetry(sourceId: string, now = new Date()): Promise<boolean> {
  const claimed = await db.source.updateMany({
    where: { id: sourceId, status: "ERROR", OR: [{ nextRetryAt: null }, { nextRetryAt: { lte: now } }] },
    data: { nextRetryAt: new Date(now.getTime() + SOURCE_ERROR_RETRY_MS) },
  });
  return claimed.count === 1;
}

/**
 * The hourly retry met a transient failure (Slack unreachable, say), which says nothing about the
 * problem: the queue's own retry, or the next interval, may try again at once.
 */
export async function releaseErrorRetry(sourceId: string, now = new Date()) {
  await db.source.updateMany({ where: { id: sourceId, status: "ERROR" }, data: { nextRetryAt: now } });
}

/** What Slack said about the saved client ID and secret (null: accepted). */
export async function recordClientCredentialsCheck(sourceId: string, error: string | null) {
  await db.source.updateMany({ where: { id: sourceId }, data: { clientCredentialsError: error } });
}

/**
 * Stops pulling a source without losing its place: checkpoints stay, so resuming pulls the missed
 * time. A pull already running finishes its window. Works from ACTIVE and ERROR.
 */
export async function pauseSource(sourceId: string, audit: AuditContext): Promise<SourceChangeResult<{ logTypes: string[] }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (source.status !== "ACTIVE" && source.status !== "ERROR") return { ok: false as const, reason: "wrong_state" as const };
    await tx.source.update({ where: { id: sourceId }, data: { status: "PAUSED", pausedAt: new Date(), updatedById: audit.actor.id }, select: { id: true } });
    await recordAudit(audit, { action: "source.paused", target: target(source), details: { from: source.status } }, tx);
    return { ok: true as const, logTypes: source.logTypes };
  });
}

/** Pulls a paused source again, from where each log type stopped. A problem that is still there shows again at the first pull. */
export async function resumeSource(sourceId: string, audit: AuditContext): Promise<SourceChangeResult<{ logTypes: string[]; pausedMinutes: number }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (source.status !== "PAUSED") return { ok: false as const, reason: "wrong_state" as const };
    const { pausedAt } = await tx.source.findUniqueOrThrow({ where: { id: sourceId }, select: { pausedAt: true } });
    await tx.source.update({ where: { id: sourceId }, data: { status: "ACTIVE", pausedAt: null, alarmWatchedSince: new Date(), ...CLEARED_ERROR, updatedById: audit.actor.id }, select: { id: true } });
    const pausedMinutes = pausedAt ? Math.round((Date.now() - pausedAt.getTime()) / 60_000) : 0;
    await recordAudit(audit, { action: "source.resumed", target: target(source), details: { pausedMinutes } }, tx);
    return { ok: true as const, logTypes: source.logTypes, pausedMinutes };
  });
}

// ---------------------------------------------------------------------------------------------
// The source's Settings tab (admins): rename, backfill window, delete.

/**
 * Renames a source at any stage. Stored events keep the label they were stored with
 * (`p_source_label`): they say what the source was called when they arrived.
 */
export async function renameSource(sourceId: string, name: string, audit: AuditContext): Promise<SourceChangeResult<{ isChanged: boolean }>> {
  try {
    return await db.$transaction(async (tx) => {
      const source = await lockSource(tx, sourceId);
      if (!source) return { ok: false as const, reason: "not_found" as const };
      // Saving the form twice (or two admins typing the same name) changes it once.
      if (source.name === name) return { ok: true as const, isChanged: false };
      await tx.source.update({ where: { id: sourceId }, data: { name, nameKey: sourceNameKey(name), updatedById: audit.actor.id }, select: { id: true } });
      await recordAudit(audit, { action: "source.renamed", target: { ...target(source), label: name }, details: { from: source.name, to: name } }, tx);
      return { ok: true as const, isChanged: true };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "name_taken" };
    throw error;
  }
}

/**
 * How far back the first pull of a log type reaches. Only log types without a checkpoint read it
 * (one added by a re-grant, say); the others continue from where they stopped.
 */
export async function changeBackfillWindow(sourceId: string, backfillMinutes: number, audit: AuditContext): Promise<SourceChangeResult<{ isChanged: boolean }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    if (source.backfillMinutes === backfillMinutes) return { ok: true as const, isChanged: false };
    await tx.source.update({ where: { id: sourceId }, data: { backfillMinutes, updatedById: audit.actor.id }, select: { id: true } });
    await recordAudit(audit, { action: "source.backfill_changed", target: target(source), details: { from: source.backfillMinutes, to: backfillMinutes } }, tx);
    return { ok: true as const, isChanged: true };
  });
}

export type SourceDeletionRefusal = "not_found" | "name_mismatch";
export type DeletedSource = { name: string; status: string; logTypes: string[]; wasActivated: boolean; grantedClientId: string | null; eventCount: number; accessToken: string | null };

/** Counting a large source's events under the row lock takes a while; Prisma's 5 s default is too short for it. */
const DELETE_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * Deletes a source whatever its status, in one transaction with its audit entry: its secrets, and
 * through the foreign keys its runs, checkpoints, replays, alarm history and event counts. The name
 * typed to confirm is compared under the row lock, so a rename in another tab meanwhile refuses the
 * delete instead of deleting a source the admin did not name. Events have no foreign key: they stay
 * until `deleteEventsOf` (features/sources/deletion.ts decides).
 *
 * A pull committing a page takes a key-share lock on the source row first (features/pulls/mutations
 * commitPage): it waits for this transaction and then finds the source gone, so no event is stored
 * after the delete commits, and the count below is every event there will be.
 */
export async function deleteSource(sourceId: string, input: { confirmName: string; keepEvents: boolean }, audit: AuditContext): Promise<{ ok: true; source: DeletedSource } | { ok: false; reason: SourceDeletionRefusal; name?: string }> {
  return db.$transaction(
    async (tx) => {
      const source = await lockSource(tx, sourceId);
      if (!source) return { ok: false as const, reason: "not_found" as const };
      if (!isConfirmedName(input.confirmName, source.name)) return { ok: false as const, reason: "name_mismatch" as const, name: source.name };
      const { grantedClientId, activatedAt } = await tx.source.findUniqueOrThrow({ where: { id: sourceId }, select: { grantedClientId: true, activatedAt: true } });
      const eventCount = await tx.event.count({ where: { sourceId } });
      // Read under the lock, in the transaction that erases it: a re-grant committed just before the
      // delete replaced the token, and it is that token which must be revoked in Slack.
      const accessToken = await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken), tx);
      await deleteSecretsOf({ ownerType: "source", ownerId: sourceId }, tx);
      await tx.source.delete({ where: { id: sourceId }, select: { id: true } });
      const details = { status: source.status, logTypes: source.logTypes, keepEvents: input.keepEvents, events: eventCount, wasGranted: source.grantedAt !== null };
      await recordAudit(audit, { action: "source.deleted", target: target(source), details }, tx);
      return { ok: true as const, source: { name: source.name, status: source.status, logTypes: source.logTypes, wasActivated: activatedAt !== null, grantedClientId, eventCount, accessToken } };
    },
    { timeout: DELETE_TRANSACTION_TIMEOUT_MS },
  );
}

/** Rows per statement when erasing a source's events: no single transaction holds millions of rows or locks. */
const EVENT_DELETE_BATCH = 10_000;

/**
 * Erases the events and quarantined records of a deleted source, a batch per statement (they have no
 * foreign key to cascade through). Stopping half-way leaves whole rows, never half an event.
 */
export async function deleteEventsOf(sourceId: string, options: { batchSize?: number; maxBatches?: number } = {}): Promise<{ events: number; failures: number; isDone: boolean }> {
  const { batchSize = EVENT_DELETE_BATCH, maxBatches = Infinity } = options;
  // A source that exists is still being pulled into: its events are not anyone's to erase this way.
  if ((await db.source.count({ where: { id: sourceId } })) > 0) throw new Error(`source ${sourceId} still exists: delete it first`);
  const deleted = { events: 0, failures: 0, isDone: false };
  let batches = 0;
  for (; batches < maxBatches; batches++) {
    const count = await db.$executeRaw`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE p_source_id = ${sourceId} LIMIT ${batchSize})`;
    deleted.events += count;
    if (count < batchSize) break;
  }
  for (; batches < maxBatches; batches++) {
    const count = await db.$executeRaw`DELETE FROM classification_failures WHERE id IN (SELECT id FROM classification_failures WHERE source_id = ${sourceId} LIMIT ${batchSize})`;
    deleted.failures += count;
    if (count < batchSize) {
      deleted.isDone = true;
      break;
    }
  }
  return deleted;
}
