import { findOpeningEntry, listAdminEmails, listLastPulls } from "@/features/alarms/data";
import { judgeAlarm, UNWATCHED_REASONS, type AlarmHistoryKind, type AlarmState, type IncidentKind } from "@/features/alarms/schema";
import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { alarmMessage, alarmRecoveredMessage, firstDataMessage, noDataYetMessage, systemIncidentMessage, systemRecoveredMessage } from "@/features/notifications/messages";
import { enqueueNotification, withdrawUnsentNotification, type NotificationKind } from "@/features/notifications/mutations";
import type { AlarmSettings } from "@/features/sources/schema";
import { db, type DatabaseClient } from "@/lib/db";

// Alarm state changes. Each source is judged in its own transaction holding its row lock, and the
// history entry, the new state and the email (an outbox row keyed by the entry) are written together:
// any number of evaluators may run at once and each change is recorded, and emailed, once.

export type AlarmContext = {
  now: Date;
  publicUrl: string;
  /** The Tributary incident alarm emails are held for, if any (features/alarms/jobs.ts). */
  holdingIncidentId: string | null;
};

export type AlarmChange = { kind: AlarmHistoryKind | "released"; isEmailed: boolean } | null;

const SOURCE_FIELDS = {
  id: true,
  name: true,
  logTypes: true,
  status: true,
  alarmEnabled: true,
  alarmThresholdMinutes: true,
  alarmRecipients: true,
  alarmState: true,
  alarmStateSince: true,
  alarmWatchedSince: true,
  lastEventReceivedAt: true,
  activatedAt: true,
} as const;

type Email = { kind: NotificationKind; recipients: readonly string[]; message: { subject: string; text: string; html: string } };

async function writeEntry(
  tx: DatabaseClient,
  entry: { sourceId: string; kind: AlarmHistoryKind; fromState: AlarmState | null; toState: AlarmState | null; quietSince: Date | null; thresholdMinutes: number; detail?: string | null },
  context: AlarmContext,
  email: Email | null,
): Promise<boolean> {
  const isHeld = email !== null && context.holdingIncidentId !== null && email.kind !== "alarm_recovered" && email.kind !== "first_data";
  const created = await tx.alarmHistory.create({
    data: { ...entry, at: context.now, recipients: email && !isHeld ? [...email.recipients] : [], heldBy: isHeld ? context.holdingIncidentId : null },
    select: { id: true },
  });
  if (!email || isHeld) return false;
  const notificationId = await enqueueNotification(tx, {
    kind: email.kind,
    sourceId: entry.sourceId,
    recipients: email.recipients,
    subject: email.message.subject,
    text: email.message.text,
    html: email.message.html,
    dedupeKey: `alarm_history:${created.id}`,
  });
  if (notificationId) await tx.alarmHistory.update({ where: { id: created.id }, data: { notificationId }, select: { id: true } });
  return notificationId !== null;
}

/** An entry's email that had not gone out when what it reported was over: withdrawn, and the entry says so. */
async function withdrawUnsent(tx: DatabaseClient, entryId: string, notificationId: string, now: Date): Promise<boolean> {
  if (!(await withdrawUnsentNotification(tx, notificationId, now))) return false;
  await tx.alarmHistory.update({
    where: { id: entryId },
    data: { recipients: [], detail: "Its email had not gone out yet (the mail server had refused it so far) when logs arrived again, so it was withdrawn." },
    select: { id: true },
  });
  return true;
}

/** Judges one source now and records what changed. */
export async function evaluateSourceAlarm(sourceId: string, context: AlarmContext): Promise<AlarmChange> {
  const { now, publicUrl } = context;
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM sources WHERE id = ${sourceId} FOR UPDATE`;
    const source = await tx.source.findUnique({ where: { id: sourceId }, select: SOURCE_FIELDS });
    if (!source) return null;
    // An evaluation that started earlier than one which has already judged this source (two runs
    // overlapping) would judge on an older clock and undo the newer judgement.
    if (source.alarmStateSince && source.alarmStateSince > now) return null;
    const judgement = judgeAlarm(source, now);
    const current = source.alarmState;
    const facts = { id: source.id, name: source.name, logTypes: source.logTypes };
    const base = { sourceId, fromState: current, thresholdMinutes: source.alarmThresholdMinutes };

    if (judgement.state === null) {
      if (current === null) return null;
      await writeEntry(tx, { ...base, kind: "unwatched", toState: null, quietSince: null, detail: UNWATCHED_REASONS[judgement.reason] }, context, null);
      await tx.source.update({ where: { id: sourceId }, data: { alarmState: null, alarmStateSince: now }, select: { id: true } });
      return { kind: "unwatched", isEmailed: false };
    }

    const { state, quietSince, isOverdue } = judgement;
    if (state !== current) {
      let kind: AlarmHistoryKind;
      let email: Email | null = null;
      if (state === "ALARM") {
        kind = "alarm";
        const lastPulls = await listLastPulls(sourceId, tx);
        email = { kind: "alarm", recipients: source.alarmRecipients, message: alarmMessage(facts, { quietSince, lastEventReceivedAt: source.lastEventReceivedAt, thresholdMinutes: source.alarmThresholdMinutes, at: now, lastPulls }, publicUrl) };
      } else if (current === "ALARM") {
        const opening = await findOpeningEntry(tx, sourceId, ["alarm"], source.alarmStateSince);
        const quietSinceBefore = opening?.quietSince ?? opening?.at ?? null;
        const hasNewLogs = source.lastEventReceivedAt !== null && (quietSinceBefore === null || source.lastEventReceivedAt > quietSinceBefore);
        if (!hasNewLogs) {
          // Still quiet, but no longer for longer than the threshold: it was raised.
          kind = "cleared";
        } else {
          kind = "recovered";
          // Told only if they were told of the alarm, and the same people. An alarm email still
          // waiting in the outbox (the mail server refused it so far) is withdrawn instead, so
          // nobody gets "logs again" before "no logs".
          if (opening?.notificationId && !(await withdrawUnsent(tx, opening.id, opening.notificationId, now))) {
            const message = alarmRecoveredMessage(facts, { quietSince: quietSinceBefore ?? now, recoveredAt: source.lastEventReceivedAt!, alarmedAt: opening.at }, publicUrl);
            email = { kind: "alarm_recovered", recipients: opening.recipients, message };
          }
        }
      } else if (current === "INSUFFICIENT_DATA") {
        kind = "first_data";
        const overdue = await findOpeningEntry(tx, sourceId, ["no_data_overdue"], source.alarmStateSince);
        if (overdue?.notificationId && source.lastEventReceivedAt && !(await withdrawUnsent(tx, overdue.id, overdue.notificationId, now))) {
          email = { kind: "first_data", recipients: overdue.recipients, message: firstDataMessage(facts, { watchedSince: overdue.quietSince ?? overdue.at, receivedAt: source.lastEventReceivedAt }, publicUrl) };
        }
      } else {
        kind = "watching";
      }
      const isEmailed = await writeEntry(tx, { ...base, kind, toState: state, quietSince }, context, email);
      await tx.source.update({ where: { id: sourceId }, data: { alarmState: state, alarmStateSince: now }, select: { id: true } });
      return { kind, isEmailed };
    }

    if (state === "INSUFFICIENT_DATA" && isOverdue) {
      const overdue = await findOpeningEntry(tx, sourceId, ["no_data_overdue"], source.alarmStateSince);
      if (!overdue) {
        const lastPulls = await listLastPulls(sourceId, tx);
        const message = noDataYetMessage(facts, { watchedSince: quietSince, thresholdMinutes: source.alarmThresholdMinutes, at: now, lastPulls }, publicUrl);
        const isEmailed = await writeEntry(tx, { ...base, kind: "no_data_overdue", toState: state, quietSince }, context, { kind: "no_data_yet", recipients: source.alarmRecipients, message });
        return { kind: "no_data_overdue", isEmailed };
      }
    }

    // An alarm (or no-data notice) held back during a Tributary incident: once Tributary is well
    // again and the source is still quiet, the drop-off is real, and its recipients hear of it now.
    if (context.holdingIncidentId === null && (state === "ALARM" || (state === "INSUFFICIENT_DATA" && isOverdue))) {
      const held = await findOpeningEntry(tx, sourceId, state === "ALARM" ? ["alarm"] : ["no_data_overdue"], source.alarmStateSince);
      if (held && held.heldBy && !held.notificationId) {
        const lastPulls = await listLastPulls(sourceId, tx);
        const message =
          state === "ALARM"
            ? alarmMessage(facts, { quietSince, lastEventReceivedAt: source.lastEventReceivedAt, thresholdMinutes: source.alarmThresholdMinutes, at: now, lastPulls }, publicUrl)
            : noDataYetMessage(facts, { watchedSince: quietSince, thresholdMinutes: source.alarmThresholdMinutes, at: now, lastPulls }, publicUrl);
        const notificationId = await enqueueNotification(tx, {
          kind: state === "ALARM" ? "alarm" : "no_data_yet",
          sourceId,
          recipients: source.alarmRecipients,
          ...message,
          dedupeKey: `alarm_history:${held.id}`,
        });
        await tx.alarmHistory.update({
          where: { id: held.id },
          data: { notificationId, recipients: notificationId ? source.alarmRecipients : [], detail: `Held while Tributary itself was failing; sent ${now.toISOString()} because the source was still quiet once it recovered.` },
          select: { id: true },
        });
        return { kind: "released", isEmailed: notificationId !== null };
      }
    }
    return null;
  });
}

/** Alarm settings changed on the source page. The next evaluation (within a minute) applies them. */
export async function updateAlarmSettings(settings: AlarmSettings, audit: AuditContext): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  return db.$transaction(async (tx) => {
    const source = await tx.source.findUnique({ where: { id: settings.sourceId }, select: { id: true, name: true, alarmEnabled: true, alarmThresholdMinutes: true, alarmRecipients: true } });
    if (!source) return { ok: false as const, reason: "not_found" as const };
    await tx.source.update({
      where: { id: source.id },
      data: { alarmEnabled: settings.isEnabled, alarmThresholdMinutes: settings.thresholdMinutes, alarmRecipients: settings.recipients, updatedById: audit.actor.id },
      select: { id: true },
    });
    const details = {
      alarmEnabled: settings.isEnabled,
      alarmThresholdMinutes: settings.thresholdMinutes,
      alarmRecipients: settings.recipients,
      previousAlarmEnabled: source.alarmEnabled,
      previousAlarmThresholdMinutes: source.alarmThresholdMinutes,
      previousAlarmRecipients: source.alarmRecipients,
    };
    await recordAudit(audit, { action: "source.alarm_updated", target: { type: "source", id: source.id, label: source.name }, details }, tx);
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------------------------------------
// Tributary's own incidents.

/** When the evaluator last ran, returning the time before: a long gap means no worker was running. */
export async function markAlarmsEvaluated(now: Date): Promise<Date | null> {
  return db.$transaction(async (tx) => {
    const [previous] = await tx.$queryRaw<{ at: Date }[]>`SELECT at FROM system_state WHERE key = 'alarms.evaluated_at' FOR UPDATE`;
    await tx.$executeRaw`INSERT INTO system_state (key, at) VALUES ('alarms.evaluated_at', ${now}) ON CONFLICT (key) DO UPDATE SET at = GREATEST(system_state.at, EXCLUDED.at)`;
    return previous?.at ?? null;
  });
}

/**
 * Opens an incident of this kind unless one is open (the partial unique index decides between
 * racing processes) and tells the admins once. Returns the open incident's ID.
 */
export async function openIncident(kind: IncidentKind, startedAt: Date, detail: string, context: { now: Date; publicUrl: string; sourcesAffected: number }): Promise<{ id: string | null; isNew: boolean }> {
  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO system_incidents (id, kind, started_at, detail, updated_at)
      VALUES (${`inc_${crypto.randomUUID()}`}, ${kind}, ${startedAt}, ${detail}, ${context.now})
      ON CONFLICT (kind) WHERE ended_at IS NULL DO NOTHING
      RETURNING id`;
    if (inserted[0]) {
      const message = systemIncidentMessage({ kind, startedAt, detail, sourcesAffected: context.sourcesAffected }, context.publicUrl);
      await enqueueNotification(tx, { kind: "system_incident", sourceId: null, recipients: await listAdminEmails(tx), ...message, dedupeKey: `incident:${inserted[0].id}` });
      return { id: inserted[0].id, isNew: true };
    }
    // Already open: keep its start, refresh what it says (the commonest error may have changed).
    const [open] = await tx.$queryRaw<{ id: string }[]>`
      UPDATE system_incidents SET detail = ${detail}, updated_at = ${context.now} WHERE kind = ${kind} AND ended_at IS NULL RETURNING id`;
    // (Closed by another process between the two statements: nothing is open to refresh.)
    return { id: open?.id ?? null, isNew: false };
  });
}

/** Ends the open incident of this kind, if any, and tells the admins how long it lasted. */
export async function closeIncident(kind: IncidentKind, context: { now: Date; publicUrl: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [closed] = await tx.$queryRaw<{ id: string; started_at: Date; detail: string }[]>`
      UPDATE system_incidents SET ended_at = ${context.now}, updated_at = ${context.now}
      WHERE kind = ${kind} AND ended_at IS NULL RETURNING id, started_at, detail`;
    if (!closed) return false;
    const heldAlarms = await tx.alarmHistory.count({ where: { heldBy: closed.id } });
    const message = systemRecoveredMessage({ kind, startedAt: closed.started_at, endedAt: context.now, detail: closed.detail, heldAlarms }, context.publicUrl);
    await enqueueNotification(tx, { kind: "system_recovered", sourceId: null, recipients: await listAdminEmails(tx), ...message, dedupeKey: `incident_end:${closed.id}` });
    return true;
  });
}

/**
 * An outage noticed only once it was over (no worker ran, and no web process was there to see it):
 * recorded already closed, with one notice to the admins saying when it was.
 */
export async function recordPastIncident(kind: IncidentKind, startedAt: Date, detail: string, context: { now: Date; publicUrl: string }): Promise<string> {
  return db.$transaction(async (tx) => {
    const incident = await tx.systemIncident.create({ data: { kind, startedAt, endedAt: context.now, detail, updatedAt: context.now }, select: { id: true } });
    const message = systemRecoveredMessage({ kind, startedAt, endedAt: context.now, detail, heldAlarms: 0 }, context.publicUrl);
    await enqueueNotification(tx, { kind: "system_recovered", sourceId: null, recipients: await listAdminEmails(tx), ...message, dedupeKey: `incident_end:${incident.id}` });
    return incident.id;
  });
}
