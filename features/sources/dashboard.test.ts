import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { runPull } from "@/features/pulls/jobs";
import { commitPage, SourceDeletedError, withPullLock } from "@/features/pulls/mutations";
import { listClassificationFailures, listPullHistory, listSourcePage, loadSourceSummary, loadThroughput } from "@/features/sources/data";
import { pullHistoryQuerySchema, sourceListQuerySchema } from "@/features/sources/schema";
import { db } from "@/lib/db";
import { createSlackRateLimiter, type SlackRateLimiter } from "@/lib/slack/rate-limiter";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { createAuditSource, emulatorControl } from "@/scripts/lib/test-sources";

// The sources list and a source's dashboard, from real pulls of the Slack emulator: the counts the
// charts and the list show are the events actually stored, counted in the pull's own transaction.
isolatedDatabaseForThisFile("dashboard");

const AUDIT = "Slack.AuditLogs";
const silent = pino({ level: "silent" });
let slack: RunningEmulator;
let redis: Redis;
let limiter: SlackRateLimiter;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "dashboard", traffic: { isPaused: true }, isEmpty: true });
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
  redis = new Redis(process.env.REDIS_URL!);
  limiter = createSlackRateLimiter(redis, { keyPrefix: `test-${uniqueSuffix()}:`, windowMs: 1000 });
});
afterAll(async () => {
  await slack?.stop();
  redis?.disconnect();
});

async function pull(sourceId: string) {
  const result = await runPull({ sourceId, logType: AUDIT, trigger: "SCHEDULED" }, silent, { limiter });
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  return result.run;
}

const listQuery = (input: Record<string, string> = {}) => sourceListQuerySchema.parse(input);

describe("source dashboard data", () => {
  it("counts what each pull stored, per minute and per hour, and the list and chart agree with the events table", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60, name: `Counted ${uniqueSuffix()}` });
    await emulatorControl(slack, "/traffic/generate", { audit: 137 });
    const first = await pull(sourceId);
    // Read again: the duplicates are not counted twice.
    await emulatorControl(slack, "/traffic/generate", { audit: 21 });
    const second = await pull(sourceId);
    const stored = await db.event.count({ where: { sourceId } });
    expect(first.stored + second.stored).toBe(stored);
    expect(stored).toBeGreaterThanOrEqual(158);

    const throughput = await loadThroughput(sourceId, [AUDIT], "1h");
    expect(throughput.points).toHaveLength(60);
    expect(throughput.totals[AUDIT]).toBe(stored);
    expect((await loadThroughput(sourceId, [AUDIT], "24h")).totals[AUDIT]).toBe(stored);
    expect((await loadThroughput(sourceId, [AUDIT], "7d")).totals[AUDIT]).toBe(stored);

    const page = await listSourcePage(listQuery({ q: "counted" }));
    const row = page.sources.find((source) => source.id === sourceId);
    expect(row).toMatchObject({ events24h: stored, status: "ACTIVE", alarmEnabled: false });
    expect(row!.hourly).toHaveLength(24);
    expect(row!.hourly.reduce((sum, value) => sum + value, 0)).toBe(stored);
    expect(row!.health?.healthy).toBe(true);
    expect(row!.lastSuccessfulPullAt).not.toBeNull();

    const history = await listPullHistory(sourceId, pullHistoryQuerySchema.parse({}));
    expect(history.total).toBe(2);
    expect(history.runs[0]).toMatchObject({ id: second.id, outcome: "SUCCEEDED", stored: second.stored, duplicates: second.duplicates });
    expect(history.runs[0]!.durationMs).toBeGreaterThanOrEqual(0);
    const summary = await loadSourceSummary(sourceId);
    expect(summary?.latestRuns).toEqual([{ logType: AUDIT, run: expect.objectContaining({ outcome: "SUCCEEDED", stored: second.stored }) }]);
  });

  it("filters and sorts the list: a revoked token makes a source unhealthy with the failing check named", async () => {
    const tag = uniqueSuffix();
    const quiet = await createAuditSource(slack, { backfillMinutes: 60, name: `Sort ${tag} a quiet` });
    const busy = await createAuditSource(slack, { backfillMinutes: 60, name: `Sort ${tag} b busy` });
    await emulatorControl(slack, "/traffic/generate", { audit: 40 });
    await pull(busy.sourceId);
    await emulatorControl(slack, "/tokens/revoke", { token: quiet.token });
    await pull(quiet.sourceId);

    const byEvents = await listSourcePage(listQuery({ q: `Sort ${tag}`, sort: "events24h", dir: "desc" }));
    expect(byEvents.sources.map((source) => source.id)).toEqual([busy.sourceId, quiet.sourceId]);
    const unhealthy = await listSourcePage(listQuery({ q: `sort ${tag}`, health: "unhealthy" }));
    expect(unhealthy.total).toBe(1);
    expect(unhealthy.sources[0]).toMatchObject({ id: quiet.sourceId, status: "ERROR" });
    expect(unhealthy.sources[0]!.health!.failing.map((check) => check.label)).toContain("Credentials");
    expect((await listSourcePage(listQuery({ q: `sort ${tag}`, status: "ACTIVE" }))).sources.map((source) => source.id)).toEqual([busy.sourceId]);
    expect((await listSourcePage(listQuery({ q: `nothing like ${tag}` }))).total).toBe(0);
  });

  it("pages the pull history and the classification failures", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60, name: `Paged ${uniqueSuffix()}` });
    for (let index = 0; index < 27; index++) await pull(sourceId);
    const query = pullHistoryQuerySchema.parse({ page: "2" });
    const second = await listPullHistory(sourceId, query);
    expect(second.total).toBe(27);
    expect(second.runs).toHaveLength(2);

    await db.classificationFailure.createMany({
      data: Array.from({ length: 25 }, (_, index) => ({ sourceId, logType: AUDIT, reason: `bad ${index}`, payload: `{"n":${index}}`, payloadHash: `${sourceId}-${index}` })),
    });
    const first = await listClassificationFailures(sourceId, null);
    expect(first.failures).toHaveLength(20);
    expect(first.nextCursor).not.toBeNull();
    const [at, id] = Buffer.from(first.nextCursor!, "base64url").toString("utf8").split("|");
    const rest = await listClassificationFailures(sourceId, { at: new Date(at!), id: id! });
    expect(rest.nextCursor).toBeNull();
    expect(new Set([...first.failures, ...rest.failures].map((failure) => failure.payload)).size).toBe(25);
  });

  it("stores nothing for a source deleted while its pull was running", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60, name: `Gone ${uniqueSuffix()}` });
    const run = await db.pullRun.create({ data: { sourceId, logType: AUDIT, trigger: "SCHEDULED" } });
    await db.source.delete({ where: { id: sourceId } });
    const parseTime = new Date().toISOString();
    const event = { dedupeKey: "late", eventTime: new Date(), rowId: "late", parseTime, action: null, ipAddresses: [], emails: [], usernames: [], json: JSON.stringify({ p_row_id: "late", p_parse_time: parseTime }) };
    const attempt = await withPullLock(sourceId, AUDIT, (session) =>
      commitPage(session, { source: { id: sourceId, label: "Gone" }, logType: AUDIT, runId: run.id, events: [event], failures: [], fetched: 1, checkpoint: {} }).then(
        () => null,
        (error: unknown) => error,
      ),
    );
    expect(attempt.isLocked && attempt.value).toBeInstanceOf(SourceDeletedError);
    expect(await db.event.count({ where: { sourceId } })).toBe(0);
  });
});
