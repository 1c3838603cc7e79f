import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { getLogSchema } from "@/features/events/log-schema";
import { normalizeRecord } from "@/features/events/normalize";
import { runPull, type PullOptions } from "@/features/pulls/jobs";
import { accessCombinationKey, integrationEntryKey, planTeamLogsWalk, TEAM_LOGS_OVERLAP_SECONDS } from "@/features/pulls/team-logs";
import { db } from "@/lib/db";
import { createSlackRateLimiter, type SlackRateLimiter } from "@/lib/slack/rate-limiter";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { accessGroundTruth, createTeamLogsSource, emulatorControl, integrationGroundTruth, type AccessTruthRow } from "@/scripts/lib/test-sources";

// The access- and integration-log pullers against the emulator's seeded workspaces (a month of
// access activity, three months of integration changes), checked against its ground truth.
isolatedDatabaseForThisFile("team-logs");

const ACCESS = "Slack.AccessLogs";
const INTEGRATION = "Slack.IntegrationLogs";
const silent = pino({ level: "silent" });
const START = 1_900_000_000;
let clock = START;
let slack: RunningEmulator;
let redis: Redis;
/**
 * Slack's per-minute windows run 60 times faster on the emulator here (a second), and Tributary's
 * limiter is given the same window: the tests see the real logic without waiting minutes.
 */
const WINDOW_MS = 1000;
let limiter: SlackRateLimiter;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "team-logs", traffic: { isPaused: true }, speedUp: 60_000 / WINDOW_MS, now: () => clock });
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
  redis = new Redis(process.env.REDIS_URL!);
  limiter = createSlackRateLimiter(redis, { keyPrefix: `test-${uniqueSuffix()}:`, windowMs: WINDOW_MS });
});
afterAll(async () => {
  await slack?.stop();
  redis?.disconnect();
});
beforeEach(async () => {
  clock = START;
  await emulatorControl(slack, "/reset");
});

async function pull(sourceId: string, logType: string, options: PullOptions = {}) {
  const result = await runPull({ sourceId, logType, trigger: "MANUAL" }, silent, { now: () => new Date(clock * 1000), limiter, ...options });
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  return result.run;
}

/**
 * Pulls as the worker would: a run that spent Tributary's budget continues once the window frees a
 * call (the worker delays the job for that long). Returns every run it took.
 */
async function pullToEnd(sourceId: string, logType: string, options: PullOptions = {}) {
  const runs = [];
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const run = await pull(sourceId, logType, options);
    runs.push(run);
    if (run.errorCode !== "rate_budget") return runs;
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  }
  throw new Error("the pull never finished");
}

async function generate(body: { access?: number; integration?: number; teamId: string }) {
  await emulatorControl(slack, "/traffic/generate", body);
}

const combinationOf = (row: Pick<AccessTruthRow, "user_id" | "ip" | "user_agent">) => accessCombinationKey(row as Record<string, unknown>)!;

async function storedEvents(sourceId: string, logType: string) {
  const rows = await db.event.findMany({ where: { sourceId, logType }, select: { dedupeKey: true, eventTime: true, event: true } });
  return rows.map((row) => ({ key: row.dedupeKey, eventTime: row.eventTime, event: row.event as Record<string, unknown> }));
}

describe("access logs", () => {
  it("stores each (user, IP, user agent) once, at its first sighting, and never updates it while date_last and count change", async () => {
    const { sourceId, teamId } = await createTeamLogsSource(slack, { logTypes: [ACCESS], backfillMinutes: 30 * 24 * 60 + 60 });
    const firstSight = new Map((await accessGroundTruth(slack, teamId)).map((row) => [combinationOf(row), row]));
    expect(firstSight.size).toBeGreaterThan(100);

    const first = await pullToEnd(sourceId, ACCESS, { pageLimit: 40 });
    expect(first.at(-1)!.outcome).toBe("SUCCEEDED");
    expect(first.reduce((sum, run) => sum + run.stored, 0)).toBe(firstSight.size);
    expect(first.reduce((sum, run) => sum + run.pages, 0)).toBeGreaterThan(2);

    const runs = [...first];
    for (let minute = 1; minute <= 8; minute += 1) {
      clock = START + minute * 60;
      // Known people come back (date_last and count move), new devices and people appear; many in
      // one second, so more rows share a date_last than a page holds.
      await generate({ access: minute % 3 === 0 ? 160 : 25, teamId });
      clock += 3;
      runs.push(...(await pullToEnd(sourceId, ACCESS, { pageLimit: 50 })));
    }
    expect(runs.every((run) => run.outcome === "SUCCEEDED" || run.errorCode === "rate_budget")).toBe(true);

    const now = await accessGroundTruth(slack, teamId);
    const stored = await storedEvents(sourceId, ACCESS);
    // Every combination, once.
    expect(stored.map((row) => row.key).sort()).toEqual(now.map(combinationOf).sort());
    expect(runs.reduce((sum, run) => sum + run.stored, 0)).toBe(now.length);
    expect(runs.slice(1).reduce((sum, run) => sum + run.duplicates, 0)).toBeGreaterThan(0);

    // Rows seen at the first pull kept the values they had then, although Slack's moved on.
    const byKey = new Map(stored.map((row) => [row.key, row]));
    const moved = now.filter((row) => {
      const seen = firstSight.get(combinationOf(row));
      return seen && (seen.date_last !== row.date_last || seen.count !== row.count);
    });
    expect(moved.length).toBeGreaterThan(5);
    for (const row of moved) {
      const seen = firstSight.get(combinationOf(row))!;
      const event = byKey.get(combinationOf(row))!;
      expect(event.event.count).toBe(seen.count);
      expect(event.eventTime.getTime()).toBe(seen.date_last * 1000);
      expect(event.event.p_event_time).toBe(new Date(seen.date_last * 1000).toISOString().replace(".000Z", "Z"));
    }
    // A row without an address (Slack's schema allows it) is an event like any other.
    const withoutIp = now.find((row) => row.ip === null);
    if (withoutIp) expect(byKey.get(combinationOf(withoutIp))?.event.ip ?? null).toBeNull();
  });

  it("stays within Slack's 20 calls a minute per token: the walk stops when the budget is spent and resumes where it stopped", async () => {
    const { sourceId, teamId } = await createTeamLogsSource(slack, { logTypes: [ACCESS], backfillMinutes: 30 * 24 * 60 + 60 });
    const truth = await accessGroundTruth(slack, teamId);
    const runs = [];
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const run = await pull(sourceId, ACCESS, { pageLimit: 5 });
      runs.push(run);
      if (run.outcome === "SUCCEEDED") break;
      expect(run).toMatchObject({ outcome: "INCOMPLETE", errorCode: "rate_budget" });
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 100));
    }
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.at(-1)!.outcome).toBe("SUCCEEDED");
    // No run took more calls than the budget: 20 pages at most each.
    expect(Math.max(...runs.map((run) => run.pages))).toBeLessThanOrEqual(20);
    const stored = await storedEvents(sourceId, ACCESS);
    expect(stored.map((row) => row.key).sort()).toEqual(truth.map(combinationOf).sort());
  });
});

describe("integration logs", () => {
  it("stores every entry once across ties of one second, string dates and numeric or string service IDs", async () => {
    const backfillMinutes = 30 * 24 * 60;
    const { sourceId, teamId } = await createTeamLogsSource(slack, { logTypes: [INTEGRATION], backfillMinutes });
    const schema = getLogSchema(INTEGRATION)!;
    const keyOf = (entry: Record<string, unknown>) => {
      const normalized = normalizeRecord(schema, entry, { parseTime: new Date() });
      if (!normalized.ok) throw new Error(normalized.reason);
      return integrationEntryKey(normalized.event);
    };
    const expected = async () => (await integrationGroundTruth(slack, teamId)).filter((entry) => entry.date >= START - backfillMinutes * 60).map((entry) => keyOf(entry.entry));

    const first = await pullToEnd(sourceId, INTEGRATION, { pageLimit: 10 });
    expect(first.at(-1)!.outcome).toBe("SUCCEEDED");
    const firstStored = first.reduce((sum, run) => sum + run.stored, 0);
    expect(firstStored).toBe((await expected()).length);
    expect(firstStored).toBeGreaterThan(5);

    let tiePages = 0;
    for (let minute = 1; minute <= 5; minute += 1) {
      clock = START + minute * 60;
      // More changes in one second than a page holds.
      await generate({ integration: minute === 2 ? 35 : 4, teamId });
      const runs = await pullToEnd(sourceId, INTEGRATION, { pageLimit: 10 });
      expect(runs.at(-1)!.outcome).toBe("SUCCEEDED");
      if (minute === 2) tiePages = runs.reduce((sum, run) => sum + run.pages, 0);
    }
    expect(tiePages).toBeGreaterThan(3);

    const stored = await storedEvents(sourceId, INTEGRATION);
    expect(stored.map((row) => row.key).sort()).toEqual((await expected()).sort());
    const truth = await integrationGroundTruth(slack, teamId);
    const numeric = truth.find((entry) => typeof entry.entry.service_id === "number");
    expect(numeric).toBeDefined();
    const storedNumeric = stored.find((row) => row.key === keyOf(numeric!.entry))!;
    // Slack's string date is the event time; a numeric service_id is kept as the schema's string.
    expect(storedNumeric.eventTime.getTime()).toBe(Number(numeric!.entry.date) * 1000);
    expect(storedNumeric.event.service_id).toBe(String(numeric!.entry.service_id));
    expect(stored.some((row) => row.event.change_type === "expanded") || !truth.some((entry) => entry.change_type === "expanded")).toBe(true);
  });

  it("a request Slack refuses mid-walk makes the next pull start a fresh walk rather than repeat it forever", async () => {
    const { sourceId, teamId, token } = await createTeamLogsSource(slack, { logTypes: [INTEGRATION], backfillMinutes: 30 * 24 * 60 });
    await emulatorControl(slack, "/faults", { kind: "slack_error", error: "invalid_arguments", after: 1, token });
    const refused = await pull(sourceId, INTEGRATION, { pageLimit: 5 });
    expect(refused).toMatchObject({ outcome: "FAILED", errorCode: "invalid_arguments", pages: 1 });
    const checkpoint = await db.checkpoint.findUniqueOrThrow({ where: { sourceId_logType: { sourceId, logType: INTEGRATION } } });
    expect(checkpoint.state).toEqual({ watermark: null, walk: null });
    const runs = await pullToEnd(sourceId, INTEGRATION, { pageLimit: 5 });
    expect(runs.at(-1)!.outcome).toBe("SUCCEEDED");
    const truth = (await integrationGroundTruth(slack, teamId)).filter((entry) => entry.date >= START - 30 * 24 * 3600);
    expect(await db.event.count({ where: { sourceId } })).toBe(truth.length);
  });

  it("misses nothing when this machine's clock runs minutes ahead of Slack's", async () => {
    const { sourceId, teamId } = await createTeamLogsSource(slack, { logTypes: [INTEGRATION], backfillMinutes: 24 * 60 });
    const ahead = (options: PullOptions = {}) => pullToEnd(sourceId, INTEGRATION, { now: () => new Date((clock + 600) * 1000), ...options });
    await ahead();
    for (let minute = 1; minute <= 4; minute += 1) {
      clock = START + minute * 60;
      await generate({ integration: 3, teamId });
      await ahead();
    }
    const truth = (await integrationGroundTruth(slack, teamId)).filter((entry) => entry.date >= START - 24 * 3600);
    expect(truth.filter((entry) => entry.date > START)).toHaveLength(12);
    expect(await db.event.count({ where: { sourceId } })).toBe(truth.length);
  });

  it("plans from the backfill, then from the last walk's start minus the overlap, and resumes an unfinished walk", () => {
    expect(planTeamLogsWalk(null, 10_000, 60).walk).toEqual({ floor: 10_000 - 3600, ceiling: 10_000, before: 10_000, page: 1, cursor: null });
    expect(planTeamLogsWalk({ watermark: 9_000, walk: null }, 10_000, 60).walk).toEqual({ floor: 9_000 - TEAM_LOGS_OVERLAP_SECONDS, ceiling: 10_000, before: 10_000, page: 1, cursor: null });
    const walk = { floor: 100, ceiling: 500, before: 300, page: 2, cursor: null };
    expect(planTeamLogsWalk({ watermark: 50, walk }, 10_000, 60).walk).toEqual(walk);
    const garbled = planTeamLogsWalk({ watermark: "soon" }, 10_000, 60);
    expect(garbled.isCheckpointUnreadable).toBe(true);
    expect(garbled.walk.floor).toBe(10_000 - 3600);
  });
});
