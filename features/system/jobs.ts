import type { Logger } from "pino";
import { deleteStaleWorkerHeartbeats, recordScheduledJobRun } from "@/features/system/mutations";
import type { WorkerIdentity } from "@/features/system/schema";

const FORGET_WORKERS_AFTER_MS = 24 * 3600 * 1000;

export async function runHeartbeat(identity: WorkerIdentity, logger: Logger, now = new Date()) {
  await recordScheduledJobRun(identity, now);
  const forgotten = await deleteStaleWorkerHeartbeats(new Date(now.getTime() - FORGET_WORKERS_AFTER_MS));
  if (forgotten > 0) logger.info({ forgotten }, "forgot workers silent for a day");
}
