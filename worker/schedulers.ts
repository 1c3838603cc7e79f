import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_SCHEDULER_ID, SYSTEM_JOB, type QueueName } from "@/lib/queue/queues";

type DesiredScheduler = {
  queue: QueueName;
  id: string;
  everyMs: number;
  jobName: string;
  data: Record<string, unknown>;
};

/**
 * What should be scheduled, derived from Postgres alone. Later issues add one pull scheduler per
 * (source, log type) here; for now only the system heartbeat exists.
 */
async function listDesiredSchedulers(): Promise<DesiredScheduler[]> {
  return [{ queue: "system", id: HEARTBEAT_SCHEDULER_ID, everyMs: HEARTBEAT_INTERVAL_MS, jobName: SYSTEM_JOB.heartbeat, data: {} }];
}

/**
 * Makes Redis's job schedulers match Postgres. Run at every worker boot because Redis may have lost
 * everything (or kept schedulers for sources deleted meanwhile). Upserts are idempotent, so any
 * number of workers booting at once converge on the same set.
 */
export async function reconcileSchedulers(queues: Record<QueueName, Queue>, logger: Logger) {
  const desired = await listDesiredSchedulers();
  let removed = 0;
  for (const [name, queue] of Object.entries(queues) as [QueueName, Queue][]) {
    const wanted = new Set(desired.filter((scheduler) => scheduler.queue === name).map((scheduler) => scheduler.id));
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      if (!wanted.has(existing.key)) {
        await queue.removeJobScheduler(existing.key);
        removed += 1;
      }
    }
  }
  for (const scheduler of desired) {
    await queues[scheduler.queue].upsertJobScheduler(
      scheduler.id,
      { every: scheduler.everyMs },
      { name: scheduler.jobName, data: scheduler.data },
    );
  }
  logger.info({ schedulers: desired.length, removed }, "job schedulers reconciled");
}
