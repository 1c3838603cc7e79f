import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Worker, type Job, type Queue } from "bullmq";
import type { Logger } from "pino";
import { maintainEventPartitions } from "@/features/events/jobs";
import { recordWorkerAlive } from "@/features/system/mutations";
import { WORKER_ALIVE_INTERVAL_MS, type WorkerIdentity } from "@/features/system/schema";
import { loadEnvFiles } from "@/lib/env";
import { reservePoolSize } from "@/lib/db";
import { createLogger } from "@/lib/logger";
import { createMailSender } from "@/lib/mail";
import { createWorkerMetrics } from "@/lib/metrics/worker";
import { createRedisConnection } from "@/lib/queue/connection";
import { createQueue, pullSchedulerId, QUEUE_NAMES, type QueueName } from "@/lib/queue/queues";
import { createReadinessProbe } from "@/lib/readiness";
import { verifyStartup } from "@/lib/startup";
import { APP_VERSION } from "@/lib/version";
import { createHealthServer, listen } from "@/worker/health";
import { createPullsProcessor } from "@/worker/processors/pulls";
import { createSystemProcessor } from "@/worker/processors/system";
import { RECONCILE_INTERVAL_MS, reconcileSchedulers } from "@/worker/schedulers";
import { shutdown, type Resources } from "@/worker/shutdown";

type Processor = (job: Job, logger: Logger, token?: string) => Promise<void>;

/** A start-up problem already phrased for the operator: printed as one line, no stack trace. */
class StartupError extends Error {}

/** System jobs (heartbeat, alarms, outbox, erasures) are few and short. */
const SYSTEM_CONCURRENCY = 5;
/** Connections beyond the pulls in flight: system jobs, Prisma reads around each pull, the heartbeat. */
const SPARE_CONNECTIONS = 5;
const REDIS_ERROR_LOG_INTERVAL_MS = 10_000;

async function main() {
  loadEnvFiles();
  const env = await verifyStartup("worker");
  const logger = createLogger("worker", env.LOG_LEVEL);
  reservePoolSize(env.WORKER_PULL_CONCURRENCY + SYSTEM_CONCURRENCY + SPARE_CONNECTIONS);

  const identity: WorkerIdentity = {
    workerId: `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`,
    hostname: hostname(),
    pid: process.pid,
    version: APP_VERSION,
    startedAt: new Date(),
  };
  // While Redis is down every connection reports each reconnect attempt; one line per component
  // every few seconds says the same without flooding the log (or BullMQ's unstructured fallback).
  const lastReported = new Map<string, number>();
  const reportRedisProblem = (component: string, error: Error) => {
    const now = Date.now();
    if (now - (lastReported.get(component) ?? 0) < REDIS_ERROR_LOG_INTERVAL_MS) return;
    lastReported.set(component, now);
    logger.warn({ component, err: error.message }, "queue connection error; retrying");
  };
  const redis = createRedisConnection(env.REDIS_URL, { isCluster: env.REDIS_CLUSTER });
  redis.on("error", (error) => reportRedisProblem("connection", error));

  const queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, createQueue(name, redis, env.QUEUE_PREFIX)])) as Record<QueueName, Queue>;
  for (const [name, queue] of Object.entries(queues)) queue.on("error", (error) => reportRedisProblem(`queue:${name}`, error));
  const mailSender = createMailSender(env.SMTP_URL);
  let isStopping = false;
  // Aborted on SIGTERM: a pull in flight stops at a page boundary instead of outliving the shutdown deadline.
  const stopController = new AbortController();
  const metrics = createWorkerMetrics();
  const processors: Record<QueueName, Processor> = {
    system: createSystemProcessor(identity, { mailSender }),
    pulls: createPullsProcessor(identity, {
      stopSignal: stopController.signal,
      removeScheduler: (payload) => queues.pulls.removeJobScheduler(pullSchedulerId(payload)),
      metrics,
    }),
  };

  const workers = (Object.entries(processors) as [QueueName, Processor][]).map(([name, process]) => {
    const worker = new Worker(
      name,
      async (job, token) => {
        const jobLogger = logger.child({ queue: name, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1 });
        const startedAt = Date.now();
        await process(job, jobLogger, token);
        jobLogger.debug({ durationMs: Date.now() - startedAt }, "job done");
      },
      { connection: redis, prefix: env.QUEUE_PREFIX, concurrency: name === "pulls" ? env.WORKER_PULL_CONCURRENCY : SYSTEM_CONCURRENCY, autorun: false },
    );
    worker.on("failed", (job, error) =>
      logger.error({ queue: name, jobId: job?.id, jobName: job?.name, attempt: job?.attemptsMade, err: error.message }, "job failed"),
    );
    worker.on("error", (error) => reportRedisProblem(`worker:${name}`, error));
    return worker;
  });

  let isRunning = false;
  const healthServer = createHealthServer({ identity, redis, isRunning: () => isRunning, readiness: createReadinessProbe(env), metrics: metrics.registry });
  try {
    await listen(healthServer, env.WORKER_HEALTH_PORT, env.WORKER_HEALTH_HOST);
  } catch (error) {
    throw new StartupError(`worker health endpoint: ${(error as Error).message}`);
  }
  // Reported at boot too, so the console sees a new worker before its first timer tick.
  await recordWorkerAlive(identity);
  await reconcileSchedulers(queues, logger);
  // The scheduler's first run may be hours away: this month's and the coming months' partitions are
  // made now (events would otherwise wait in events_default), before this worker's own pulls start,
  // so its DDL never waits on (or holds up) their first commits. Each statement gives up on a lock
  // after 5 s; a failure is the scheduled job's to retry.
  await maintainEventPartitions({ retentionDays: env.EVENT_RETENTION_DAYS, logger }).catch((error: unknown) =>
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, "event partition maintenance failed at start; the scheduled job retries"),
  );
  for (const worker of workers) void worker.run();
  isRunning = true;
  logger.info({ workerId: identity.workerId, queues: QUEUE_NAMES, healthPort: env.WORKER_HEALTH_PORT }, "worker started");

  const reconcileQuietly = (reason: string) => {
    if (!isRunning) return;
    reconcileSchedulers(queues, logger).catch((error: unknown) =>
      logger.warn({ reason, err: error instanceof Error ? error.message : String(error) }, "scheduler reconciliation failed; will retry"),
    );
  };
  // A Redis that comes back after a restart has nothing in it: rebuild the schedulers at once.
  redis.on("ready", () => reconcileQuietly("redis reconnected"));
  const timers = [
    setInterval(() => reconcileQuietly("periodic"), RECONCILE_INTERVAL_MS),
    setInterval(
      () =>
        void recordWorkerAlive(identity).catch((error: unknown) =>
          logger.warn({ err: error instanceof Error ? error.message : String(error) }, "could not record worker heartbeat"),
        ),
      WORKER_ALIVE_INTERVAL_MS,
    ),
  ];
  const resources: Resources = { workers, queues: Object.values(queues), redis, healthServer, timers, closeOthers: async () => mailSender.close() };

  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    isRunning = false;
    stopController.abort();
    logger.info({ signal }, "worker stopping");
    shutdown(resources, logger).then(
      () => {
        logger.info("worker stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: (error as Error).message }, "worker shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  if (error instanceof StartupError) {
    console.error(`tributary worker: ${error.message}`);
  } else {
    console.error(`tributary worker: failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
