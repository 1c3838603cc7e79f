import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { runPull, type PullOptions } from "@/features/pulls/jobs";
import { withPullLock } from "@/features/pulls/mutations";
import { db } from "@/lib/db";
import { createRedisConnection } from "@/lib/queue/connection";
import { freePort, startCommand, uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { auditGroundTruth, createAuditSource, emulatorControl } from "@/scripts/lib/test-sources";

// The audit-log puller against the emulator, checked against the emulator's ground truth: every
// event it holds is stored exactly once, whatever the paging, the timing or a crash. The file has a
// database of its own because one test runs a real worker, which pulls every active source it finds.
const database = isolatedDatabaseForThisFile("pulls");

const AUDIT = "Slack.AuditLogs";
const silent = pino({ level: "silent" });
/** A fixed start far from the real clock, moved by each test; the emulator and the puller share it. */
const START = 1_900_000_000;
let clock = START;
let slack: RunningEmulator;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "pull-engine", traffic: { isPaused: true }, isEmpty: true, now: () => clock });
  // Read on first use by lib/env, which nothing in this file has called yet.
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
});
afterAll(async () => {
  await slack?.stop();
});
beforeEach(async () => {
  clock = START;
  await emulatorControl(slack, "/reset");
});

async function generateAuditAt(second: number, count: number) {
  const saved = clock;
  clock = second;
  await emulatorControl(slack, "/traffic/generate", { audit: count });
  clock = saved;
}

async function pull(sourceId: string, options: PullOptions = {}) {
  const result = await runPull({ sourceId, logType: AUDIT, trigger: "MANUAL" }, silent, { now: () => new Date(clock * 1000), ...options });
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  return result.run;
}

async function storedIds(sourceId: string): Promise<string[]> {
  const rows = await db.event.findMany({ where: { sourceId, logType: AUDIT }, select: { dedupeKey: true } });
  return rows.map((row) => row.dedupeKey).sort();
}

describe("audit-log pulls", () => {
  it("stores every event exactly once over many runs, including events Slack indexes late", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await generateAuditAt(START - 30 * 60, 40); // inside the first backfill
    await generateAuditAt(START - 2 * 60 * 60, 15); // before it: never asked for
    const runs = [];
    for (let minute = 1; minute <= 12; minute += 1) {
      clock = START + minute * 60;
      await generateAuditAt(clock, (minute * 7) % 23);
      // Slack indexes some events after their time: they appear in a second the last run already read.
      if (minute % 4 === 0) await generateAuditAt(clock - 70, 3);
      clock += 5;
      runs.push(await pull(sourceId, { pageLimit: 15 }));
    }

    const truth = await auditGroundTruth(slack, { oldest: START - 60 * 60 });
    expect(truth.length).toBeGreaterThan(150);
    expect(await storedIds(sourceId)).toEqual(truth.map((event) => event.id).sort());
    expect(runs.every((run) => run.outcome === "SUCCEEDED")).toBe(true);
    expect(runs.reduce((sum, run) => sum + run.stored, 0)).toBe(truth.length);
    // The overlap and the inclusive bounds fetch some events again; none of them is stored twice.
    expect(runs.reduce((sum, run) => sum + run.duplicates, 0)).toBeGreaterThan(0);
    expect(runs.some((run) => run.pages > 1)).toBe(true);

    const sample = await db.event.findFirstOrThrow({ where: { sourceId }, orderBy: { eventTime: "asc" } });
    const event = sample.event as Record<string, unknown>;
    expect(event.p_log_type).toBe(AUDIT);
    expect(event.p_source_id).toBe(sourceId);
    expect(event.p_event_time).toBe(event.date_create);
    expect(sample.eventTime.toISOString()).toBe(new Date((START - 30 * 60) * 1000).toISOString());
    const source = await db.source.findUniqueOrThrow({ where: { id: sourceId } });
    expect(source.lastSuccessfulPullAt).not.toBeNull();
    expect(source.lastEventTime?.getTime()).toBe((START + 12 * 60) * 1000);
  });

  it("keeps ties of one second together across pages larger than the limit, and the boundary second is not stored twice", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    await generateAuditAt(START - 100, 25);
    await generateAuditAt(START - 50, 7);
    await generateAuditAt(START, 30);
    const first = await pull(sourceId, { pageLimit: 10 });
    expect(first).toMatchObject({ outcome: "SUCCEEDED", fetched: 62, stored: 62, duplicates: 0 });
    // Slack finishes the second a page ends in, so pages exceed `limit` on ties.
    expect(first.fetched).toBeGreaterThan(first.pages * 10);

    // More events in the very second the last window ended on (its bound is inclusive).
    await generateAuditAt(START, 5);
    clock = START + 1;
    const second = await pull(sourceId, { pageLimit: 10 });
    expect(second).toMatchObject({ outcome: "SUCCEEDED", stored: 5 });
    expect(second.duplicates).toBe(37);
    expect(await storedIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
  });

  it("quarantines records that do not fit the schema and stores the rest", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    await generateAuditAt(START - 60, 20);
    const actor = { type: "user", user: { id: "W0000000001", name: "Ada", email: "ada@example.com" } };
    const context = { location: { type: "enterprise", id: "E0000000001" }, ip_address: "203.0.113.9" };
    const odd = [
      { id: "odd-no-user-id", date_create: START - 30, action: "user_login", actor: { type: "user", user: { name: "Nobody" } }, entity: { type: "user" }, context },
      { id: "odd-wrong-type", date_create: START - 30, action: "user_login", actor, entity: { type: "channel", channel: { id: "C1", is_shared: "yes" } }, context },
      { id: "odd-nul", date_create: START - 30, action: "user_login\u0000", actor, entity: { type: "user" }, context },
      { id: "fine-unknown-fields", date_create: START - 30, action: "user_login", actor, entity: { type: "user" }, context: { ...context, brand_new: { nested: [1, 2] } } },
    ];
    await emulatorControl(slack, "/audit-entries", { entries: odd });

    const run = await pull(sourceId);
    expect(run).toMatchObject({ outcome: "SUCCEEDED", fetched: 24, stored: 21, failures: 3 });
    const failures = await db.classificationFailure.findMany({ where: { sourceId }, orderBy: { reason: "asc" } });
    const byId = Object.fromEntries(failures.map((failure) => [(JSON.parse(failure.payload) as { id: string }).id, failure]));
    expect(byId["odd-no-user-id"]?.reason).toContain("actor.user.id");
    expect(byId["odd-wrong-type"]?.reason).toContain("entity.channel.is_shared");
    expect(byId["odd-nul"]?.reason).toContain("NUL");
    // The raw record is kept whole, exactly as Slack sent it.
    expect(JSON.parse(byId["odd-nul"]!.payload)).toEqual(odd[2]);
    expect(failures.every((failure) => failure.pullRunId === run.id)).toBe(true);
    const kept = await db.event.findFirstOrThrow({ where: { sourceId, dedupeKey: "fine-unknown-fields" } });
    expect((kept.event as { context: Record<string, unknown> }).context.brand_new).toEqual({ nested: [1, 2] });
  });

  it("lets one pull of a (source, log type) run at a time", async () => {
    const { sourceId } = await createAuditSource(slack);
    await generateAuditAt(START - 60, 3);
    const held = await withPullLock(sourceId, AUDIT, () => runPull({ sourceId, logType: AUDIT, trigger: "MANUAL" }, silent));
    expect(held).toEqual({ isLocked: true, value: { status: "skipped", reason: "busy" } });
    expect(await db.pullRun.count({ where: { sourceId } })).toBe(0);
    expect((await pull(sourceId)).stored).toBe(3);
  });

  it("loses and duplicates nothing when the worker is killed in the middle of a window", async () => {
    // Real time here: the worker's clock is the machine's.
    clock = Math.floor(Date.now() / 1000);
    const count = 60_000;
    await emulatorControl(slack, "/bulk-audit", { count, oldest: clock - 2 * 3600, latest: clock - 3600, seed: "kill" });
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 3 * 60 });
    const prefix = `tributary-test-${uniqueSuffix()}`;
    const environment = { QUEUE_PREFIX: prefix, DATABASE_URL: database.url, SLACK_API_URL: slack.slackApiUrl, SLACK_AUDIT_API_URL: slack.slackAuditApiUrl, PULL_INTERVAL_SECONDS: "10" };

    const first = startCommand(["tsx", "worker/index.ts"], { ...environment, WORKER_HEALTH_PORT: String(await freePort()) });
    let second: ReturnType<typeof startCommand> | undefined;
    try {
      // Killed once a few pages are committed and more are still to come.
      await waitUntil(() => db.pullRun.findFirst({ where: { sourceId, outcome: "RUNNING", pages: { gte: 2 } } }), 60_000, 20);
      first.child.kill("SIGKILL");
      await first.finished;
      const partial = await db.event.count({ where: { sourceId } });
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(count);

      second = startCommand(["tsx", "worker/index.ts"], { ...environment, WORKER_HEALTH_PORT: String(await freePort()) });
      const finished = await waitUntil(() => db.pullRun.findFirst({ where: { sourceId, outcome: "SUCCEEDED" } }), 90_000);
      expect(finished.stored).toBeGreaterThan(0);
    } finally {
      first.child.kill("SIGKILL");
      second?.child.kill("SIGKILL");
      await second?.finished;
    }
    const runs = await db.pullRun.findMany({ where: { sourceId }, orderBy: { startedAt: "asc" } });
    expect(runs[0]!.outcome).toBe("ABANDONED");
    const truth = await auditGroundTruth(slack);
    expect(truth).toHaveLength(count);
    expect(await storedIds(sourceId)).toEqual(truth.map((event) => event.id).sort());
  });

  it("brings the schedules back at the next boot after Redis lost everything", async () => {
    clock = Math.floor(Date.now() / 1000);
    await generateAuditAt(clock - 60, 4);
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    const prefix = `tributary-test-${uniqueSuffix()}`;
    const environment = { QUEUE_PREFIX: prefix, DATABASE_URL: database.url, SLACK_API_URL: slack.slackApiUrl, SLACK_AUDIT_API_URL: slack.slackAuditApiUrl, PULL_INTERVAL_SECONDS: "10" };
    const redis = createRedisConnection(process.env.REDIS_URL!);
    const queue = new Queue("pulls", { connection: redis, prefix });
    const schedulerKeys = async () => (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key);
    const startWorker = async () => startCommand(["tsx", "worker/index.ts"], { ...environment, WORKER_HEALTH_PORT: String(await freePort()) });
    let worker = await startWorker();
    try {
      await waitUntil(() => db.pullRun.findFirst({ where: { sourceId, outcome: "SUCCEEDED" } }));
      expect(await schedulerKeys()).toEqual([`pull:${sourceId}:${AUDIT}`]);

      // A Redis restart without persistence: every key of this installation is gone.
      const keys = await redis.keys(`${prefix}:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
      expect(await schedulerKeys()).toEqual([]);
      worker.child.kill("SIGTERM");
      expect((await worker.finished).code).toBe(0);

      const runsBefore = await db.pullRun.count({ where: { sourceId } });
      worker = await startWorker();
      await waitUntil(async () => (await schedulerKeys()).includes(`pull:${sourceId}:${AUDIT}`));
      await waitUntil(async () => (await db.pullRun.count({ where: { sourceId, outcome: "SUCCEEDED" } })) > runsBefore, 45_000);
      expect(await storedIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
    } finally {
      worker.child.kill("SIGKILL");
      await worker.finished;
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
