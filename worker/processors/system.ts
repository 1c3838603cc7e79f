import type { Job } from "bullmq";
import type { Logger } from "pino";
import { runHeartbeat } from "@/features/system/jobs";
import type { WorkerIdentity } from "@/features/system/schema";
import { heartbeatPayloadSchema, SYSTEM_JOB } from "@/lib/queue/queues";

export function createSystemProcessor(identity: WorkerIdentity) {
  return async function processSystemJob(job: Job, logger: Logger) {
    switch (job.name) {
      case SYSTEM_JOB.heartbeat:
        heartbeatPayloadSchema.parse(job.data);
        await runHeartbeat(identity, logger);
        return;
      default:
        // Not retried: an unknown job name is a deploy mismatch, not a transient failure.
        throw new Error(`unknown system job "${job.name}"`);
    }
  };
}
