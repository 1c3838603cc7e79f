import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import type { AuditContext } from "@/features/audit/schema";
import { listReplays } from "@/features/pulls/data";
import { runPull } from "@/features/pulls/jobs";
import { startReplay } from "@/features/pulls/replays";
import { replayRequestSchema } from "@/features/pulls/schema";
import { deleteSourceEverywhere } from "@/features/sources/deletion";
import { listUnfinishedErasures } from "@/features/sources/data";
import { finishEventErasures } from "@/features/sources/jobs";
import { changeBackfillWindow, deleteSource, renameSource } from "@/features/sources/mutations";
import { deleteSourceInputSchema, isConfirmedName, replayWindowInputSchema, sourceDeletedNotice, sourceDeletedPath, utcFromDateTimeLocal } from "@/features/sources/schema";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { closeProducerQueues, schedulePullsNow } from "@/lib/queue/producer";
import { createRedisConnection } from "@/lib/queue/connection";
import { pullSchedulerId } from "@/lib/queue/queues";
import { authTestSchema, callSlackMethod } from "@/lib/slack/web-api";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { createAuditSource, emulatorControl } from "@/scripts/lib/test-sources";

// The source's Settings tab short of the browser: deleting a source everywhere it lives (Postgres,
// Redis, Slack) with or without its events, renaming, the backfill window and replay requests,
// against the real Postgres, Redis and the Slack emulator.

const AUDIT = "Slack.AuditLogs";
const silent = pino({ level: "silent" });
/** A fixed clock, shared by the emulator and the pulls, so the events generated are in the first pull's window. */
const NOW = 1_900_000_000;
let slack: RunningEmulator;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "source-deletion", traffic: { isPaused: true }, isEmpty: true, now: () => NOW });
  // Read on first use by lib/env, which nothing in this file has called yet. A queue prefix of its
  // own: a worker another test file runs reconciles the shared one against a different database.
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
  process.env.QUEUE_PREFIX = `tributary-test-deletion-${uniqueSuffix()}`;
});
afterAll(async () => {
  const connection = createRedisConnection(getEnv().REDIS_URL);
  const queue = new Queue("pulls", { connection, prefix: getEnv().QUEUE_PREFIX });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  connection.disconnect();
  await closeProducerQueues();
  await slack?.stop();
});

async function adminAudit(): Promise<AuditContext> {
  const email = `settings-${uniqueSuffix()}@example.test`;
  const user = await db.user.create({ data: { email, name: email, role: "ADMIN", passwordHash: "scrypt$placeholder" }, select: { id: true } });
  return { actor: { id: user.id, label: email }, ipAddress: "192.0.2.9", requestId: "req-settings" };
}

/** An active audit-logs source whose first pull stored `count` events. */
async function sourceWithEvents(count: number) {
  // Audit logs are organization-wide: a fresh emulator, so only this source's events are in its window.
  await emulatorControl(slack, "/reset");
  const created = await createAuditSource(slack, { backfillMinutes: 60 });
  await emulatorControl(slack, "/traffic/generate", { audit: count });
  const result = await runPull({ sourceId: created.sourceId, logType: AUDIT, trigger: "MANUAL" }, silent, { now: () => new Date(NOW * 1000) });
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  expect(await db.event.count({ where: { sourceId: created.sourceId } })).toBe(count);
  const { name } = await db.source.findUniqueOrThrow({ where: { id: created.sourceId }, select: { name: true } });
  return { ...created, name };
}

async function slackAccepts(token: string): Promise<string> {
  const result = await callSlackMethod(slack.slackApiUrl, "auth.test", { auth: { kind: "bearer", token }, schema: authTestSchema });
  return result.ok ? "ok" : result.kind === "slack_error" ? result.error : result.kind;
}

async function schedulerKeys(sourceId: string): Promise<string[]> {
  const connection = createRedisConnection(getEnv().REDIS_URL);
  const queue = new Queue("pulls", { connection, prefix: getEnv().QUEUE_PREFIX });
  try {
    return (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).filter((key) => key.startsWith(`pull:${sourceId}:`));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

describe("deleting a source", () => {
  it("with its events: removes the source, its secrets, schedules and events, and revokes its token in Slack", async () => {
    const audit = await adminAudit();
    const { sourceId, token, name } = await sourceWithEvents(12);
    await db.classificationFailure.create({ data: { sourceId, logType: AUDIT, reason: "test", payload: "{}", payloadHash: `hash-${uniqueSuffix()}` } });
    expect(await schedulePullsNow([{ sourceId, logType: AUDIT }], `test-${uniqueSuffix()}`)).toBe(true);
    expect(await schedulerKeys(sourceId)).toEqual([pullSchedulerId({ sourceId, logType: AUDIT })]);
    expect(await slackAccepts(token)).toBe("ok");

    const result = await deleteSourceEverywhere(sourceId, { confirmName: name, keepEvents: false }, audit);

    expect(result).toEqual({ ok: true, outcome: { name, keepEvents: false, eventCount: 12, eventsDeleted: 12, failuresDeleted: 1, token: "revoked", isUnscheduled: true } });
    expect(await db.source.count({ where: { id: sourceId } })).toBe(0);
    expect(await db.secret.count({ where: { ownerType: "source", ownerId: sourceId } })).toBe(0);
    expect(await db.event.count({ where: { sourceId } })).toBe(0);
    expect(await db.classificationFailure.count({ where: { sourceId } })).toBe(0);
    expect(await db.pullRun.count({ where: { sourceId } })).toBe(0);
    expect(await db.checkpoint.count({ where: { sourceId } })).toBe(0);
    expect(await schedulerKeys(sourceId)).toEqual([]);
    expect(await slackAccepts(token)).toBe("token_revoked");
    const entry = await db.auditTrail.findFirstOrThrow({ where: { targetId: sourceId, action: "source.deleted" } });
    expect(entry).toMatchObject({ actorLabel: audit.actor.label, targetLabel: name, details: { keepEvents: false, events: 12, status: "ACTIVE" } });
    expect(await db.auditTrail.findFirst({ where: { targetId: sourceId, action: "source.token_after_delete" }, select: { details: true } })).toEqual({ details: { token: "revoked" } });

    // A pull the schedule still had in Redis finds nothing to pull into.
    expect(await runPull({ sourceId, logType: AUDIT, trigger: "SCHEDULED" }, silent, { now: () => new Date(NOW * 1000) })).toEqual({ status: "skipped", reason: "source_not_found" });
  });

  it("keeping its events: they stay, under the name they were stored with", async () => {
    const audit = await adminAudit();
    const { sourceId, token, name } = await sourceWithEvents(5);

    const result = await deleteSourceEverywhere(sourceId, { confirmName: name, keepEvents: true }, audit);

    expect(result).toMatchObject({ ok: true, outcome: { keepEvents: true, eventCount: 5, eventsDeleted: 0, token: "revoked" } });
    expect(await db.source.count({ where: { id: sourceId } })).toBe(0);
    expect(await db.secret.count({ where: { ownerType: "source", ownerId: sourceId } })).toBe(0);
    const kept = await db.event.findMany({ where: { sourceId }, select: { sourceLabel: true } });
    expect(kept).toHaveLength(5);
    expect(new Set(kept.map((event) => event.sourceLabel))).toEqual(new Set([name]));
    expect(await slackAccepts(token)).toBe("token_revoked");
  });

  it("finishes erasing in the worker when the erasure in the request stopped half-way, and never touches kept events", async () => {
    const audit = await adminAudit();
    const erased = await sourceWithEvents(7);
    // The delete committed, then the request died before the erasure: what the audit entry promised is still to do.
    expect(await deleteSource(erased.sourceId, { confirmName: erased.name, keepEvents: false }, audit)).toMatchObject({ ok: true });
    const kept = await sourceWithEvents(3);
    expect(await deleteSource(kept.sourceId, { confirmName: kept.name, keepEvents: true }, audit)).toMatchObject({ ok: true });
    expect(await listUnfinishedErasures()).toContain(erased.sourceId);
    expect(await listUnfinishedErasures()).not.toContain(kept.sourceId);

    await finishEventErasures(silent);

    expect(await db.event.count({ where: { sourceId: erased.sourceId } })).toBe(0);
    expect(await db.event.count({ where: { sourceId: kept.sourceId } })).toBe(3);
    expect(await listUnfinishedErasures()).not.toContain(erased.sourceId);
  });

  it("refuses a name that is not the source's, and deletes nothing", async () => {
    const audit = await adminAudit();
    const { sourceId, token, name } = await sourceWithEvents(3);

    for (const typed of [`${name}x`, name.toUpperCase(), "", "Audit"]) {
      expect(await deleteSourceEverywhere(sourceId, { confirmName: typed, keepEvents: false }, audit)).toEqual({ ok: false, reason: "name_mismatch", name });
    }
    expect(await db.source.count({ where: { id: sourceId } })).toBe(1);
    expect(await db.secret.count({ where: { ownerType: "source", ownerId: sourceId } })).toBe(2);
    expect(await db.event.count({ where: { sourceId } })).toBe(3);
    expect(await slackAccepts(token)).toBe("ok");
    expect(await db.auditTrail.count({ where: { targetId: sourceId, action: "source.deleted" } })).toBe(0);

    // Renamed in another tab after the page was loaded: the old name no longer deletes it.
    await renameSource(sourceId, `${name} renamed`, audit);
    expect(await deleteSourceEverywhere(sourceId, { confirmName: name, keepEvents: false }, audit)).toEqual({ ok: false, reason: "name_mismatch", name: `${name} renamed` });
    // Spaces are tidied as names are; case is not.
    expect(await deleteSourceEverywhere(sourceId, { confirmName: `  ${name}   renamed `, keepEvents: true }, audit)).toMatchObject({ ok: true });
    // Twice (a second tab, a double click): the second finds nothing.
    expect(await deleteSourceEverywhere(sourceId, { confirmName: `${name} renamed`, keepEvents: true }, audit)).toEqual({ ok: false, reason: "not_found" });
  });

  it("does not revoke the token when another source holds a grant of the same Slack app", async () => {
    const audit = await adminAudit();
    const first = await createAuditSource(slack);
    const second = await createAuditSource(slack);
    // The same app granted to both (one app for two sources is allowed): its token may be the other's too.
    await db.source.update({ where: { id: second.sourceId }, data: { grantedClientId: first.clientId } });
    const { name } = await db.source.findUniqueOrThrow({ where: { id: first.sourceId }, select: { name: true } });

    const result = await deleteSourceEverywhere(first.sourceId, { confirmName: name, keepEvents: false }, audit);

    expect(result).toMatchObject({ ok: true, outcome: { token: "shared", eventCount: 0, eventsDeleted: 0 } });
    expect(await slackAccepts(first.token)).toBe("ok");
    // The audit trail says the token was left alive on purpose, and why.
    expect(await db.auditTrail.findFirst({ where: { targetId: first.sourceId, action: "source.token_after_delete" }, select: { details: true } })).toEqual({ details: { token: "shared" } });
    expect(await db.secret.count({ where: { ownerType: "source", ownerId: first.sourceId } })).toBe(0);
  });

  it("deletes a draft that was never granted, with nothing to revoke", async () => {
    const audit = await adminAudit();
    const name = `Draft ${uniqueSuffix()}`;
    const draft = await db.source.create({ data: { name, nameKey: name.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"] }, select: { id: true } });
    expect(await deleteSourceEverywhere(draft.id, { confirmName: name, keepEvents: false }, audit)).toMatchObject({ ok: true, outcome: { token: "none", isUnscheduled: true } });
    expect(await db.source.count({ where: { id: draft.id } })).toBe(0);
  });

  it("tells the sources list what happened through its query", () => {
    const path = sourceDeletedPath({ name: "Slack prod & co", keepEvents: false, token: "failed" });
    expect(path).toBe("/sources?deleted=Slack+prod+%26+co&events=deleted&token=failed");
    const query = Object.fromEntries(new URL(path, "http://localhost").searchParams);
    expect(sourceDeletedNotice(query)).toEqual({
      tone: "error",
      text: "Source “Slack prod & co” deleted. Its events were deleted. Slack did not confirm that its access token was revoked: remove the app from the workspace in Slack to be sure.",
    });
    expect(sourceDeletedNotice({ deleted: "Globex", events: "kept", token: "revoked" })).toMatchObject({ tone: "success" });
    expect(sourceDeletedNotice({})).toBeNull();
  });

  it("asks for the name and the choice about events", () => {
    const issues = deleteSourceInputSchema.safeParse({ sourceId: "c".repeat(25) }).error?.issues.map((issue) => [issue.path[0], issue.message]);
    expect(issues).toEqual([
      ["confirmName", "Type the source's name to confirm"],
      ["keepEvents", "Choose whether to keep or delete its events"],
    ]);
    expect(isConfirmedName("Slack  Prod ", "Slack Prod")).toBe(true);
    expect(isConfirmedName("slack prod", "Slack Prod")).toBe(false);
  });
});

describe("renaming and the backfill window", () => {
  it("renames once per change, refuses a name another source has (whatever its case), and audits each change", async () => {
    const audit = await adminAudit();
    const taken = await createAuditSource(slack);
    const { name: takenName } = await db.source.findUniqueOrThrow({ where: { id: taken.sourceId }, select: { name: true } });
    const { sourceId, name } = await sourceWithEvents(2);

    expect(await renameSource(sourceId, takenName.toUpperCase(), audit)).toEqual({ ok: false, reason: "name_taken" });
    expect(await renameSource(sourceId, `${name} (EU)`, audit)).toEqual({ ok: true, isChanged: true });
    expect(await renameSource(sourceId, `${name} (EU)`, audit)).toEqual({ ok: true, isChanged: false });
    expect(await db.source.findUniqueOrThrow({ where: { id: sourceId }, select: { name: true, nameKey: true } })).toEqual({ name: `${name} (EU)`, nameKey: `${name} (EU)`.toLowerCase() });
    const renames = await db.auditTrail.findMany({ where: { targetId: sourceId, action: "source.renamed" }, select: { details: true, targetLabel: true } });
    expect(renames).toEqual([{ details: { from: name, to: `${name} (EU)` }, targetLabel: `${name} (EU)` }]);
    // Stored events keep the name they arrived under.
    expect(new Set((await db.event.findMany({ where: { sourceId }, select: { sourceLabel: true } })).map((event) => event.sourceLabel))).toEqual(new Set([name]));

    expect(await changeBackfillWindow(sourceId, 7 * 24 * 60, audit)).toEqual({ ok: true, isChanged: true });
    expect(await changeBackfillWindow(sourceId, 7 * 24 * 60, audit)).toEqual({ ok: true, isChanged: false });
    expect(await db.auditTrail.findMany({ where: { targetId: sourceId, action: "source.backfill_changed" }, select: { details: true } })).toEqual([{ details: { from: 60, to: 7 * 24 * 60 } }]);
    expect(await renameSource("c".repeat(25), "Nobody", audit)).toEqual({ ok: false, reason: "not_found" });
  });
});

describe("replaying a time window from the settings form", () => {
  /** What replayWindowAction does after authorizing: the form's values, read as UTC, then startReplay. */
  async function replayAsTheFormSends(input: Record<string, unknown>, audit: AuditContext) {
    const parsed = replayWindowInputSchema.safeParse(input);
    if (!parsed.success) return { ok: false as const, field: String(parsed.error.issues[0]?.path[0]), message: parsed.error.issues[0]?.message };
    return startReplay(parsed.data, audit);
  }

  it("reads the typed times as UTC and refuses impossible ones", () => {
    expect(utcFromDateTimeLocal("2026-03-01T14:30")?.toISOString()).toBe("2026-03-01T14:30:00.000Z");
    expect(utcFromDateTimeLocal("2026-03-01T14:30:15")?.toISOString()).toBe("2026-03-01T14:30:15.000Z");
    expect(utcFromDateTimeLocal("2026-02-31T10:00")).toBeNull();
    expect(utcFromDateTimeLocal("2026-03-01 14:30")).toBeNull();
    expect(utcFromDateTimeLocal("2026-03-01T14:30Z")).toBeNull();
  });

  it("puts each refusal on its field, and records a valid replay for the table", async () => {
    const audit = await adminAudit();
    const { sourceId } = await createAuditSource(slack);
    const base = { sourceId, logType: AUDIT };

    expect(await replayAsTheFormSends({ ...base, from: "", to: "2026-01-01T10:00" }, audit)).toMatchObject({ ok: false, field: "from", message: "Enter when the window starts" });
    expect(await replayAsTheFormSends({ ...base, from: "2026-01-01T10:00", to: "2026-02-30T10:00" }, audit)).toMatchObject({ ok: false, field: "to", message: "Enter a date and a time, like 2026-03-01 14:30" });
    expect(await replayAsTheFormSends({ ...base, logType: "Slack.Other", from: "2026-01-01T10:00", to: "2026-01-01T11:00" }, audit)).toMatchObject({ ok: false, field: "logType", message: "Choose a log type" });
    expect(await replayAsTheFormSends({ ...base, from: "2026-01-01T11:00", to: "2026-01-01T10:00" }, audit)).toEqual({ ok: false, field: "to", message: "The window must end after it starts" });
    expect(await replayAsTheFormSends({ ...base, from: "2012-12-31T23:00", to: "2013-01-02T00:00" }, audit)).toEqual({ ok: false, field: "from", message: "The window must start in 2013 or later" });
    expect(await replayAsTheFormSends({ ...base, from: "2026-01-01T10:00", to: "2999-01-01T00:00" }, audit)).toEqual({ ok: false, field: "to", message: "The window cannot end in the future" });
    expect(await replayAsTheFormSends({ ...base, logType: "Slack.AccessLogs", from: "2026-01-01T10:00", to: "2026-01-01T11:00" }, audit)).toEqual({ ok: false, field: "logType", message: "The source does not pull this log type." });
    // The browser checks the window's rules with the same schema before sending.
    expect(replayRequestSchema.safeParse({ ...base, from: utcFromDateTimeLocal("2026-01-01T11:00"), to: utcFromDateTimeLocal("2026-01-01T10:00") }).success).toBe(false);

    const started = await replayAsTheFormSends({ ...base, from: "2026-01-01T10:00", to: "2026-01-01T11:30" }, audit);
    expect(started).toMatchObject({ ok: true, isQueued: true });
    const [replay] = await listReplays(sourceId);
    expect(replay).toMatchObject({ logType: AUDIT, status: "QUEUED", requestedBy: audit.actor.label, windowFrom: new Date("2026-01-01T10:00:00Z"), windowTo: new Date("2026-01-01T11:30:00Z") });
  });
});
