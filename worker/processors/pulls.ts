import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import { runPull, runReplay } from "@/features/pulls/jobs";
import { updateReplayStatus } from "@/features/pulls/mutations";
import type { PullEnd } from "@/features/pulls/pull-end";
import { PULL_SKIP_MESSAGES } from "@/features/pulls/schema";
import type { WorkerIdentity } from "@/features/system/schema";
import { scheduledDueTime, type WorkerMetrics } from "@/lib/metrics/worker";
import { PULL_JOB, pullPayloadSchema, REPLAY_JOB, replayPayloadSchema, type PullPayload } from "@/lib/queue/queues";

/** A retryable pull failure: BullMQ tries the job again with backoff and jitter; the run is already recorded. */
class PullRetry extends Error {}

/**
 * What the queue does with a job after its run: Slack's Retry-After (or Tributary's own budget)
 * delays this very job in Redis, so the window resumes exactly where it stopped without a worker
 * sleeping; a transient failure is retried with backoff; anything else waits for the next interval.
 */
async function settle(job: Job, token: string | undefined, end: Exclude<PullEnd, { outcome: "SUCCEEDED" }>, options: { mustFinish: boolean }) {
  if (end.retry && end.retry.afterSeconds > 0 && token) {
    await job.moveToDelayed(Date.now() + end.retry.afterSeconds * 1000, token);
    throw new DelayedError();
  }
  if (end.retry) throw new PullRetry(`${end.errorCode}: ${end.error}`);
  // A replay has no next interval: one that stopped early (the worker shutting down) must run again,
  // and a shutdown is not a failed attempt, so it waits a moment in Redis rather than spend one.
  if (options.mustFinish && end.outcome === "INCOMPLETE" && token) {
    await job.moveToDelayed(Date.now() + 1000, token);
    throw new DelayedError();
  }
  if (end.outcome === "FAILED") throw new UnrecoverableError(`${end.errorCode}: ${end.error}`);
}

export function createPullsProcessor(identity: WorkerIdentity, options: { stopSignal: AbortSignal; removeScheduler: (payload: PullPayload) => Promise<unknown>; metrics?: WorkerMetrics }) {
  async function processPull(job: Job, logger: Logger, token?: string) {
    const payload = pullPayloadSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid pull payload: ${payload.error.issues[0]?.message}`);
    // Lag is the schedule's, measured once, at the job's first start: a retry, or a resume after a
    // Retry-After (moveToDelayed keeps attemptsMade at 0 but starts the job again), is late on purpose.
    const dueAt = job.attemptsStarted === 1 && job.attemptsMade === 0 ? scheduledDueTime(job.id) : null;
    if (dueAt !== null) options.metrics?.observeScheduleLag(payload.data.logType, ((job.processedOn ?? Date.now()) - dueAt) / 1000);
    const request = { ...payload.data, trigger: "SCHEDULED" as const, jobId: job.id, attempt: job.attemptsMade + 1, workerId: identity.workerId };
    const startedAt = performance.now();
    const result = await runPull(request, logger.child({ sourceId: request.sourceId, logType: request.logType }), { stopSignal: options.stopSignal });
    if (result.status === "skipped") {
      logger.info({ sourceId: request.sourceId, logType: request.logType, reason: result.reason }, `pull skipped: ${PULL_SKIP_MESSAGES[result.reason]}`);
      // A deleted source never comes back (IDs are not reused), so its schedule stops at once rather
      // than at the next reconciliation. A paused or reconfigured one is left to the reconciliation,
      // which reads Postgres as it is then, not as it was when this job started.
      if (result.reason === "source_not_found") await options.removeScheduler(payload.data);
      return;
    }
    const { run, end } = result;
    options.metrics?.observePull({
      sourceId: request.sourceId,
      logType: request.logType,
      outcome: run.outcome,
      stored: run.stored,
      duplicates: run.duplicates,
      failures: run.failures,
      durationSeconds: (performance.now() - startedAt) / 1000,
      errorCode: end.outcome === "SUCCEEDED" ? null : end.errorCode,
    });
    const summary = { runId: run.id, outcome: run.outcome, pages: run.pages, fetched: run.fetched, stored: run.stored, duplicates: run.duplicates, failures: run.failures };
    if (end.outcome === "SUCCEEDED") {
      logger.info(summary, "pull finished");
      return;
    }
    logger.warn({ ...summary, errorCode: end.errorCode }, end.error);
    await settle(job, token, end, { mustFinish: false });
  }

  async function processReplay(job: Job, logger: Logger, token?: string) {
    const payload = replayPayloadSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid replay payload: ${payload.error.issues[0]?.message}`);
    const { replayId } = payload.data;
    const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let result: Awaited<ReturnType<typeof runReplay>>;
    try {
      result = await runReplay(replayId, { ...(job.id ? { jobId: job.id } : {}), attempt: job.attemptsMade + 1, workerId: identity.workerId }, logger, { stopSignal: options.stopSignal });
    } catch (error) {
      // Postgres or a bug: the queue retries; after its last attempt the replay says it failed instead of staying RUNNING.
      if (isLastAttempt) {
        const detail = error instanceof Error ? error.message : String(error);
        await updateReplayStatus(replayId, "FAILED", { errorCode: "internal_error", error: `The replay stopped on an error: ${detail}` }).catch(() => {});
      }
      throw error;
    }
    if (result.status === "skipped") {
      logger.info({ replayId, reason: result.reason }, `replay skipped: ${PULL_SKIP_MESSAGES[result.reason]}`);
      if (result.reason === "busy") throw new PullRetry("another worker runs this replay");
      return;
    }
    if (result.end.outcome === "SUCCEEDED") {
      logger.info({ replayId, runId: result.run?.id }, "replay finished");
      return;
    }
    logger.warn({ replayId, runId: result.run?.id, errorCode: result.end.errorCode }, result.end.error);
    const isWaiting = (result.end.retry !== null && result.end.retry.afterSeconds > 0) || (result.end.outcome === "INCOMPLETE" && !result.end.retry);
    if (isLastAttempt && !isWaiting) {
      // The queue gives up after this attempt: the replay says so instead of waiting forever.
      await updateReplayStatus(replayId, "FAILED", { errorCode: result.end.errorCode, error: result.end.error });
    }
    await settle(job, token, result.end, { mustFinish: true });
  }

  return async function processPullsJob(job: Job, logger: Logger, token?: string) {
    if (job.name === PULL_JOB) return processPull(job, logger, token);
    if (job.name === REPLAY_JOB) return processReplay(job, logger, token);
    throw new UnrecoverableError(`unknown pulls job "${job.name}"`);
  };
}
