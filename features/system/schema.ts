import { z } from "zod";

export const workerIdentitySchema = z.object({
  workerId: z.string().min(1).max(200),
  hostname: z.string().min(1).max(255),
  pid: z.number().int().positive(),
  version: z.string().min(1).max(64),
  startedAt: z.date(),
});
export type WorkerIdentity = z.infer<typeof workerIdentitySchema>;

/** A worker that has not processed a heartbeat for this long is shown as offline. */
export const WORKER_STALE_AFTER_MS = 90_000;

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
});
export type SystemStatus = z.infer<typeof systemStatusSchema>;
