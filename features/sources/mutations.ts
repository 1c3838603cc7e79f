import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { hasSecret } from "@/features/secrets/data";
import { deleteSecret, deleteSecretsOf, storeSecret } from "@/features/secrets/mutations";
import { SOURCE_SECRET, sourceNameKey, sourceSecretAddress, type AlarmSettings, type SourceConfig } from "@/features/sources/schema";
import { db, type DatabaseClient } from "@/lib/db";

// Source changes, each in one transaction with its audit entry. Expected refusals come back as
// values for the wizard to explain; the secret values never reach an audit entry or a log.

export type SourceRefusal = "not_found" | "name_taken" | "wrong_state" | "secret_missing";
export type SourceChangeResult<T = object> = ({ ok: true } & T) | { ok: false; reason: SourceRefusal };

const target = (source: { id: string; name: string }) => ({ type: "source", id: source.id, label: source.name });

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

async function lockSource(tx: DatabaseClient, sourceId: string) {
  // Row lock: two tabs finishing the same step at once apply one after the other, not interleaved.
  await tx.$queryRaw`SELECT id FROM sources WHERE id = ${sourceId} FOR UPDATE`;
  return tx.source.findUnique({
    where: { id: sourceId },
    select: { id: true, name: true, status: true, plan: true, logTypes: true, backfillMinutes: true, clientId: true, grantedAt: true, credentialsSavedAt: true },
  });
}

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
export async function saveCredentials(sourceId: string, input: { clientId: string; clientSecret: string | null }, audit: AuditContext): Promise<SourceChangeResult> {
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
    if (dropsGrant) await deleteSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken), tx);
    await tx.source.update({
      where: { id: sourceId },
      data: { clientId: input.clientId, updatedById: audit.actor.id, ...(dropsGrant ? { grantedAt: null, grantedClientId: null, grantedScopes: [] } : {}) },
      select: { id: true },
    });
    const details = { clientId: input.clientId, previousClientId: source.clientId, clientSecretReplaced: Boolean(input.clientSecret), grantDropped: dropsGrant };
    await recordAudit(audit, { action: "source.credentials_saved", target: target(source), details }, tx);
    return { ok: true as const };
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
export async function recordGrant(sourceId: string, grant: SlackGrant, audit: AuditContext): Promise<SourceChangeResult<{ isFirstGrant: boolean; status: string }>> {
  return db.$transaction(async (tx) => {
    const source = await lockSource(tx, sourceId);
    if (!source) return { ok: false as const, reason: "not_found" as const };
    // Another admin may have changed the app or the log types while Slack answered.
    if (source.clientId !== grant.clientId || source.logTypes.join(",") !== grant.validatedLogTypes.join(",")) return { ok: false as const, reason: "wrong_state" as const };
    await storeSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken), grant.accessToken, tx);
    await tx.source.update({
      where: { id: sourceId },
      data: {
        ...grantColumns(grant, audit.actor.id, new Date()),
        // A source that had failed because its token died is healthy again once re-granted.
        ...(source.status === "ERROR" ? { status: "ACTIVE" as const } : {}),
        updatedById: audit.actor.id,
      },
      select: { id: true },
    });
    await recordAudit(audit, { action: "source.granted", target: target(source), details: grantAuditDetails(grant) }, tx);
    return { ok: true as const, isFirstGrant: source.grantedAt === null, status: source.status === "ERROR" ? "ACTIVE" : source.status };
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
      data: { status: "ACTIVE", activatedAt: new Date(), alarmEnabled: alarm.isEnabled, alarmThresholdMinutes: alarm.thresholdMinutes, alarmRecipients: alarm.recipients, updatedById: audit.actor.id },
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
