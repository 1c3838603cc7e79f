import { hostname } from "node:os";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { addMonths, MONTHS_AHEAD, monthStartOf, partitionNameOf } from "@/features/events/partitions";
import { db } from "@/lib/db";
import { createRedisConnection } from "@/lib/queue/connection";
import { ALARMS_SCHEDULER_ID, ERASURES_SCHEDULER_ID, EVENT_PARTITIONS_SCHEDULER_ID, HEARTBEAT_SCHEDULER_ID, NOTIFICATIONS_SCHEDULER_ID } from "@/lib/queue/queues";
import { freePort, logRecords, runCommand, startCommand, uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";

// A database of its own: the worker it boots writes what any worker writes (heartbeats, when the
// alarms were last judged), which must not leak into the end-to-end run that shares the test database.
const database = isolatedDatabaseForThisFile("worker");
const redis = createRedisConnection(process.env.REDIS_URL!);

afterAll(() => {
  redis.disconnect();
});

describe("worker process", () => {
  it("boots, reconciles schedulers from scratch, runs the heartbeat, serves /healthz and /readyz and stops cleanly on SIGTERM", async () => {
    const prefix = `tributary-test-${uniqueSuffix()}`;
    const healthPort = await freePort();
    // A scheduler that Postgres knows nothing about, as left by a deleted source: boot must remove it.
    const systemQueue = new Queue("system", { connection: redis, prefix });
    await systemQueue.upsertJobScheduler("pull:deleted-source:audit", { every: 60_000 }, { name: "pull", data: {} });

    let workerId: string | undefined;
    const worker = startCommand(["tsx", "worker/index.ts"], { DATABASE_URL: database.url, QUEUE_PREFIX: prefix, WORKER_HEALTH_PORT: String(healthPort), LOG_LEVEL: "debug" });
    try {
      const health = await waitUntil(async () => {
        const response = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
        return response.ok ? ((await response.json()) as { status: string; workerId: string; redis: string }) : undefined;
      });
      expect(health).toMatchObject({ status: "ok", redis: "ready" });
      workerId = health.workerId;
      // Ready: Postgres, Redis and every shipped migration check out, and its own queue connection is up.
      const readiness = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      expect(readiness.status).toBe(200);
      expect(await readiness.json()).toMatchObject({ status: "ready", checks: { postgres: "ok", redis: "ok", migrations: "ok", queueConnection: "ok" } });

      const schedulers = await systemQueue.getJobSchedulers(0, -1);
      expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(
        [ALARMS_SCHEDULER_ID, ERASURES_SCHEDULER_ID, EVENT_PARTITIONS_SCHEDULER_ID, HEARTBEAT_SCHEDULER_ID, NOTIFICATIONS_SCHEDULER_ID].sort(),
      );
      // At start, whatever the date, the events table gets its partitions up to three months ahead.
      const lastMonthAhead = partitionNameOf(addMonths(monthStartOf(new Date()), MONTHS_AHEAD));
      await waitUntil(async () => {
        const rows = await db.$queryRaw<{ name: string }[]>`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'events'::regclass`;
        return rows.some((row) => row.name === lastMonthAhead);
      });

      // The scheduled heartbeat job ran through Redis on this worker (not only its liveness timer).
      const heartbeat = await waitUntil(() => db.workerHeartbeat.findFirst({ where: { workerId: health.workerId, lastJobAt: { not: null } } }));
      expect(heartbeat.hostname).toBe(hostname());
      expect(health.workerId).toBe(`${hostname()}:${heartbeat.pid}:${health.workerId.split(":").at(-1)}`);
      expect(Date.now() - heartbeat.lastSeenAt.getTime()).toBeLessThan(60_000);

      // The scheduled heartbeat job runs through BullMQ and logs with its job ID.
      const jobLine = await waitUntil(async () =>
        logRecords(worker.output().stdout).find((record) => record.msg === "job done" && record.jobName === "heartbeat"),
      );
      expect(jobLine).toMatchObject({ service: "worker", queue: "system" });
      expect(typeof jobLine.jobId).toBe("string");

      worker.child.kill("SIGTERM");
      const { code, stdout } = await worker.finished;
      expect(code).toBe(0);
      expect(logRecords(stdout).map((record) => record.msg)).toEqual(expect.arrayContaining(["worker stopping", "worker stopped"]));
      await expect(fetch(`http://127.0.0.1:${healthPort}/healthz`)).rejects.toThrow();
    } finally {
      worker.child.kill("SIGKILL");
      if (workerId) await db.workerHeartbeat.delete({ where: { workerId } });
      await systemQueue.obliterate({ force: true });
      await systemQueue.close();
    }
  });

  it("refuses to start with an unreachable Redis, in one line naming REDIS_URL", async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runCommand(["tsx", "worker/index.ts"], { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([
      `tributary worker: Redis is not reachable at redis://127.0.0.1:${port} (ECONNREFUSED); start it (npm run services) or fix REDIS_URL`,
    ]);
  });

  it("refuses to start with an unreachable Postgres, in one line naming DATABASE_URL", async () => {
    const port = await freePort();
    const { code, stderr } = await runCommand(["tsx", "worker/index.ts"], { DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/tributary` });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain(`Postgres is not reachable at postgresql://postgres@127.0.0.1:${port}/tributary`);
    expect(stderr).toContain("DATABASE_URL");
  });

  it("refuses to start without NEXTAUTH_SECRET, in one line naming it", async () => {
    const { code, stderr } = await runCommand(["tsx", "worker/index.ts"], { NEXTAUTH_SECRET: undefined });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([expect.stringMatching(/^tributary worker: Invalid configuration: NEXTAUTH_SECRET is missing/)]);
  });

  it("says so when its health port is taken", async () => {
    const healthPort = await freePort();
    const blocker = (await import("node:net")).createServer().listen(healthPort, "127.0.0.1");
    try {
      const { code, stderr } = await runCommand(["tsx", "worker/index.ts"], { WORKER_HEALTH_PORT: String(healthPort), QUEUE_PREFIX: `tributary-test-${uniqueSuffix()}` });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(`tributary worker: worker health endpoint: port ${healthPort} is already in use (set WORKER_HEALTH_PORT)`);
    } finally {
      blocker.close();
    }
  });
});
