import { UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import { evaluateAlarms } from "@/features/alarms/jobs";
import { maintainEventPartitions } from "@/features/events/jobs";
import { deliverDueNotifications } from "@/features/notifications/jobs";
import { finishEventErasures } from "@/features/sources/jobs";
import { runHeartbeat } from "@/features/system/jobs";
import type { WorkerIdentity } from "@/features/system/schema";
import { getEnv } from "@/lib/env";
import type { MailSender } from "@/lib/mail";
import { heartbeatPayloadSchema, SYSTEM_JOB } from "@/lib/queue/queues";

export function createSystemProcessor(identity: WorkerIdentity, options: { mailSender: MailSender }) {
  return async function processSystemJob(job: Job, logger: Logger) {
    switch (job.name) {
      case SYSTEM_JOB.deliverNotifications: {
        // Failures are the outbox's to retry (per notice, with backoff), not the job's.
        const { sent, failed, unconfirmed } = await deliverDueNotifications(options.mailSender, logger);
        if (sent || failed || unconfirmed) logger.info({ sent, failed, unconfirmed }, "outbox delivered");
        return;
      }
      case SYSTEM_JOB.evaluateAlarms: {
        const summary = await evaluateAlarms(logger);
        if (summary.changes) logger.info(summary, "alarms evaluated");
        return;
      }
      case SYSTEM_JOB.finishErasures: {
        await finishEventErasures(logger);
        return;
      }
      case SYSTEM_JOB.maintainEventPartitions: {
        await maintainEventPartitions({ retentionDays: getEnv().EVENT_RETENTION_DAYS, logger });
        return;
      }
      case SYSTEM_JOB.heartbeat: {
        const payload = heartbeatPayloadSchema.safeParse(job.data);
        // A malformed payload fails the same way on every attempt: don't retry it.
        if (!payload.success) throw new UnrecoverableError(`invalid heartbeat payload: ${payload.error.issues[0]?.message}`);
        await runHeartbeat(identity, logger);
        return;
      }
      default:
        // A deploy mismatch (an older worker meeting a newer job), not a transient failure.
        throw new UnrecoverableError(`unknown system job "${job.name}"`);
    }
  };
}
