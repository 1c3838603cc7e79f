import { UnrecoverableError, type Job } from "bullmq";
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import { deliverDueNotifications } from "@/features/notifications/jobs";
import { runHeartbeat } from "@/features/system/jobs";
import type { WorkerIdentity } from "@/features/system/schema";
import { heartbeatPayloadSchema, SYSTEM_JOB } from "@/lib/queue/queues";

export function createSystemProcessor(identity: WorkerIdentity, options: { mailTransport: Transporter }) {
  return async function processSystemJob(job: Job, logger: Logger) {
    switch (job.name) {
      case SYSTEM_JOB.deliverNotifications: {
        // Failures are the outbox's to retry (per notice, with backoff), not the job's.
        const { sent, failed } = await deliverDueNotifications(options.mailTransport, logger);
        if (sent || failed) logger.info({ sent, failed }, "outbox delivered");
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
