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
