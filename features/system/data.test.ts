import { afterAll, describe, expect, it } from "vitest";
import { getSystemStatus } from "@/features/system/data";
import { recordScheduledJobRun, recordWorkerAlive } from "@/features/system/mutations";
import { db, disconnectDatabase } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

const workerIds: string[] = [];

afterAll(async () => {
  // Rows dated in the future would make every later status read (and the e2e suite) see "online".
  await db.workerHeartbeat.deleteMany({ where: { workerId: { in: workerIds } } });
  await disconnectDatabase();
});

function futureWorker(seenAt: Date) {
  const identity = { workerId: `test:${uniqueSuffix()}`, hostname: "worker-test", pid: 4242, version: "9.9.9", startedAt: seenAt };
  workerIds.push(identity.workerId);
  return identity;
}

// The heartbeat table is shared with other tests, so each case sets its clock past everything else.
describe("getSystemStatus", () => {
  it("shows the most recent worker as online while it reports, then offline", async () => {
    const seenAt = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    await recordWorkerAlive(futureWorker(seenAt), seenAt);

    const online = await getSystemStatus(new Date(seenAt.getTime() + 10_000));
    expect(online.worker).toEqual({
      state: "online",
      hostname: "worker-test",
      pid: 4242,
      version: "9.9.9",
      lastSeenAt: seenAt.toISOString(),
      activeWorkers: 1,
    });

    const offline = await getSystemStatus(new Date(seenAt.getTime() + 10 * 60_000));
    expect(offline.worker).toMatchObject({ state: "offline", hostname: "worker-test", activeWorkers: 0 });
  });

  it("tells stalled scheduled jobs apart from a live worker", async () => {
    const ranAt = new Date(Date.now() + 2 * 365 * 24 * 3600 * 1000);
    const identity = futureWorker(ranAt);
    await recordScheduledJobRun(identity, ranAt);
    // The process keeps reporting, but no scheduled job runs any more.
    const later = new Date(ranAt.getTime() + 5 * 60_000);
    await recordWorkerAlive(identity, later);

    expect((await getSystemStatus(new Date(ranAt.getTime() + 20_000))).scheduledJobs).toEqual({ state: "running", lastRunAt: ranAt.toISOString() });
    const status = await getSystemStatus(new Date(later.getTime() + 1000));
    expect(status.worker).toMatchObject({ state: "online" });
    expect(status.scheduledJobs).toEqual({ state: "stalled", lastRunAt: ranAt.toISOString() });
  });
});
