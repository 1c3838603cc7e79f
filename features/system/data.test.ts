import { afterAll, describe, expect, it } from "vitest";
import { getSystemStatus } from "@/features/system/data";
import { recordWorkerHeartbeat } from "@/features/system/mutations";
import { disconnectDatabase } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

afterAll(() => disconnectDatabase());

// The heartbeat table is shared with other tests, so each case sets its clock past everything else.
describe("getSystemStatus", () => {
  it("shows the most recent worker as online while its heartbeat is fresh, then offline", async () => {
    const seenAt = new Date(Date.now() + 365 * 24 * 3600 * 1000);
    const identity = { workerId: `test:${uniqueSuffix()}`, hostname: "worker-test", pid: 4242, version: "9.9.9", startedAt: seenAt };
    await recordWorkerHeartbeat(identity, seenAt);

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
});
