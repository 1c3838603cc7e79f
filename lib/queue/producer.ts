import type { Queue } from "bullmq";
import { getEnv } from "@/lib/env";
import { createQueue, pullSchedulerId, REPLAY_JOB, replayPayloadSchema, schedulePulls, type PullPayload, type QueueName } from "@/lib/queue/queues";
import { openRedis, type RedisClient } from "@/lib/redis-client";

// Queues as the web server uses them: to add work, never to consume it. Unlike the worker's
// connection, commands fail fast while Redis is away, so a page or action never hangs on it;
// Postgres stays the truth and the worker's reconciliation schedules whatever was missed.

const globalForQueues = globalThis as unknown as { producerQueues?: Map<QueueName, Queue>; producerRedis?: RedisClient };

const PRODUCER_TIMEOUT_MS = 3_000;

export function getProducerQueue(name: QueueName): Queue {
  const env = getEnv();
  globalForQueues.producerQueues ??= new Map();
  let queue = globalForQueues.producerQueues.get(name);
  if (!queue) {
    globalForQueues.producerRedis ??= openRedis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: PRODUCER_TIMEOUT_MS, isCluster: env.REDIS_CLUSTER });
    // Errors surface on the commands; the connection's own events would only repeat them.
    globalForQueues.producerRedis.on("error", () => {});
    queue = createQueue(name, globalForQueues.producerRedis, env.QUEUE_PREFIX);
    queue.on("error", () => {});
    globalForQueues.producerQueues.set(name, queue);
  }
  return queue;
}

/**
 * Whether the producers' Redis connection is ready, or becomes so within the deadline. BullMQ waits
 * for a connection's first "ready" without any limit, so a caller that must not hang asks this first.
 */
export async function waitForProducerRedis(): Promise<boolean> {
  const redis = globalForQueues.producerRedis;
  if (!redis) return false;
  if (redis.status === "ready") return true;
  return withQueueDeadline(() => new Promise((resolve) => redis.once("ready", resolve)));
}

/** Runs queue work with a deadline; false when Redis did not take it in time. */
async function withQueueDeadline(work: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("queue deadline")), PRODUCER_TIMEOUT_MS)))]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Schedules the pulls of a source that just became active (or active again) and queues the first at
 * once. False when Redis did not answer in time: Postgres already says what should run, and the
 * worker's reconciliation schedules it within minutes.
 */
export async function schedulePullsNow(targets: PullPayload[], activationId: string): Promise<boolean> {
  return withQueueDeadline(() => schedulePulls(getProducerQueue("pulls"), targets, getEnv().PULL_INTERVAL_SECONDS * 1000, activationId));
}

/**
 * Stops the schedules of a paused source at once. False when Redis did not answer in time: the
 * worker skips pulls of a paused source anyway, and its reconciliation removes the schedules.
 */
export async function removePullSchedulesNow(targets: PullPayload[]): Promise<boolean> {
  return withQueueDeadline(async () => {
    const queue = getProducerQueue("pulls");
    for (const target of targets) await queue.removeJobScheduler(pullSchedulerId(target));
  });
}

/** Queues a replay's first run (job ID = replay ID, so queueing it twice runs it once). False when Redis did not take it in time. */
export async function enqueueReplayNow(replayId: string): Promise<boolean> {
  const data = replayPayloadSchema.parse({ replayId });
  return withQueueDeadline(() => getProducerQueue("pulls").add(REPLAY_JOB, data, { jobId: `replay-${replayId}` }));
}

/** Closes the producer's queues and connection: a command-line process would otherwise never exit. */
export async function closeProducerQueues() {
  const queues = globalForQueues.producerQueues;
  const redis = globalForQueues.producerRedis;
  globalForQueues.producerQueues = undefined;
  globalForQueues.producerRedis = undefined;
  await Promise.all([...(queues?.values() ?? [])].map((queue) => queue.close().catch(() => {})));
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
