import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import { runPull } from "@/features/pulls/jobs";
import { PULL_SKIP_MESSAGES } from "@/features/pulls/schema";
import type { WorkerIdentity } from "@/features/system/schema";
import { PULL_JOB, pullPayloadSchema, type PullPayload } from "@/lib/queue/queues";

/** A retryable pull failure: BullMQ tries the job again with backoff; the run is already recorded. */
class PullRetry extends Error {}

export function createPullsProcessor(identity: WorkerIdentity, options: { stopSignal: AbortSignal; removeScheduler: (payload: PullPayload) => Promise<unknown> }) {
  return async function processPullJob(job: Job, logger: Logger, token?: string) {
    if (job.name !== PULL_JOB) throw new UnrecoverableError(`unknown pulls job "${job.name}"`);
    const payload = pullPayloadSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`invalid pull payload: ${payload.error.issues[0]?.message}`);
    const request = { ...payload.data, trigger: "SCHEDULED" as const, jobId: job.id, attempt: job.attemptsMade + 1, workerId: identity.workerId };
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
    const summary = { runId: run.id, outcome: run.outcome, pages: run.pages, fetched: run.fetched, stored: run.stored, duplicates: run.duplicates, failures: run.failures };
    if (end.outcome === "SUCCEEDED") {
      logger.info(summary, "pull finished");
      return;
    }
    logger.warn({ ...summary, errorCode: end.errorCode }, end.error);
    if (end.retry && end.retry.afterSeconds > 0 && token) {
      // Slack said when to come back (429 Retry-After): the job waits in Redis for exactly that long
      // instead of a worker sleeping or hammering the organization's shared budget.
      await job.moveToDelayed(Date.now() + end.retry.afterSeconds * 1000, token);
      throw new DelayedError();
    }
    if (end.retry) throw new PullRetry(`${end.errorCode}: ${end.error}`);
    if (end.outcome === "FAILED") throw new UnrecoverableError(`${end.errorCode}: ${end.error}`);
  };
}
