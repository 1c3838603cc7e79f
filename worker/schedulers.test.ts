import { Queue } from "bullmq";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createRedisConnection } from "@/lib/queue/connection";
import { pullSchedulePhase, pullSchedulerId, QUEUE_NAMES, type QueueName } from "@/lib/queue/queues";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { reconcileSchedulers } from "@/worker/schedulers";

// How pulls are spread over the interval, and what the periodic reconciliation leaves alone. With
// thousands of sources, schedulers that all fall due in the same seconds start the last pulls late
// every interval (bench/schedule.ts measured 72 s at p99 for 10,000 sources before this).

const database = isolatedDatabaseForThisFile("schedulers");
const redis = createRedisConnection(process.env.REDIS_URL!);
const silent = pino({ level: "silent" });
const EVERY_MS = 60_000;

afterAll(() => {
  redis.disconnect();
});

async function createActiveSources(count: number): Promise<string[]> {
  const suffix = uniqueSuffix();
  const rows = Array.from({ length: count }, (_, index) => ({
    name: `Spread ${suffix} ${index}`,
    nameKey: `spread ${suffix} ${index}`,
    plan: "ENTERPRISE_GRID" as const,
    logTypes: ["Slack.AuditLogs"],
    status: "ACTIVE" as const,
  }));
  await db.source.createMany({ data: rows });
  const created = await db.source.findMany({ where: { name: { startsWith: `Spread ${suffix} ` } }, select: { id: true } });
  return created.map((source) => source.id);
}

describe("pull schedules", () => {
  it("spread a fleet evenly over the interval, each at a fixed point of it", () => {
    const phases = Array.from({ length: 12_000 }, (_, index) => pullSchedulePhase(`pull:source-${index}:Slack.AuditLogs`, EVERY_MS));
    expect(phases.every((phase) => phase >= 1 && phase < EVERY_MS)).toBe(true);
    // Every second of the minute gets its share (200 each on average), none a crowd.
    const perSecond = new Array<number>(60).fill(0);
    for (const phase of phases) perSecond[Math.floor(phase / 1000)]! += 1;
    expect(Math.min(...perSecond)).toBeGreaterThan(140);
    expect(Math.max(...perSecond)).toBeLessThan(260);
    expect(pullSchedulePhase("pull:source-7:Slack.AuditLogs", EVERY_MS)).toBe(phases[7]);
  });

  it("are created spread out, and a reconciliation leaves schedulers that are already right alone", async () => {
    expect(database.url).toContain("schedulers");
    const prefix = `tributary-test-${uniqueSuffix()}`;
    const queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })])) as Record<QueueName, Queue>;
    try {
      const sourceIds = await createActiveSources(30);
      const before = Date.now();
      await reconcileSchedulers(queues, silent);
      const schedulers = await queues.pulls.getJobSchedulers(0, -1);
      expect(schedulers).toHaveLength(30);
      for (const sourceId of sourceIds) {
        const id = pullSchedulerId({ sourceId, logType: "Slack.AuditLogs" });
        const scheduler = schedulers.find((candidate) => candidate.key === id)!;
        expect(scheduler.every).toBe(EVERY_MS);
        expect(scheduler.offset).toBe(pullSchedulePhase(id, EVERY_MS));
        // The first pull falls at the scheduler's own point of the coming interval, not all at once.
        expect(scheduler.next! % EVERY_MS).toBe(pullSchedulePhase(id, EVERY_MS));
        expect(scheduler.next! - before).toBeLessThanOrEqual(EVERY_MS);
      }
      const pendingBefore = (await queues.pulls.getDelayed()).map((job) => job.id).sort();
      expect(pendingBefore).toHaveLength(30);

      // A second pass finds everything as desired: the pending jobs are the very same ones.
      const lines: unknown[] = [];
      const recording = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
      await reconcileSchedulers(queues, recording);
      expect(lines).toContainEqual(expect.objectContaining({ msg: "job schedulers reconciled", upserted: 0, removed: 0 }));
      expect((await queues.pulls.getDelayed()).map((job) => job.id).sort()).toEqual(pendingBefore);

      // A scheduler whose next job went missing (deleted from Redis by hand; BullMQ itself refuses
      // to remove a scheduler's job) is made whole again.
      const lost = pullSchedulerId({ sourceId: sourceIds[1]!, logType: "Slack.AuditLogs" });
      const lostJob = (await queues.pulls.getDelayed()).find((job) => job.repeatJobKey === lost)!;
      await redis.zrem(`${prefix}:pulls:delayed`, lostJob.id!);
      await redis.del(`${prefix}:pulls:${lostJob.id!}`);
      expect((await queues.pulls.getDelayed()).some((job) => job.repeatJobKey === lost)).toBe(false);
      await reconcileSchedulers(queues, silent);
      expect((await queues.pulls.getDelayed()).some((job) => job.repeatJobKey === lost)).toBe(true);

      // A scheduler made before pulls had phases (BullMQ then falls due at its creation) is made
      // again at its phase, which an upsert alone would not do.
      const legacy = pullSchedulerId({ sourceId: sourceIds[2]!, logType: "Slack.AuditLogs" });
      await queues.pulls.removeJobScheduler(legacy);
      await queues.pulls.upsertJobScheduler(legacy, { every: EVERY_MS }, { name: "pull", data: { sourceId: sourceIds[2]!, logType: "Slack.AuditLogs" } });
      const phase = pullSchedulePhase(legacy, EVERY_MS);
      await reconcileSchedulers(queues, silent);
      const remade = (await queues.pulls.getJobSchedulers(0, -1)).find((scheduler) => scheduler.key === legacy)!;
      expect(remade.next! % EVERY_MS).toBe(phase);

      // A source paused meanwhile loses its scheduler; the others keep theirs.
      await db.source.update({ where: { id: sourceIds[0]! }, data: { status: "PAUSED" } });
      await reconcileSchedulers(queues, silent);
      expect(await queues.pulls.getJobSchedulers(0, -1)).toHaveLength(29);
    } finally {
      for (const queue of Object.values(queues)) {
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }
  });
});
