import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { CLI_ACTOR } from "@/features/audit/schema";
import { runPull, runReplay, type PullOptions } from "@/features/pulls/jobs";
import { createReplay } from "@/features/pulls/mutations";
import { findSource, loadSourceHealth } from "@/features/sources/data";
import { explainSlackError } from "@/features/pulls/slack-errors";
import { pauseSource, recordGrant, recordSourceError, resumeSource } from "@/features/sources/mutations";
import { db } from "@/lib/db";
import { createSlackRateLimiter, type SlackRateLimiter } from "@/lib/slack/rate-limiter";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { freePort, runCommand, startCommand, uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";
import { startSmtpCatcher } from "@/scripts/lib/test-smtp";
import { auditGrantOf, auditGroundTruth, createAuditSource, createTeamLogsSource, emulatorControl } from "@/scripts/lib/test-sources";

// What happens to a source when Slack refuses it, and what an operator sees and receives: the
// source goes to ERROR with an explanation and the fix, its recipients are told once, Slack is
// asked again hourly (not every minute), and the source comes back by itself when Slack does.
// Then pause/resume and replays, which must lose nothing either.
const database = isolatedDatabaseForThisFile("source-errors");

const AUDIT = "Slack.AuditLogs";
const ACCESS = "Slack.AccessLogs";
const INTEGRATION = "Slack.IntegrationLogs";
const silent = pino({ level: "silent" });
const START = 1_900_000_000;
const RECIPIENT = "secops@example.com";
let clock = START;
/** The worker test runs on the machine's clock, like the worker it starts. */
let isRealClock = false;
let slack: RunningEmulator;
let redis: Redis;
let limiter: SlackRateLimiter;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "source-errors", traffic: { isPaused: true }, isEmpty: true, speedUp: 60, now: () => (isRealClock ? Math.floor(Date.now() / 1000) : clock) });
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
  redis = new Redis(process.env.REDIS_URL!);
  limiter = createSlackRateLimiter(redis, { keyPrefix: `test-${uniqueSuffix()}:`, windowMs: 1000 });
});
afterAll(async () => {
  await slack?.stop();
  redis?.disconnect();
});
beforeEach(async () => {
  clock = START;
  isRealClock = false;
  await emulatorControl(slack, "/reset");
});

/** A pull as the schedule runs it (SCHEDULED: a source in ERROR is retried hourly only). */
async function scheduledPull(sourceId: string, logType: string, options: PullOptions = {}) {
  return runPull({ sourceId, logType, trigger: "SCHEDULED" }, silent, { now: () => new Date(clock * 1000), limiter, ...options });
}

async function ran(sourceId: string, logType: string, options: PullOptions = {}) {
  const result = await scheduledPull(sourceId, logType, options);
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  return result.run;
}

async function generateAuditAt(second: number, count: number) {
  const saved = clock;
  clock = second;
  await emulatorControl(slack, "/traffic/generate", { audit: count });
  clock = saved;
}

async function storedAuditIds(sourceId: string) {
  return (await db.event.findMany({ where: { sourceId, logType: AUDIT }, select: { dedupeKey: true } })).map((row) => row.dedupeKey).sort();
}

async function notices(sourceId: string) {
  return db.notification.findMany({ where: { sourceId }, orderBy: { createdAt: "asc" } });
}

async function healthOf(sourceId: string) {
  const source = await findSource(sourceId);
  return loadSourceHealth(source!, new Date(clock * 1000));
}

/** Re-grant as the wizard's callback would, with a fresh token from the emulator. */
async function regrant(sourceId: string, clientId: string) {
  const token = await emulatorControl<{ value: string; userId: string; enterpriseId: string }>(slack, "/tokens", { clientId, isEnterpriseInstall: true });
  const granted = await recordGrant(
    sourceId,
    { validatedLogTypes: [AUDIT], clientId, ...auditGrantOf(token) },
    { actor: CLI_ACTOR },
  );
  expect(granted).toMatchObject({ ok: true, status: "ACTIVE" });
}

describe("Slack refusals", () => {
  it("token revoked mid-window: the source stops with the fix, its recipients are told once, and a re-grant resumes the window without loss", async () => {
    const { sourceId, token, clientId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await db.source.update({ where: { id: sourceId }, data: { alarmRecipients: [RECIPIENT] } });
    for (let minute = 10; minute <= 35; minute += 5) await generateAuditAt(START - minute * 60, 10);
    // The third page is refused: the first two are stored and the window is half read.
    await emulatorControl(slack, "/faults", { kind: "ratelimited", after: 2, retryAfterSeconds: 1, token });
    const partial = await ran(sourceId, AUDIT, { pageLimit: 10 });
    expect(partial).toMatchObject({ outcome: "INCOMPLETE", errorCode: "ratelimited", stored: 20 });

    await emulatorControl(slack, "/tokens/revoke", { token });
    // The app's secret was regenerated in Slack too: re-granting with the saved one would fail.
    await emulatorControl(slack, `/apps/${clientId}/rotate-secret`);
    const refused = await ran(sourceId, AUDIT, { pageLimit: 10 });
    expect(refused).toMatchObject({ outcome: "FAILED", errorCode: "token_revoked" });
    expect(refused.error).toContain("Slack revoked the access token");
    expect(refused.error).toContain("HTTP 401 token_revoked");

    const stopped = await db.source.findUniqueOrThrow({ where: { id: sourceId } });
    expect(stopped).toMatchObject({ status: "ERROR", errorCode: "token_revoked", errorLogType: AUDIT, clientCredentialsError: "bad_client_secret" });
    expect(stopped.nextRetryAt!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
    const health = await healthOf(sourceId);
    expect(health.healthy).toBe(false);
    const credentials = health.checks.find((check) => check.id === "credentials")!;
    expect(credentials).toMatchObject({ healthy: false, fix: "rotate_credentials" });
    expect(credentials.rawError).toContain("token_revoked");

    // Not every minute: the schedule's next pulls do not call Slack until the hour is up.
    const calls = async () => ((await (await fetch(slack.controlUrl)).json()) as { faults: unknown[] }).faults;
    await emulatorControl(slack, "/faults", { kind: "server_error", count: 1, token });
    for (let minute = 1; minute <= 3; minute += 1) {
      clock = START + minute * 60;
      expect(await scheduledPull(sourceId, AUDIT)).toEqual({ status: "skipped", reason: "waiting_to_retry" });
    }
    expect(await calls()).toHaveLength(1);
    await fetch(`${slack.controlUrl}/faults`, { method: "DELETE" });

    const sent = await notices(sourceId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: "source_error", recipients: [RECIPIENT], sentAt: null });
    expect(sent[0]!.subject).toBe(`[Tributary] Slack source "${stopped.name}" stopped: Slack revoked the access token`);
    expect(sent[0]!.textBody).toContain(`/sources/${sourceId}`);
    expect(sent[0]!.textBody).not.toContain(token);
    const trail = await db.auditTrail.findMany({ where: { targetId: sourceId, action: "source.failed" } });
    expect(trail).toHaveLength(1);

    await regrant(sourceId, clientId);
    const resumed = await ran(sourceId, AUDIT, { pageLimit: 10 });
    expect(resumed.outcome).toBe("SUCCEEDED");
    expect(await storedAuditIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
    expect(await db.source.findUniqueOrThrow({ where: { id: sourceId } })).toMatchObject({ status: "ACTIVE", errorCode: null, clientCredentialsError: null });
  });

  it("an IP allow-list refusal fixed in Slack: the hourly retry finds it working and the source recovers by itself", async () => {
    const { sourceId, token } = await createAuditSource(slack, { backfillMinutes: 60 });
    await db.source.update({ where: { id: sourceId }, data: { alarmRecipients: [RECIPIENT] } });
    await generateAuditAt(START - 60, 5);
    await emulatorControl(slack, "/faults", { kind: "slack_error", error: "invalid_auth", count: 1, token });
    expect(await ran(sourceId, AUDIT)).toMatchObject({ outcome: "FAILED", errorCode: "invalid_auth" });
    const stopped = await db.source.findUniqueOrThrow({ where: { id: sourceId } });
    expect(stopped.status).toBe("ERROR");

    // An hour later.
    await db.source.update({ where: { id: sourceId }, data: { nextRetryAt: new Date(Date.now() - 1000), errorSince: new Date(Date.now() - 61 * 60_000) } });
    expect(await ran(sourceId, AUDIT)).toMatchObject({ outcome: "SUCCEEDED", stored: 5 });
    expect(await db.source.findUniqueOrThrow({ where: { id: sourceId } })).toMatchObject({ status: "ACTIVE", errorCode: null, nextRetryAt: null });
    const sent = await notices(sourceId);
    expect(sent.map((notice) => notice.kind)).toEqual(["source_error", "source_recovered"]);
    expect(sent[1]!.subject).toBe(`[Tributary] Slack source "${stopped.name}" is pulling again`);
    expect(sent[1]!.textBody).toContain("after 1 h 1 min stopped (invalid_auth)");
    expect((await healthOf(sourceId)).checks.find((check) => check.id === "credentials")!.healthy).toBe(true);
  });

  it("installing user deactivated: explained as such, with Re-grant access as the fix", async () => {
    const { sourceId, userId } = await createTeamLogsSource(slack, { logTypes: [ACCESS, INTEGRATION], alarmRecipients: [RECIPIENT] });
    await emulatorControl(slack, `/users/${userId}/deactivate`);
    const refused = await ran(sourceId, ACCESS);
    expect(refused).toMatchObject({ outcome: "FAILED", errorCode: "token_revoked" });
    expect(refused.error).toContain("deactivated");
    // The other log type shares the token and the hourly retry: it does not call Slack meanwhile.
    expect(await scheduledPull(sourceId, INTEGRATION)).toEqual({ status: "skipped", reason: "waiting_to_retry" });
    const check = (await healthOf(sourceId)).checks.find((candidate) => candidate.id === "credentials")!;
    expect(check).toMatchObject({ healthy: false, fix: "regrant" });
    expect(await notices(sourceId)).toHaveLength(1);
  });

  it("scope missing: names the scope to add and where", async () => {
    const { sourceId } = await createTeamLogsSource(slack, { logTypes: [INTEGRATION], scopes: ["users:read"] });
    const refused = await ran(sourceId, INTEGRATION);
    expect(refused).toMatchObject({ outcome: "FAILED", errorCode: "missing_scope" });
    expect(refused.error).toContain("The token is missing the admin scope");
    expect(refused.error).toContain("needed: admin; granted: users:read");
    const check = (await healthOf(sourceId)).checks.find((candidate) => candidate.id === "permissions")!;
    expect(check).toMatchObject({ healthy: false, fix: "regrant" });
    expect(check.message).toContain("User Token Scopes");
  });

  it("free plan: says the workspace needs a paid plan", async () => {
    const { sourceId } = await createTeamLogsSource(slack, { logTypes: [ACCESS], plan: "free" });
    const refused = await ran(sourceId, ACCESS);
    expect(refused).toMatchObject({ outcome: "FAILED", errorCode: "paid_only" });
    const check = (await healthOf(sourceId)).checks.find((candidate) => candidate.id === "permissions")!;
    expect(check).toMatchObject({ healthy: false, fix: "upgrade_plan" });
    expect(check.message).toContain("only available on paid plans");
  });

  it("a refusal met by a pull still using the token a re-grant replaced does not stop the source again", async () => {
    const { sourceId, token, clientId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await emulatorControl(slack, "/tokens/revoke", { token });
    const before = await db.source.findUniqueOrThrow({ where: { id: sourceId } });
    // The pull loads the source (and its token) while the admin re-grants.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await regrant(sourceId, clientId);
    const problem = { code: "token_revoked", detail: "audit/v1/logs: HTTP 401 token_revoked", logType: AUDIT, explained: explainSlackError("token_revoked", { logType: AUDIT }) };
    expect(await recordSourceError(sourceId, { ...problem, tokenGrantedAt: before.grantedAt })).toEqual({ isNew: false });
    expect((await db.source.findUniqueOrThrow({ where: { id: sourceId } })).status).toBe("ACTIVE");
    expect(await notices(sourceId)).toHaveLength(0);
  });

  it("a transient failure does not stop the source", async () => {
    const { sourceId, token } = await createAuditSource(slack, { backfillMinutes: 60 });
    await emulatorControl(slack, "/faults", { kind: "html_error", count: 1, token });
    const failed = await ran(sourceId, AUDIT);
    expect(failed).toMatchObject({ outcome: "FAILED", errorCode: "slack_unreachable" });
    expect(failed.error).toContain("HTTP 502 with an HTML page");
    expect((await db.source.findUniqueOrThrow({ where: { id: sourceId } })).status).toBe("ACTIVE");
    expect(await notices(sourceId)).toHaveLength(0);
  });
});

describe("pause, resume and replay", () => {
  it("pauses without pulling and resumes with the time missed", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await generateAuditAt(START - 60, 4);
    expect(await ran(sourceId, AUDIT)).toMatchObject({ outcome: "SUCCEEDED", stored: 4 });
    expect(await pauseSource(sourceId, { actor: CLI_ACTOR })).toMatchObject({ ok: true });

    for (let minute = 1; minute <= 30; minute += 1) {
      clock = START + minute * 60;
      await generateAuditAt(clock, 2);
      if (minute % 10 === 0) expect(await scheduledPull(sourceId, AUDIT)).toEqual({ status: "skipped", reason: "source_not_active" });
    }
    expect(await healthOf(sourceId)).toMatchObject({ healthy: true });
    expect(await resumeSource(sourceId, { actor: CLI_ACTOR })).toMatchObject({ ok: true, logTypes: [AUDIT] });
    clock += 5;
    expect(await ran(sourceId, AUDIT)).toMatchObject({ outcome: "SUCCEEDED", stored: 60 });
    expect(await storedAuditIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
    const actions = (await db.auditTrail.findMany({ where: { targetId: sourceId }, orderBy: { at: "asc" } })).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(["source.paused", "source.resumed"]));
  });

  it("replays a window: what was lost comes back, the rest counts as duplicates, and the regular watermark does not move", async () => {
    const { sourceId } = await createAuditSource(slack, { backfillMinutes: 60 });
    await generateAuditAt(START - 40 * 60, 12);
    await generateAuditAt(START - 20 * 60, 12);
    await ran(sourceId, AUDIT);
    const checkpoint = await db.checkpoint.findUniqueOrThrow({ where: { sourceId_logType: { sourceId, logType: AUDIT } } });
    // Lost downstream, say: the events of the window's first half are deleted.
    const lost = await db.event.deleteMany({ where: { sourceId, eventTime: { lt: new Date((START - 30 * 60) * 1000) } } });
    expect(lost.count).toBe(12);

    const window = { sourceId, logType: AUDIT, from: new Date((START - 50 * 60) * 1000), to: new Date((START - 10 * 60) * 1000) };
    const created = await createReplay(window, { actor: CLI_ACTOR });
    if (!created.ok) throw new Error(created.reason);
    const replayed = await runReplay(created.replayId, {}, silent, { limiter, pageLimit: 5 });
    expect(replayed.status).toBe("ran");
    if (replayed.status !== "ran") return;
    expect(replayed.run).toMatchObject({ trigger: "REPLAY", replayId: created.replayId, outcome: "SUCCEEDED", stored: 12, duplicates: 12 });
    expect(await storedAuditIds(sourceId)).toEqual((await auditGroundTruth(slack)).map((event) => event.id).sort());
    expect(await db.pullReplay.findUniqueOrThrow({ where: { id: created.replayId } })).toMatchObject({ status: "SUCCEEDED" });
    expect((await db.checkpoint.findUniqueOrThrow({ where: { sourceId_logType: { sourceId, logType: AUDIT } } })).state).toEqual(checkpoint.state);
    // Finished is finished: running it again does nothing.
    expect(await runReplay(created.replayId, {}, silent, { limiter })).toEqual({ status: "skipped", reason: "replay_finished" });
  });
});

describe("through the queue", () => {
  it("a worker stops the source when its token is revoked and mails the recipients once", async () => {
    const smtp = await startSmtpCatcher();
    isRealClock = true;
    const recipient = `soc-${uniqueSuffix()}@example.com`;
    const { sourceId, token } = await createTeamLogsSource(slack, { logTypes: [ACCESS], alarmRecipients: [recipient] });
    await db.source.updateMany({ where: { id: { not: sourceId }, status: "ACTIVE" }, data: { status: "PAUSED" } });
    await emulatorControl(slack, "/tokens/revoke", { token });
    const queuePrefix = `tributary-test-${uniqueSuffix()}`;
    const worker = startCommand(["tsx", "worker/index.ts"], {
      QUEUE_PREFIX: queuePrefix,
      DATABASE_URL: database.url,
      SLACK_API_URL: slack.slackApiUrl,
      SLACK_AUDIT_API_URL: slack.slackAuditApiUrl,
      SMTP_URL: smtp.url,
      PULL_INTERVAL_SECONDS: "10",
      WORKER_HEALTH_PORT: String(await freePort()),
    });
    try {
      const sent = await waitUntil(() => db.notification.findFirst({ where: { sourceId, sentAt: { not: null } } }), 60_000);
      expect(sent.kind).toBe("source_error");
      expect((await db.source.findUniqueOrThrow({ where: { id: sourceId } })).status).toBe("ERROR");
      // Another interval: still one mail and one run, because the source waits for its hourly retry.
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      const ours = smtp.messages.filter((mail) => mail.to.includes(recipient));
      expect(ours).toHaveLength(1);
      expect(ours[0]!.raw).toContain(`/sources/${sourceId}`);
      expect(ours[0]!.raw).not.toContain(token);
      expect(await db.pullRun.count({ where: { sourceId } })).toBe(1);
    } finally {
      worker.child.kill("SIGKILL");
      await worker.finished;
      await smtp.stop();
      const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
      const queue = new Queue("pulls", { connection, prefix: queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });

  // Its own wait allows 180 s: 30,000 events through every fault take ~40 s alone and longer beside
  // the other test files, past the 60 s default.
  it("rides out 429 storms, 5xx, HTML pages, malformed JSON, resets and hangs: every event arrives once, every attempt is a run", async () => {
    isRealClock = true;
    const now = Math.floor(Date.now() / 1000);
    const count = 30_000;
    await emulatorControl(slack, "/bulk-audit", { count, oldest: now - 2 * 3600, latest: now - 3600, seed: "storm" });
    const { sourceId, token } = await createAuditSource(slack, { backfillMinutes: 3 * 60 });
    // A real worker pulls every active source it finds: only this one is left.
    await db.source.updateMany({ where: { id: { not: sourceId }, status: { in: ["ACTIVE", "ERROR"] } }, data: { status: "PAUSED" } });
    // In order, each after the previous is spent: a storm after the first page, one of each
    // transient failure after the second, and a last storm.
    const faults = [
      { kind: "ratelimited", after: 1, count: 3, retryAfterSeconds: 1 },
      { kind: "server_error", after: 1 },
      { kind: "service_unavailable", retryAfterSeconds: 1 },
      { kind: "malformed_json" },
      { kind: "html_error" },
      { kind: "connection_reset" },
      { kind: "hang" },
      { kind: "ratelimited", count: 4, retryAfterSeconds: 1 },
    ];
    for (const fault of faults) await emulatorControl(slack, "/faults", { ...fault, token, pathPrefix: "/audit/v1/logs" });

    const queuePrefix = `tributary-test-${uniqueSuffix()}`;
    const environment = {
      QUEUE_PREFIX: queuePrefix,
      DATABASE_URL: database.url,
      SLACK_API_URL: slack.slackApiUrl,
      SLACK_AUDIT_API_URL: slack.slackAuditApiUrl,
      PULL_INTERVAL_SECONDS: "10",
      SLACK_TIMEOUT_SECONDS: "2",
      SLACK_RATE_LIMIT_WINDOW_SECONDS: "1",
    };
    const worker = startCommand(["tsx", "worker/index.ts"], { ...environment, WORKER_HEALTH_PORT: String(await freePort()) });
    try {
      await waitUntil(async () => (await db.event.count({ where: { sourceId } })) === count, 180_000, 500).catch(async (error: unknown) => {
        // What the pulls did instead, and the worker's last words: a CI log shows little more.
        const stored = await db.event.count({ where: { sourceId } });
        const runs = await db.pullRun.findMany({ where: { sourceId }, orderBy: { startedAt: "asc" }, select: { outcome: true, attempt: true, stored: true, errorCode: true, error: true } });
        const summary = runs.map((run) => `${run.outcome}#${run.attempt} +${run.stored}${run.errorCode ? ` ${run.errorCode}: ${run.error?.slice(0, 60)}` : ""}`).join("\n  ");
        const lastLines = worker.output().stdout.trim().split("\n").slice(-15).join("\n  ");
        throw new Error(`${String(error)}: ${stored} of ${count} stored; runs:\n  ${summary}\nworker's last lines:\n  ${lastLines}`);
      });
      const truth = await auditGroundTruth(slack);
      expect(truth).toHaveLength(count);
      expect(await storedAuditIds(sourceId)).toEqual(truth.map((event) => event.id).sort());

      const runs = await db.pullRun.findMany({ where: { sourceId }, orderBy: { startedAt: "asc" } });
      const limited = runs.filter((run) => run.errorCode === "ratelimited");
      expect(limited.length).toBe(7);
      expect(limited.every((run) => run.outcome === "INCOMPLETE")).toBe(true);
      const transient = runs.filter((run) => run.errorCode === "slack_unreachable");
      expect(transient.map((run) => run.error!.match(/\(([^)]*)\)/)?.[1])).toEqual([
        "HTTP 500",
        "HTTP 503 with an HTML page",
        "HTTP 200 with a body that is not JSON",
        "HTTP 502 with an HTML page",
        "connection failed",
        "no answer within 2 s",
      ]);
      // Retried by the queue with backoff: later attempts of one job are runs of their own.
      expect(Math.max(...transient.map((run) => run.attempt))).toBeGreaterThan(1);
      expect(runs.some((run) => run.outcome === "SUCCEEDED")).toBe(true);
      // Nothing here was the source's fault: it stays active and nobody is told.
      expect((await db.source.findUniqueOrThrow({ where: { id: sourceId } })).status).toBe("ACTIVE");
      expect(await notices(sourceId)).toHaveLength(0);

      // A replay asked for from the command line runs on the worker: all duplicates, nothing new.
      const from = new Date((now - 2 * 3600) * 1000).toISOString();
      const to = new Date((now - 3600) * 1000).toISOString();
      const requested = await runCommand(["tsx", "bin/tributary.js", "replay", "--source", sourceId, "--log-type", AUDIT, "--from", from, "--to", to], environment);
      expect(requested.code).toBe(0);
      const replayId = requested.stdout.trim();
      const replay = await waitUntil(() => db.pullReplay.findFirst({ where: { id: replayId, status: "SUCCEEDED" } }), 60_000);
      const replayRuns = await db.pullRun.findMany({ where: { replayId: replay.id } });
      expect(replayRuns.reduce((sum, run) => sum + run.duplicates, 0)).toBe(count);
      expect(replayRuns.reduce((sum, run) => sum + run.stored, 0)).toBe(0);
      expect(await db.event.count({ where: { sourceId } })).toBe(count);
    } finally {
      worker.child.kill("SIGKILL");
      await worker.finished;
      const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
      const queue = new Queue("pulls", { connection, prefix: queuePrefix });
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  }, 240_000);
});
