import type { Server } from "node:http";
import type { Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import { disconnectDatabase } from "@/lib/db";
import type { RedisClient } from "@/lib/redis-client";

export type Resources = { workers: Worker[]; queues: Queue[]; redis: RedisClient; healthServer?: Server; timers: NodeJS.Timeout[]; closeOthers?: () => Promise<void> };

// A job still running after this is abandoned; BullMQ's stalled-job check hands it to another worker.
const SHUTDOWN_TIMEOUT_MS = 25_000;

/**
 * Order matters (langfuse): stop taking jobs and let running ones finish, then close queues, then
 * Redis, then Postgres, which the running jobs were still writing to.
 */
export async function shutdown(resources: Resources, logger: Logger) {
  const timer = setTimeout(() => {
    logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "shutdown timed out; exiting");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  for (const periodic of resources.timers) clearInterval(periodic);
  await Promise.all(resources.workers.map((worker) => worker.close()));
  await Promise.all(resources.queues.map((queue) => queue.close()));
  await resources.closeOthers?.();
  await resources.redis.quit().catch(() => resources.redis.disconnect());
  await disconnectDatabase();
  await new Promise<void>((resolve) => (resources.healthServer ? resources.healthServer.close(() => resolve()) : resolve()));
  clearTimeout(timer);
}
