import { createHash } from "node:crypto";
import { Queue, type ConnectionOptions, type DefaultJobOptions } from "bullmq";
import { z } from "zod";

// Queue names, payload schemas and producers shared by web and worker. Payloads carry IDs only;
// Postgres holds the truth, Redis only the work to do.

export const QUEUE_NAMES = ["system", "pulls"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const SYSTEM_JOB = { heartbeat: "heartbeat", deliverNotifications: "deliver-notifications", evaluateAlarms: "evaluate-alarms", finishErasures: "finish-erasures", maintainEventPartitions: "maintain-event-partitions" } as const;

/** The heartbeat proves end to end that schedulers fire and some worker takes jobs off Redis. */
export const HEARTBEAT_SCHEDULER_ID = "system:heartbeat";
export const HEARTBEAT_INTERVAL_MS = 30_000;

export const heartbeatPayloadSchema = z.object({}).strict();

/** The outbox is delivered this often (and a failed notice waits its backoff on top). */
export const NOTIFICATIONS_SCHEDULER_ID = "system:deliver-notifications";
export const NOTIFICATIONS_INTERVAL_MS = 15_000;
export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;

/** Drop-off alarms are judged every minute (features/alarms/jobs.ts). */
export const ALARMS_SCHEDULER_ID = "system:evaluate-alarms";
export const ALARMS_INTERVAL_MS = 60_000;

/** Events of a deleted source whose erasure stopped half-way are finished off this often (features/sources/jobs.ts). */
export const ERASURES_SCHEDULER_ID = "system:finish-erasures";
export const ERASURES_INTERVAL_MS = 5 * 60_000;

/** Event partitions are created ahead and expired months dropped this often (features/events/jobs.ts), and at every worker start. */
export const EVENT_PARTITIONS_SCHEDULER_ID = "system:event-partitions";
export const EVENT_PARTITIONS_INTERVAL_MS = 6 * 3600_000;

export const PULL_JOB = "pull";

/** One pull of one log type of one source. The log type is checked against the registry by the consumer. */
export const pullPayloadSchema = z.object({ sourceId: z.string().min(1).max(64), logType: z.string().min(1).max(64) }).strict();
export type PullPayload = z.infer<typeof pullPayloadSchema>;

/** One run of a replay (features/pulls/jobs.ts runReplay): re-reads a window an operator chose. */
export const REPLAY_JOB = "replay";
export const replayPayloadSchema = z.object({ replayId: z.string().min(1).max(64) }).strict();
export type ReplayPayload = z.infer<typeof replayPayloadSchema>;

/** One scheduler per (source, log type): upserting it again changes nothing, so any process may. */
export function pullSchedulerId({ sourceId, logType }: PullPayload): string {
  return `pull:${sourceId}:${logType}`;
}

/**
 * Where in each interval a pull falls: a fixed point derived from its scheduler ID, so a fleet's
 * pulls spread evenly over the interval. Without it every scheduler created in one go (a worker
 * rebuilding them all after Redis lost its data, an import of many sources) would fall due in the
 * same few seconds of every interval, forever, and the last of them would start late each time.
 * Never 0, which BullMQ reads as "no offset".
 */
export function pullSchedulePhase(schedulerId: string, everyMs: number): number {
  const digest = createHash("sha256").update(schedulerId).digest();
  return (digest.readUInt32BE(0) % (everyMs - 1)) + 1;
}

/**
 * Schedules every log type of a source every `everyMs` and enqueues a first pull at once, so a new
 * source's first events do not wait a whole interval. The first pull's job ID is derived from the
 * activation, so pressing Finish twice enqueues it once (BullMQ IDs may not contain ':').
 */
export async function schedulePulls(queue: Queue, targets: PullPayload[], everyMs: number, activationId: string) {
  for (const target of targets) {
    const data = pullPayloadSchema.parse(target);
    const schedulerId = pullSchedulerId(data);
    await queue.upsertJobScheduler(schedulerId, { every: everyMs, offset: pullSchedulePhase(schedulerId, everyMs) }, { name: PULL_JOB, data });
    await queue.add(PULL_JOB, data, { jobId: `first-${data.sourceId}-${data.logType}-${activationId}`.replace(/[^A-Za-z0-9_.-]/g, "_") });
  }
}

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  // A transient failure (5xx, timeout, reset, malformed answer) is retried at about 5, 10 and 20 s,
  // each delay drawn from its upper half so that many sources failing together do not retry in step.
  attempts: 4,
  backoff: { type: "exponential", delay: 5_000, jitter: 0.5 },
  // Keep enough history to debug a failing job without letting Redis grow without bound.
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export function createQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
}
