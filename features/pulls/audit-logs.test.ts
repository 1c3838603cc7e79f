import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { getLogSchema } from "@/features/events/log-schema";
import { oldestSecondReached, planAuditWindow } from "@/features/pulls/audit-logs";
import { runPull, type PullOptions } from "@/features/pulls/jobs";
import { withPullLock } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { db, getPool } from "@/lib/db";
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

/** A real worker pulls every active source it finds: only this test's source is left active. */
async function leaveOnlyActive(sourceId: string) {
  await db.source.updateMany({ where: { id: { not: sourceId }, status: "ACTIVE" }, data: { status: "PAUSED" } });
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
      // Longer than the unique index can hold: it would fail the whole page's insert.
      { id: `odd-long-${"x".repeat(3000)}`, date_create: START - 30, action: "user_login", actor, entity: { type: "user" }, context },
    ];
    await emulatorControl(slack, "/audit-entries", { entries: odd });

    const run = await pull(sourceId);
    expect(run).toMatchObject({ outcome: "SUCCEEDED", fetched: 25, stored: 21, failures: 4 });
    const failures = await db.classificationFailure.findMany({ where: { sourceId }, orderBy: { reason: "asc" } });
    const byId = Object.fromEntries(failures.map((failure) => [(JSON.parse(failure.payload) as { id: string }).id, failure]));
    expect(byId["odd-no-user-id"]?.reason).toContain("actor.user.id");
    expect(byId["odd-wrong-type"]?.reason).toContain("entity.channel.is_shared");
    expect(byId["odd-nul"]?.reason).toContain("NUL");
    // The raw record is kept whole, exactly as Slack sent it.
    expect(JSON.parse(byId["odd-nul"]!.payload)).toEqual(odd[2]);
    expect(failures.every((failure) => failure.pullRunId === run.id)).toBe(true);
    expect(Object.keys(byId).find((id) => id.startsWith("odd-long-")) && byId[Object.keys(byId).find((id) => id.startsWith("odd-long-"))!]?.reason).toContain("3,009 characters long");
    const kept = await db.event.findFirstOrThrow({ where: { sourceId, dedupeKey: "fine-unknown-fields" } });
    expect((kept.event as { context: Record<string, unknown> }).context.brand_new).toEqual({ nested: [1, 2] });

    // Read again through the overlap: neither the events nor the bad records are kept twice.
    clock += 10;
    const again = await pull(sourceId);
    expect(again).toMatchObject({ outcome: "SUCCEEDED", fetched: 25, stored: 0, duplicates: 25, failures: 0 });
    expect(await db.classificationFailure.count({ where: { sourceId } })).toBe(4);
  });

  it("lets one pull of a (source, log type) run at a time", async () => {
    const { sourceId } = await createAuditSource(slack);
    await generateAuditAt(START - 60, 3);
    const held = await withPullLock(sourceId, AUDIT, () => runPull({ sourceId, logType: AUDIT, trigger: "MANUAL" }, silent));
    expect(held).toEqual({ isLocked: true, value: { status: "skipped", reason: "busy" } });
    expect(await db.pullRun.count({ where: { sourceId } })).toBe(0);
    expect((await pull(sourceId)).stored).toBe(3);
  });

  it("survives Postgres dropping a pull's connection mid-pull, and frees its lock", async () => {
    const dropped = withPullLock("dropped-source", AUDIT, async (session) => {
      const { rows } = await session.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await getPool().query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
      // Time for the connection's error event to arrive while the pull holds it (no listener: a crash).
      await new Promise((resolve) => setTimeout(resolve, 300));
      await session.query("SELECT 1");
    });
    await expect(dropped).rejects.toThrow();
    expect(await withPullLock("dropped-source", AUDIT, async () => "pulled again")).toEqual({ isLocked: true, value: "pulled again" });
  });

  it("ends a window at Slack's time when this machine's clock runs ahead, so later events are not skipped", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    await generateAuditAt(START - 30, 5);
    const ahead = () => new Date((clock + 3600) * 1000);
    const first = await pull(sourceId, { now: ahead });
    expect(first.windowLatest).toBe(new Date(START * 1000).toISOString());
    expect(first.stored).toBe(5);
    clock = START + 60;
    await generateAuditAt(START + 30, 4);
    const second = await pull(sourceId, { now: ahead });
    expect(second.stored).toBe(4);
    expect(await storedIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
  });

  it("stores what it read before a 429 and continues there on the next run", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    await generateAuditAt(START - 30, 12);
    await emulatorControl(slack, "/faults", { kind: "ratelimited", retryAfterSeconds: 7, pathPrefix: "/audit/v1/logs" });
    const limited = await runPull({ sourceId, logType: AUDIT, trigger: "MANUAL" }, silent, { now: () => new Date(clock * 1000) });
    expect(limited).toMatchObject({ status: "ran", run: { outcome: "INCOMPLETE", errorCode: "ratelimited", stored: 0 }, end: { retry: { afterSeconds: 7 } } });
    expect((await pull(sourceId)).stored).toBe(12);
  });

  it("stops at a page boundary when the worker shuts down, and the next run reads only what is left", async () => {
    const count = 40_000;
    await emulatorControl(slack, "/bulk-audit", { count, oldest: START - 3000, latest: START - 100, seed: "stop" });
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60 });
    const stop = new AbortController();
    const running = pull(sourceId, { stopSignal: stop.signal });
    await waitUntil(() => db.pullRun.findFirst({ where: { sourceId, pages: { gte: 1 } } }), 30_000, 10);
    stop.abort();
    const stopped = await running;
    expect(stopped).toMatchObject({ outcome: "INCOMPLETE", errorCode: "worker_stopping" });
    const partial = await db.event.count({ where: { sourceId } });
    expect(partial).toBe(stopped.stored);
    expect(partial).toBeLessThan(count);

    const resumed = await pull(sourceId);
    expect(resumed.outcome).toBe("SUCCEEDED");
    // It resumed at the oldest second reached, not at the start of the window: only that second comes back.
    expect(resumed.fetched).toBeLessThanOrEqual(count - partial + 50);
    expect(await storedIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
  });

  it("loses and duplicates nothing when the worker is killed in the middle of a window", async () => {
    // Real time here: the worker's clock is the machine's.
    clock = Math.floor(Date.now() / 1000);
    const count = 60_000;
    await emulatorControl(slack, "/bulk-audit", { count, oldest: clock - 2 * 3600, latest: clock - 3600, seed: "kill" });
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 3 * 60 });
    await leaveOnlyActive(sourceId);
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
    // The next run resumed where the killed one had committed, rather than reading the window again.
    const resumed = runs.find((run) => run.outcome === "SUCCEEDED")!;
    expect(resumed.fetched).toBeLessThanOrEqual(count - runs[0]!.stored + 50);
    const truth = await auditGroundTruth(slack);
    expect(truth).toHaveLength(count);
    expect(await storedIds(sourceId)).toEqual(truth.map((event) => event.id).sort());
  });

  it("brings the schedules back at the next boot after Redis lost everything", async () => {
    clock = Math.floor(Date.now() / 1000);
    await generateAuditAt(clock - 60, 4);
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 10 });
    await leaveOnlyActive(sourceId);
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

describe("audit windows and pages (no Slack)", () => {
  it("plans a backfill, then from the last end minus the overlap, and resumes an unfinished window", () => {
    expect(planAuditWindow(null, 10_000, 60).window).toEqual({ oldest: 10_000 - 3600, latest: 10_000, resumeLatest: 10_000 });
    expect(planAuditWindow({ watermark: 9_000, window: null }, 10_000, 60).window).toEqual({ oldest: 8_940, latest: 10_000, resumeLatest: 10_000 });
    const unfinished = { watermark: 9_000, window: { oldest: 8_940, latest: 9_500, resumeLatest: 9_200 } };
    expect(planAuditWindow(unfinished, 10_000, 60)).toMatchObject({ window: unfinished.window, isResumed: true });
    // A clock that went backwards gives an empty window at the watermark, never an inverted one.
    expect(planAuditWindow({ watermark: 20_000, window: null }, 10_000, 60).window).toEqual({ oldest: 19_940, latest: 19_940, resumeLatest: 19_940 });
    expect(planAuditWindow({ nonsense: true }, 10_000, 60)).toMatchObject({ isCheckpointUnreadable: true, window: { oldest: 6_400 } });
  });

  it("moves the resume point only for well-formed times inside the queried window", () => {
    const bounds = { oldest: 1_000, latest: 2_000 };
    const odd = [{ date_create: null }, { date_create: "" }, { date_create: false }, { date_create: [] }, { date_create: 5 }, { date_create: "12abc" }, "not an object", null];
    expect(oldestSecondReached(odd, bounds)).toBeNull();
    expect(oldestSecondReached([...odd, { date_create: 1_500 }, { date_create: "1400" }, { date_create: 1_999.7 }], bounds)).toBe(1_400);
  });

  it("sets aside records that cannot be stored instead of failing the page", async () => {
    const schema = getLogSchema(AUDIT)!;
    const valid = (id: string, extra: Record<string, unknown> = {}) => ({
      id,
      date_create: 1_700_000_000,
      action: "user_login",
      actor: { type: "user", user: { id: "W1" } },
      entity: { type: "user" },
      context: { location: { type: "enterprise", id: "E1" } },
      ...extra,
    });
    let deep: unknown = "bottom";
    for (let level = 0; level < 6_000; level += 1) deep = { deeper: deep };
    const page = await preparePage(schema, [valid("ok"), valid("deep", { details: deep }), valid("x".repeat(300)), valid("lone", { action: "login\ud800" })], {
      source: { id: "s", label: "S" },
      parseTime: new Date(),
      dedupeKeyOf: (event) => event.id as string,
    });
    expect(page.events.map((event) => event.dedupeKey)).toEqual(["ok"]);
    expect(page.failures.map((failure) => failure.reason)).toEqual([
      "nested too deeply to store (more than about 4,000 levels)",
      "its identity is 300 characters long; at most 255 can be stored",
      "contains a NUL character or a broken surrogate pair, which cannot be stored as JSON",
    ]);
    expect(JSON.parse(page.failures[0]!.payload)).toEqual({ unserializable: "the record is nested too deeply to be written back as JSON" });
  });
});
