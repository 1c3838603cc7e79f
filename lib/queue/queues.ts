import { Queue, type ConnectionOptions, type DefaultJobOptions } from "bullmq";
import { z } from "zod";

// Queue names, payload schemas and producers shared by web and worker. Payloads carry IDs only;
// Postgres holds the truth, Redis only the work to do.

export const QUEUE_NAMES = ["system"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export const SYSTEM_JOB = { heartbeat: "heartbeat" } as const;

/** The heartbeat proves end to end that schedulers fire and some worker takes jobs off Redis. */
export const HEARTBEAT_SCHEDULER_ID = "system:heartbeat";
export const HEARTBEAT_INTERVAL_MS = 30_000;

export const heartbeatPayloadSchema = z.object({}).strict();
export type HeartbeatPayload = z.infer<typeof heartbeatPayloadSchema>;

export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 5_000 },
  // Keep enough history to debug a failing job without letting Redis grow without bound.
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
};

export function createQueue(name: QueueName, connection: ConnectionOptions, prefix: string): Queue {
  return new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
}
