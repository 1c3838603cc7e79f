import { Worker, type Job, type Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { db } from "@/lib/db";
import { createWorkerMetrics, type WorkerMetrics } from "@/lib/metrics/worker";
import { createRedisConnection } from "@/lib/queue/connection";
import { createQueue, PULL_JOB, pullSchedulerId, type PullPayload } from "@/lib/queue/queues";
import { closeSharedSlackRateLimiter } from "@/lib/slack/rate-limiter";
import { APP_VERSION } from "@/lib/version";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";
import { createAuditSource, emulatorControl } from "@/scripts/lib/test-sources";
import { createPullsProcessor } from "@/worker/processors/pulls";

// The schedule-lag histogram says how late the schedule started pulls. A pull that Slack answers with
// 429 is parked in Redis for the Retry-After (moveToDelayed) and started again as the same job, with
// attemptsMade still 0: counting that start too would report every rate-limited pull as late by its
// Retry-After, and alert operators on a schedule that is on time.
isolatedDatabaseForThisFile("pulls_processor");

const AUDIT = "Slack.AuditLogs";
const silent = pino({ level: "silent" });
const redis = createRedisConnection(process.env.REDIS_URL!);
let slack: RunningEmulator;
let queue: Queue;
let worker: Worker;
let metrics: WorkerMetrics;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "pulls-processor", traffic: { isPaused: true }, isEmpty: true });
  vi.stubEnv("SLACK_API_URL", slack.slackApiUrl);
  vi.stubEnv("SLACK_AUDIT_API_URL", slack.slackAuditApiUrl);
});
afterAll(async () => {
  await closeSharedSlackRateLimiter();
  redis.disconnect();
  await slack?.stop();
});

// The worker as worker/index.ts runs it, on a queue prefix of this test's own and with fresh metrics.
beforeEach(async () => {
  // Audit events are the whole enterprise's: each test counts only its own.
  await emulatorControl(slack, "/reset");
  const prefix = `tributary-test-${uniqueSuffix()}`;
  queue = createQueue("pulls", redis, prefix);
  metrics = createWorkerMetrics();
  const identity = { workerId: `pulls-test:${process.pid}:${uniqueSuffix()}`, hostname: "pulls-test", pid: process.pid, version: APP_VERSION, startedAt: new Date() };
  const processPullsJob = createPullsProcessor(identity, {
    stopSignal: new AbortController().signal,
    removeScheduler: (payload) => queue.removeJobScheduler(pullSchedulerId(payload)),
    metrics,
  });
  worker = new Worker("pulls", async (job, token) => processPullsJob(job, silent.child({ jobId: job.id }), token), { connection: redis, prefix });
});
afterEach(async () => {
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
});

/** A source's pulls as the reconciliation schedules them: the scheduler's first job is due at once. */
async function schedulePull(payload: PullPayload) {
  await queue.upsertJobScheduler(pullSchedulerId(payload), { every: 60_000 }, { name: PULL_JOB, data: payload });
}

/** The scheduled job once it has finished (not only its run: the metrics are observed after the run is stored). */
async function finishedJobOf(sourceId: string): Promise<Job> {
  const run = await waitUntil(() => db.pullRun.findFirst({ where: { sourceId, outcome: "SUCCEEDED" } }));
  expect(run.jobId).toMatch(/^repeat:/);
  return waitUntil(async () => {
    const job = await queue.getJob(run.jobId!);
    return job && (await job.isCompleted()) ? job : undefined;
  });
}

describe("schedule lag of scheduled pulls", () => {
  it("is observed once for a pull that runs at its first start", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await emulatorControl(slack, "/traffic/generate", { audit: 5 });
    await schedulePull({ sourceId, logType: AUDIT });

    const job = await finishedJobOf(sourceId);
    expect(job.attemptsStarted).toBe(1);
    expect(await db.pullRun.findMany({ where: { sourceId }, select: { outcome: true, stored: true } })).toEqual([{ outcome: "SUCCEEDED", stored: 5 }]);

    const text = await metrics.registry.metrics();
    expect(text).toContain(`tributary_pulls_total{source_id="${sourceId}",log_type="${AUDIT}",outcome="SUCCEEDED"} 1`);
    expect(text).toContain(`tributary_schedule_lag_seconds_count{log_type="${AUDIT}"} 1`);
  });

  it("is observed once for a pull that Slack rate-limits and that resumes after the Retry-After as the same job", async () => {
    const { sourceId, token } = await createAuditSource(slack, { backfillMinutes: 60 });
    await emulatorControl(slack, "/traffic/generate", { audit: 5 });
    await emulatorControl(slack, "/faults", { kind: "ratelimited", count: 1, retryAfterSeconds: 1, token });
    await schedulePull({ sourceId, logType: AUDIT });

    const job = await finishedJobOf(sourceId);
    // The resume path itself: one job, parked on Slack's 429 and started a second time, with no attempt spent.
    const runs = await db.pullRun.findMany({ where: { sourceId }, orderBy: { startedAt: "asc" }, select: { jobId: true, attempt: true, outcome: true, errorCode: true, stored: true } });
    expect(runs).toEqual([
      { jobId: job.id, attempt: 1, outcome: "INCOMPLETE", errorCode: "ratelimited", stored: 0 },
      { jobId: job.id, attempt: 1, outcome: "SUCCEEDED", errorCode: null, stored: 5 },
    ]);
    expect(job.attemptsStarted).toBe(2);

    const text = await metrics.registry.metrics();
    expect(text).toContain(`tributary_pulls_total{source_id="${sourceId}",log_type="${AUDIT}",outcome="INCOMPLETE"} 1`);
    expect(text).toContain(`tributary_pulls_total{source_id="${sourceId}",log_type="${AUDIT}",outcome="SUCCEEDED"} 1`);
    expect(text).toContain(`tributary_slack_rate_limited_total{log_type="${AUDIT}"} 1`);
    expect(text).toContain(`tributary_schedule_lag_seconds_count{log_type="${AUDIT}"} 1`);
  });
});
