import { UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import { runHeartbeat } from "@/features/system/jobs";
import type { WorkerIdentity } from "@/features/system/schema";
import { heartbeatPayloadSchema, SYSTEM_JOB } from "@/lib/queue/queues";

export function createSystemProcessor(identity: WorkerIdentity) {
  return async function processSystemJob(job: Job, logger: Logger) {
    switch (job.name) {
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
