import type { JobSchedulerJson, Queue } from "bullmq";
import type { Logger } from "pino";
import { listUnfinishedReplayIds } from "@/features/pulls/data";
import { updateReplayStatus } from "@/features/pulls/mutations";
import { listPullTargets } from "@/features/sources/data";
import { getEnv } from "@/lib/env";
import { ALARMS_INTERVAL_MS, ALARMS_SCHEDULER_ID, ERASURES_INTERVAL_MS, ERASURES_SCHEDULER_ID, EVENT_PARTITIONS_INTERVAL_MS, EVENT_PARTITIONS_SCHEDULER_ID, HEARTBEAT_INTERVAL_MS, HEARTBEAT_SCHEDULER_ID, NOTIFICATIONS_INTERVAL_MS, NOTIFICATIONS_SCHEDULER_ID, PULL_JOB, pullSchedulePhase, pullSchedulerId, REPLAY_JOB, SYSTEM_JOB, type QueueName } from "@/lib/queue/queues";

type DesiredScheduler = {
  queue: QueueName;
  id: string;
  everyMs: number;
  /** Where in the interval it falls (pulls only; see pullSchedulePhase). */
  offsetMs?: number;
  jobName: string;
  data: Record<string, unknown>;
};

/** Redis can be flushed without the connection dropping; re-check this often even when all looks well. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;

/** What should be scheduled, derived from Postgres alone: the system jobs, and a pull per (active source, log type). */
export async function listDesiredSchedulers(): Promise<DesiredScheduler[]> {
  const everyMs = getEnv().PULL_INTERVAL_SECONDS * 1000;
  const pulls = (await listPullTargets()).map((target) => {
    const id = pullSchedulerId(target);
    return { queue: "pulls" as const, id, everyMs, offsetMs: pullSchedulePhase(id, everyMs), jobName: PULL_JOB, data: target };
  });
  return [
    { queue: "system", id: HEARTBEAT_SCHEDULER_ID, everyMs: HEARTBEAT_INTERVAL_MS, jobName: SYSTEM_JOB.heartbeat, data: {} },
    { queue: "system", id: NOTIFICATIONS_SCHEDULER_ID, everyMs: NOTIFICATIONS_INTERVAL_MS, jobName: SYSTEM_JOB.deliverNotifications, data: {} },
    { queue: "system", id: ALARMS_SCHEDULER_ID, everyMs: ALARMS_INTERVAL_MS, jobName: SYSTEM_JOB.evaluateAlarms, data: {} },
    { queue: "system", id: ERASURES_SCHEDULER_ID, everyMs: ERASURES_INTERVAL_MS, jobName: SYSTEM_JOB.finishErasures, data: {} },
    { queue: "system", id: EVENT_PARTITIONS_SCHEDULER_ID, everyMs: EVENT_PARTITIONS_INTERVAL_MS, jobName: SYSTEM_JOB.maintainEventPartitions, data: {} },
    ...pulls,
  ];
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
  const current = new Map<string, JobSchedulerJson>();
  for (const { name, schedulers } of existing) {
    const wanted = new Set(desired.filter((scheduler) => scheduler.queue === name).map((scheduler) => scheduler.id));
    for (const scheduler of schedulers) {
      current.set(`${name}\0${scheduler.key}`, scheduler);
      if (wanted.has(scheduler.key)) continue;
      await queues[name].removeJobScheduler(scheduler.key);
      removed += 1;
    }
  }
  // A scheduler already as desired, with its next job in Redis, is left alone: upserting it would
  // pull that job out of the queue and put it back (BullMQ replaces the pending job), a scan of the
  // waiting list per scheduler when a large fleet has a backlog.
  let upserted = 0;
  const kept = await Promise.all(desired.map(async (scheduler) => isSchedulerCurrent(queues[scheduler.queue], current.get(`${scheduler.queue}\0${scheduler.id}`), scheduler)));
  for (const [index, scheduler] of desired.entries()) {
    const state = kept[index];
    if (state === "current") continue;
    // A scheduler made before pulls had phases keeps its old point in the interval through an
    // upsert (BullMQ reuses the pending job's time): it is made again to take its phase.
    if (state === "other_phase") await queues[scheduler.queue].removeJobScheduler(scheduler.id);
    const repeat = { every: scheduler.everyMs, ...(scheduler.offsetMs === undefined ? {} : { offset: scheduler.offsetMs }) };
    await queues[scheduler.queue].upsertJobScheduler(scheduler.id, repeat, { name: scheduler.jobName, data: scheduler.data });
    upserted += 1;
  }
  const requeued = await reconcileReplays(queues.pulls);
  logger.info({ schedulers: desired.length, upserted, removed, requeuedReplays: requeued }, "job schedulers reconciled");
}

async function isSchedulerCurrent(queue: Queue, existing: JobSchedulerJson | undefined, desired: DesiredScheduler): Promise<"current" | "other_phase" | "stale"> {
  if (!existing || existing.every !== desired.everyMs || existing.name !== desired.jobName) return "stale";
  if (JSON.stringify(existing.template?.data ?? {}) !== JSON.stringify(desired.data)) return "stale";
  if (desired.offsetMs !== undefined && (existing.next === undefined || existing.next % desired.everyMs !== desired.offsetMs)) return "other_phase";
  if (desired.offsetMs !== undefined && existing.offset !== desired.offsetMs) return "stale";
  // Its next job must exist, or the scheduler would never fire again (a job removed by hand).
  if (existing.next === undefined) return "stale";
  return (await queue.getJob(`repeat:${desired.id}:${existing.next}`)) ? "current" : "stale";
}

/** Every unfinished replay has a live job: queued again when Redis has none, failed when the queue gave up on it. */
async function reconcileReplays(queue: Queue): Promise<number> {
  let requeued = 0;
  for (const replayId of await listUnfinishedReplayIds()) {
    const jobId = `replay-${replayId}`;
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : null;
    if (state === "failed") {
      await updateReplayStatus(replayId, "FAILED", { errorCode: "queue_gave_up", error: `The queue gave up on the replay after its retries: ${job?.failedReason ?? "no reason recorded"}` });
    } else if (job === undefined || state === "completed" || state === "unknown") {
      // A completed job of an unfinished replay stopped early without asking to run again (a
      // command-line replay interrupted, say): its ID is free once the old job is gone.
      if (job) await job.remove().catch(() => {});
      await queue.add(REPLAY_JOB, { replayId }, { jobId });
      requeued += 1;
    }
  }
  return requeued;
}
