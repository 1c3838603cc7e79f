import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { listQueuedReplayIds } from "@/features/pulls/data";
import { listPullTargets } from "@/features/sources/data";
import { getEnv } from "@/lib/env";
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_SCHEDULER_ID, PULL_JOB, pullSchedulerId, REPLAY_JOB, SYSTEM_JOB, type QueueName } from "@/lib/queue/queues";

type DesiredScheduler = {
  queue: QueueName;
  id: string;
  everyMs: number;
  jobName: string;
  data: Record<string, unknown>;
};

/** Redis can be flushed without the connection dropping; re-check this often even when all looks well. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

/** What should be scheduled, derived from Postgres alone: the heartbeat, and a pull per (active source, log type). */
export async function listDesiredSchedulers(): Promise<DesiredScheduler[]> {
  const everyMs = getEnv().PULL_INTERVAL_SECONDS * 1000;
  const pulls = (await listPullTargets()).map((target) => ({ queue: "pulls" as const, id: pullSchedulerId(target), everyMs, jobName: PULL_JOB, data: target }));
  return [{ queue: "system", id: HEARTBEAT_SCHEDULER_ID, everyMs: HEARTBEAT_INTERVAL_MS, jobName: SYSTEM_JOB.heartbeat, data: {} }, ...pulls];
}

/**
 * Makes Redis's job schedulers match Postgres. Runs at every worker boot, after every Redis
 * reconnect and periodically, because Redis may have lost everything (or kept schedulers for sources
 * deleted meanwhile). Upserts are idempotent, so any number of workers converge on the same set.
 *
 * Redis is listed before Postgres is read: a scheduler that the web adds in between is then either
 * unseen (so not removed) or already backed by its Postgres row (so desired).
 */
export async function reconcileSchedulers(queues: Record<QueueName, Queue>, logger: Logger) {
  const existing = await Promise.all(
    (Object.entries(queues) as [QueueName, Queue][]).map(async ([name, queue]) => ({ name, schedulers: await queue.getJobSchedulers(0, -1) })),
  );
  const desired = await listDesiredSchedulers();
  let removed = 0;
  for (const { name, schedulers } of existing) {
    const wanted = new Set(desired.filter((scheduler) => scheduler.queue === name).map((scheduler) => scheduler.id));
    for (const scheduler of schedulers) {
      if (wanted.has(scheduler.key)) continue;
      await queues[name].removeJobScheduler(scheduler.key);
      removed += 1;
    }
  }
  for (const scheduler of desired) {
    await queues[scheduler.queue].upsertJobScheduler(scheduler.id, { every: scheduler.everyMs }, { name: scheduler.jobName, data: scheduler.data });
  }
  // The job ID is the replay's, so a replay whose job is still in Redis is not queued twice.
  const replays = await listQueuedReplayIds();
  for (const replayId of replays) await queues.pulls.add(REPLAY_JOB, { replayId }, { jobId: `replay-${replayId}` });
  logger.info({ schedulers: desired.length, removed, queuedReplays: replays.length }, "job schedulers reconciled");
}
