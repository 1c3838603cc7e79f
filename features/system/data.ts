import { db } from "@/lib/db";
import { SCHEDULED_JOBS_STALE_AFTER_MS, WORKER_STALE_AFTER_MS, type SystemStatus } from "@/features/system/schema";

export async function getSystemStatus(now = new Date()): Promise<SystemStatus> {
  const freshSince = new Date(now.getTime() - WORKER_STALE_AFTER_MS);
  const [latest, activeWorkers, jobs] = await Promise.all([
    db.workerHeartbeat.findFirst({
      orderBy: { lastSeenAt: "desc" },
      select: { hostname: true, pid: true, version: true, lastSeenAt: true },
    }),
    db.workerHeartbeat.count({ where: { lastSeenAt: { gte: freshSince } } }),
    db.workerHeartbeat.aggregate({ _max: { lastJobAt: true } }),
  ]);
  const lastJobAt = jobs._max.lastJobAt;
  return {
    checkedAt: now.toISOString(),
    worker: latest
      ? {
          state: latest.lastSeenAt >= freshSince ? "online" : "offline",
          hostname: latest.hostname,
          pid: latest.pid,
          version: latest.version,
          lastSeenAt: latest.lastSeenAt.toISOString(),
          activeWorkers,
        }
      : { state: "never_seen" },
    scheduledJobs: lastJobAt
      ? {
          state: now.getTime() - lastJobAt.getTime() <= SCHEDULED_JOBS_STALE_AFTER_MS ? "running" : "stalled",
          lastRunAt: lastJobAt.toISOString(),
        }
      : { state: "never_ran" },
  };
}

export type FleetCounts = {
  sourcesByStatus: { status: string; count: number }[];
  sourcesByAlarmState: { state: string; count: number }[];
  notifications: { pending: number; retrying: number; sent: number; unconfirmed: number };
  openIncidents: { kind: string; count: number }[];
  workersAlive: number;
};

/** The fleet as Prometheus reads it from the web's /api/metrics: counts only, one query each. */
export async function loadFleetCounts(now = new Date()): Promise<FleetCounts> {
  const [byStatus, byAlarm, notifications, incidents, workersAlive] = await Promise.all([
    db.source.groupBy({ by: ["status"], _count: { _all: true } }),
    // Only sources whose alarm is watched have a state.
    db.source.groupBy({ by: ["alarmState"], where: { alarmState: { not: null } }, _count: { _all: true } }),
    db.$queryRaw<{ pending: number; retrying: number; sent: number; unconfirmed: number }[]>`
      SELECT count(*) FILTER (WHERE sent_at IS NULL AND attempts = 0)::int AS pending,
             count(*) FILTER (WHERE sent_at IS NULL AND attempts > 0)::int AS retrying,
             count(*) FILTER (WHERE sent_at IS NOT NULL AND NOT is_unconfirmed)::int AS sent,
             count(*) FILTER (WHERE sent_at IS NOT NULL AND is_unconfirmed)::int AS unconfirmed
      FROM notifications`,
    db.systemIncident.groupBy({ by: ["kind"], where: { endedAt: null }, _count: { _all: true } }),
    db.workerHeartbeat.count({ where: { lastSeenAt: { gte: new Date(now.getTime() - WORKER_STALE_AFTER_MS) } } }),
  ]);
  return {
    sourcesByStatus: byStatus.map((row) => ({ status: row.status, count: row._count._all })),
    sourcesByAlarmState: byAlarm.map((row) => ({ state: row.alarmState!, count: row._count._all })),
    notifications: notifications[0] ?? { pending: 0, retrying: 0, sent: 0, unconfirmed: 0 },
    openIncidents: incidents.map((row) => ({ kind: row.kind, count: row._count._all })),
    workersAlive,
  };
}
