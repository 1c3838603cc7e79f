import { db } from "@/lib/db";
import type { WorkerIdentity } from "@/features/system/schema";

export async function recordWorkerHeartbeat(identity: WorkerIdentity, seenAt = new Date()) {
  await db.workerHeartbeat.upsert({
    where: { workerId: identity.workerId },
    create: { ...identity, lastSeenAt: seenAt },
    update: { lastSeenAt: seenAt },
  });
}

/** Forgets workers silent for a day, so restarts do not pile up rows. */
export async function deleteStaleWorkerHeartbeats(olderThan: Date) {
  const { count } = await db.workerHeartbeat.deleteMany({ where: { lastSeenAt: { lt: olderThan } } });
  return count;
}
