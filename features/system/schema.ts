import { z } from "zod";

/** Who a worker process is; built by the process itself, so a type rather than a boundary schema. */
export type WorkerIdentity = { workerId: string; hostname: string; pid: number; version: string; startedAt: Date };

/** How often each worker process reports that it is alive. */
export const WORKER_ALIVE_INTERVAL_MS = 15_000;
/** A worker silent for this long (several missed reports) is shown as offline. */
export const WORKER_STALE_AFTER_MS = 90_000;
/** Scheduled heartbeat jobs fire every 30 s; none for this long means schedulers or Redis are stuck. */
export const SCHEDULED_JOBS_STALE_AFTER_MS = 120_000;

export const systemStatusSchema = z.object({
  checkedAt: z.string(),
  worker: z.discriminatedUnion("state", [
    z.object({ state: z.literal("never_seen") }),
    z.object({
      state: z.enum(["online", "offline"]),
      hostname: z.string(),
      pid: z.number(),
      version: z.string(),
      lastSeenAt: z.string(),
      activeWorkers: z.number().int(),
    }),
  ]),
  scheduledJobs: z.discriminatedUnion("state", [
    z.object({ state: z.literal("never_ran") }),
    z.object({ state: z.enum(["running", "stalled"]), lastRunAt: z.string() }),
  ]),
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;
