import { db } from "@/lib/db";
import { WORKER_STALE_AFTER_MS, type SystemStatus } from "@/features/system/schema";

export async function getSystemStatus(now = new Date()): Promise<SystemStatus> {
  const freshSince = new Date(now.getTime() - WORKER_STALE_AFTER_MS);
  const [latest, activeWorkers] = await Promise.all([
    db.workerHeartbeat.findFirst({
      orderBy: { lastSeenAt: "desc" },
      select: { hostname: true, pid: true, version: true, lastSeenAt: true },
    }),
    db.workerHeartbeat.count({ where: { lastSeenAt: { gte: freshSince } } }),
  ]);
  if (!latest) return { checkedAt: now.toISOString(), worker: { state: "never_seen" } };
  return {
    checkedAt: now.toISOString(),
    worker: {
      state: latest.lastSeenAt >= freshSince ? "online" : "offline",
      hostname: latest.hostname,
      pid: latest.pid,
      version: latest.version,
      lastSeenAt: latest.lastSeenAt.toISOString(),
      activeWorkers,
    },
  };
}
