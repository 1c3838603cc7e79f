import { db } from "@/lib/db";
import type { WorkerIdentity } from "@/features/system/schema";

/** The process is alive and reaches Postgres. */
export async function recordWorkerAlive(identity: WorkerIdentity, seenAt = new Date()) {
  await db.workerHeartbeat.upsert({
    where: { workerId: identity.workerId },
    create: { ...identity, lastSeenAt: seenAt },
    update: { lastSeenAt: seenAt },
  });
}

/** This process just ran a scheduled job: schedulers fire and Redis hands out work. */
export async function recordScheduledJobRun(identity: WorkerIdentity, ranAt = new Date()) {
  await db.workerHeartbeat.upsert({
    where: { workerId: identity.workerId },
    create: { ...identity, lastSeenAt: ranAt, lastJobAt: ranAt },
    update: { lastSeenAt: ranAt, lastJobAt: ranAt },
  });
}

/** Forgets workers silent for a day, so restarts do not pile up rows. */
export async function deleteStaleWorkerHeartbeats(olderThan: Date) {
  const { count } = await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: olderThan } } });
  return count;
}
