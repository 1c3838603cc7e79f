import type { IncidentKind } from "@/features/alarms/schema";
import type { LastPull } from "@/features/notifications/messages";
import { db, type DatabaseClient } from "@/lib/db";

// Reads for the alarm evaluator and the console's alarm views.

/** Sources the evaluator looks at, with what it judges them on: those it may watch, and those it watched last time (to record the stop). */
export async function listAlarmCandidates() {
  return db.source.findMany({
    where: { OR: [{ status: { in: ["ACTIVE", "ERROR"] } }, { alarmState: { not: null } }] },
    select: { id: true, status: true, alarmEnabled: true, alarmThresholdMinutes: true, alarmState: true, lastEventReceivedAt: true, alarmWatchedSince: true, activatedAt: true },
    orderBy: { id: "asc" },
  });
}

/** The newest scheduled or manual run of each log type: what an alarm email reports as "the last pull". */
export async function listLastPulls(sourceId: string, client: DatabaseClient = db): Promise<LastPull[]> {
  const rows = await client.$queryRaw<{ log_type: string; outcome: string; started_at: Date; finished_at: Date | null; error_code: string | null; error: string | null; stored: number }[]>`
    SELECT DISTINCT ON (log_type) log_type, outcome::text AS outcome, started_at, finished_at, error_code, error, stored
    FROM pull_runs
    WHERE source_id = ${sourceId} AND trigger <> 'REPLAY'
    ORDER BY log_type, started_at DESC`;
  return rows.map((row) => ({ logType: row.log_type, outcome: row.outcome, startedAt: row.started_at, finishedAt: row.finished_at, errorCode: row.error_code, error: row.error }));
}

/** The history entry that opened the source's current state, if it was of one of these kinds. */
export async function findOpeningEntry(client: DatabaseClient, sourceId: string, kinds: string[], since: Date | null) {
  return client.alarmHistory.findFirst({
    where: { sourceId, kind: { in: kinds }, ...(since ? { at: { gte: since } } : {}) },
    orderBy: { at: "desc" },
  });
}

export async function listAdminEmails(client: DatabaseClient = db): Promise<string[]> {
  const admins = await client.user.findMany({ where: { role: "ADMIN", disabledAt: null }, select: { email: true }, orderBy: { email: "asc" } });
  return admins.map((admin) => admin.email);
}

export async function findOpenIncidents(client: DatabaseClient = db) {
  return client.systemIncident.findMany({ where: { endedAt: null }, orderBy: { startedAt: "asc" } });
}

/** The incident alarm emails are held for: an open one, or one that ended less than `graceMs` ago. */
export async function findHoldingIncident(now: Date, graceMs: number, client: DatabaseClient = db) {
  return client.systemIncident.findFirst({
    where: { OR: [{ endedAt: null }, { endedAt: { gte: new Date(now.getTime() - graceMs) } }] },
    orderBy: { startedAt: "desc" },
  });
}

export type PullingFacts = { fleet: number; pulling: number; runs: number; topErrorCode: string | null; topError: string | null; topErrorCount: number };

/**
 * Whether any active source has pulled successfully since `since`, among those active for longer
 * than that (a source activated a minute ago has not had its chance yet). Sources in ERROR are left
 * out: their problem is their own (a revoked token), and they are emailed about it already.
 */
export async function loadPullingFacts(since: Date): Promise<PullingFacts> {
  const [fleet] = await db.$queryRaw<{ fleet: number; pulling: number }[]>`
    SELECT count(*)::int AS fleet,
           count(*) FILTER (WHERE EXISTS (
             SELECT 1 FROM pull_runs r
             WHERE r.source_id = s.id AND r.started_at >= ${new Date(since.getTime() - 60 * 60_000)}
               AND r.finished_at >= ${since} AND r.outcome IN ('SUCCEEDED', 'INCOMPLETE')
           ))::int AS pulling
    FROM sources s
    WHERE s.status = 'ACTIVE' AND COALESCE(s.alarm_watched_since, s.activated_at) < ${since}`;
  const [runs] = await db.$queryRaw<{ runs: number }[]>`
    SELECT count(*)::int AS runs FROM pull_runs r JOIN sources s ON s.id = r.source_id
    WHERE s.status = 'ACTIVE' AND r.started_at >= ${since}`;
  const [top] = await db.$queryRaw<{ error_code: string | null; error: string | null; count: number }[]>`
    SELECT r.error_code, max(r.error) AS error, count(*)::int AS count FROM pull_runs r JOIN sources s ON s.id = r.source_id
    WHERE s.status = 'ACTIVE' AND r.started_at >= ${since} AND r.outcome IN ('FAILED', 'ABANDONED', 'INCOMPLETE') AND r.error_code IS NOT NULL
    GROUP BY r.error_code ORDER BY count(*) DESC LIMIT 1`;
  return { fleet: fleet?.fleet ?? 0, pulling: fleet?.pulling ?? 0, runs: runs?.runs ?? 0, topErrorCode: top?.error_code ?? null, topError: top?.error ?? null, topErrorCount: top?.count ?? 0 };
}

/** The most recent report of any worker process, or null if none ever ran. */
export async function findLatestWorkerSighting(): Promise<Date | null> {
  const latest = await db.workerHeartbeat.aggregate({ _max: { lastSeenAt: true } });
  return latest._max.lastSeenAt;
}

export type IncidentRow = { id: string; kind: IncidentKind; startedAt: Date; endedAt: Date | null; detail: string };

/** A source's alarm history for its page: newest first, with what became of each email. */
export async function listAlarmHistory(sourceId: string, take = 50) {
  const rows = await db.alarmHistory.findMany({
    where: { sourceId },
    orderBy: { at: "desc" },
    take,
    include: { notification: { select: { sentAt: true, isUnconfirmed: true, lastError: true, attempts: true, nextAttemptAt: true } } },
  });
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind,
    fromState: row.fromState,
    toState: row.toState,
    quietSince: row.quietSince,
    thresholdMinutes: row.thresholdMinutes,
    recipients: row.recipients,
    heldBy: row.heldBy,
    detail: row.detail,
    email: row.notification
      ? {
          status: row.notification.sentAt ? (row.notification.isUnconfirmed ? ("unconfirmed" as const) : ("sent" as const)) : row.notification.lastError ? ("retrying" as const) : ("queued" as const),
          sentAt: row.notification.sentAt,
          lastError: row.notification.lastError,
          nextAttemptAt: row.notification.nextAttemptAt,
        }
      : null,
  }));
}
export type AlarmHistoryEntry = Awaited<ReturnType<typeof listAlarmHistory>>[number];

/** Every source's alarm for the Alarms page, and Tributary's own incidents. */
export async function loadAlarmsOverview() {
  const [sources, incidents] = await Promise.all([
    db.source.findMany({
      where: { status: { in: ["ACTIVE", "ERROR", "PAUSED"] } },
      orderBy: [{ name: "asc" }],
      select: {
        id: true,
        name: true,
        status: true,
        alarmEnabled: true,
        alarmState: true,
        alarmStateSince: true,
        alarmThresholdMinutes: true,
        alarmRecipients: true,
        lastEventReceivedAt: true,
      },
    }),
    db.systemIncident.findMany({ orderBy: { startedAt: "desc" }, take: 20 }),
  ]);
  return { sources, incidents: incidents as IncidentRow[] };
}
