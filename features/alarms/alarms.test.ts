import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { evaluateAlarms } from "@/features/alarms/jobs";
import { CLI_ACTOR } from "@/features/audit/schema";
import { deliverDueNotifications } from "@/features/notifications/jobs";
import { runPull } from "@/features/pulls/jobs";
import { pauseSource, resumeSource } from "@/features/sources/mutations";
import { db } from "@/lib/db";
import { createMailSender, type MailSender } from "@/lib/mail";
import { createSlackRateLimiter, type SlackRateLimiter } from "@/lib/slack/rate-limiter";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { startSmtpCatcher, subjectOf, textOf } from "@/scripts/lib/test-smtp";
import { createAuditSource, emulatorControl } from "@/scripts/lib/test-sources";

// Drop-off alarms end to end, short of the browser: real pulls from the Slack emulator, the real
// evaluator, the real outbox and a real SMTP server. Time passing without events is played by
// moving the source's own clock back (its last event, when watching began) rather than the
// machine's, because pulls and their runs are stamped by Postgres's clock.
isolatedDatabaseForThisFile("alarms");

const AUDIT = "Slack.AuditLogs";
const RECIPIENT = "soc@example.com";
const ADMIN = "admin@example.com";
const silent = pino({ level: "silent" });
let slack: RunningEmulator;
let redis: Redis;
let limiter: SlackRateLimiter;
let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let sender: MailSender;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "alarms", traffic: { isPaused: true }, isEmpty: true });
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_AUDIT_API_URL = slack.slackAuditApiUrl;
  redis = new Redis(process.env.REDIS_URL!);
  limiter = createSlackRateLimiter(redis, { keyPrefix: `test-${uniqueSuffix()}:`, windowMs: 1000 });
  smtp = await startSmtpCatcher();
  sender = createMailSender(smtp.url);
  await db.user.create({ data: { email: ADMIN, name: "Admin", role: "ADMIN" } });
});
afterAll(async () => {
  sender?.close();
  await smtp?.stop();
  await slack?.stop();
  redis?.disconnect();
});
beforeEach(async () => {
  await emulatorControl(slack, "/reset");
  smtp.messages.length = 0;
  smtp.control.isRefusing = false;
  // Each test judges its own sources: the others leave the fleet.
  await db.source.updateMany({ where: { status: { in: ["ACTIVE", "ERROR"] } }, data: { status: "PAUSED", alarmState: null } });
  await db.systemIncident.deleteMany();
  await db.systemState.deleteMany();
  // Notices an earlier test queued but did not deliver are not this test's mail.
  await db.notification.deleteMany();
});

async function alarmedSource(thresholdMinutes = 60) {
  const { sourceId, token } = await createAuditSource(slack, { backfillMinutes: 60 });
  await db.source.update({ where: { id: sourceId }, data: { alarmEnabled: true, alarmThresholdMinutes: thresholdMinutes, alarmRecipients: [RECIPIENT] } });
  return { sourceId, token };
}

async function pull(sourceId: string) {
  const result = await runPull({ sourceId, logType: AUDIT, trigger: "SCHEDULED" }, silent, { limiter });
  if (result.status !== "ran") throw new Error(`pull skipped: ${result.reason}`);
  return result.run;
}

/** Plays `minutes` of silence: the source last received an event, and began being watched, that much earlier. */
async function quietFor(sourceId: string, minutes: number) {
  await db.$executeRaw`
    UPDATE sources SET last_event_received_at = last_event_received_at - make_interval(mins => ${minutes}),
                       alarm_watched_since = alarm_watched_since - make_interval(mins => ${minutes}),
                       activated_at = activated_at - make_interval(mins => ${minutes})
    WHERE id = ${sourceId}`;
}

/** A source with a 60-minute alarm that received one event 90 minutes ago, judged: in ALARM, its email queued. */
async function sourceInAlarm() {
  const source = await alarmedSource(60);
  await emulatorControl(slack, "/traffic/generate", { audit: 1 });
  await pull(source.sourceId);
  await quietFor(source.sourceId, 90);
  await pull(source.sourceId);
  await evaluateAlarms(silent);
  return source;
}

async function deliver(now?: Date) {
  return deliverDueNotifications(sender, silent, now ? { now: () => now } : {});
}

const mailTo = (address: string) => smtp.messages.filter((mail) => mail.to.includes(address));

async function stateOf(sourceId: string) {
  return (await db.source.findUniqueOrThrow({ where: { id: sourceId }, select: { alarmState: true } })).alarmState;
}

describe("drop-off alarm", () => {
  it("alarms once after the threshold, with an HTML and a text part, and emails the recovery with the outage's duration", async () => {
    const { sourceId } = await alarmedSource(60);
    await emulatorControl(slack, "/traffic/generate", { audit: 5 });
    expect((await pull(sourceId)).stored).toBe(5);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("OK");

    // Two hours without a new event, while the pulls keep succeeding with nothing new.
    await quietFor(sourceId, 120);
    await pull(sourceId);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("ALARM");
    // Every minute after that: still one alarm.
    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    expect(await deliver()).toMatchObject({ sent: 1, failed: 0 });
    const [alarm] = mailTo(RECIPIENT);
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    expect(subjectOf(alarm!)).toMatch(/^\[Tributary\] ALARM: Slack source "Audit [^"]+" has sent no logs for 2 h/);
    expect(alarm!.raw).toContain("Content-Type: text/plain");
    expect(alarm!.raw).toContain("Content-Type: text/html");
    expect(alarm!.raw).toContain(`/sources/${sourceId}`);
    // The last pull's outcome says whether Slack or Tributary is quiet.
    expect(textOf(alarm!)).toContain("Slack answered, with nothing new");

    // Logs again: one recovery email, with how long the source was quiet.
    await emulatorControl(slack, "/traffic/generate", { audit: 2 });
    expect((await pull(sourceId)).stored).toBe(2);
    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("OK");
    expect(await deliver()).toMatchObject({ sent: 1 });
    expect(mailTo(RECIPIENT)).toHaveLength(2);
    expect(subjectOf(mailTo(RECIPIENT)[1]!)).toMatch(/^\[Tributary\] OK: Slack source "Audit [^"]+" is receiving logs again after 2 h/);

    const history = await db.alarmHistory.findMany({ where: { sourceId }, orderBy: { at: "asc" }, include: { notification: true } });
    expect(history.map((entry) => [entry.kind, entry.toState, entry.notification?.sentAt ? entry.recipients : null])).toEqual([
      ["watching", "OK", null],
      ["alarm", "ALARM", [RECIPIENT]],
      ["recovered", "OK", [RECIPIENT]],
    ]);
  });

  it("a source that has sent nothing yet is INSUFFICIENT_DATA, with its own email once the threshold has passed, and one when its first logs arrive", async () => {
    const { sourceId } = await alarmedSource(30);
    await pull(sourceId);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("INSUFFICIENT_DATA");
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(0);

    await quietFor(sourceId, 45);
    await pull(sourceId);
    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("INSUFFICIENT_DATA");
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    expect(subjectOf(mailTo(RECIPIENT)[0]!)).toMatch(/^\[Tributary\] NO DATA: Slack source "Audit [^"]+" has sent no logs since it was connected 45 min ago/);

    await emulatorControl(slack, "/traffic/generate", { audit: 1 });
    await pull(sourceId);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("OK");
    await deliver();
    expect(subjectOf(mailTo(RECIPIENT)[1]!)).toMatch(/^\[Tributary\] OK: Slack source "Audit [^"]+" sent its first logs/);
  });

  it("a paused source is not alarmed, and after its resume the quiet time counts from the resume", async () => {
    const { sourceId } = await alarmedSource(60);
    await emulatorControl(slack, "/traffic/generate", { audit: 3 });
    await pull(sourceId);
    await evaluateAlarms(silent);
    await pauseSource(sourceId, { actor: CLI_ACTOR });
    await quietFor(sourceId, 24 * 60);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBeNull();

    await resumeSource(sourceId, { actor: CLI_ACTOR });
    await pull(sourceId);
    await evaluateAlarms(silent);
    // A day since the last event, but a minute since the resume.
    expect(await stateOf(sourceId)).toBe("OK");
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(0);
    const history = await db.alarmHistory.findMany({ where: { sourceId }, orderBy: { at: "asc" } });
    expect(history.map((entry) => [entry.kind, entry.toState])).toEqual([
      ["watching", "OK"],
      ["unwatched", null],
      ["watching", "OK"],
    ]);
    expect(history[1]!.detail).toMatch(/paused/);
  });

  it("an alarm the mail server refuses is sent once it accepts, after a backoff, and only once", async () => {
    const { sourceId } = await sourceInAlarm();
    smtp.control.isRefusing = true;
    expect(await deliver()).toMatchObject({ sent: 0, failed: 1 });
    const notice = await db.notification.findFirstOrThrow({ where: { sourceId, kind: "alarm" } });
    expect(notice.lastError).toContain("Mailbox unavailable");
    smtp.control.isRefusing = false;
    await evaluateAlarms(silent);
    expect(await deliver()).toMatchObject({ sent: 0, failed: 0 });
    expect(await deliver(new Date(Date.now() + 60_000))).toMatchObject({ sent: 1 });
    expect(await deliver(new Date(Date.now() + 10 * 60_000))).toMatchObject({ sent: 0 });
    expect(mailTo(RECIPIENT)).toHaveLength(1);
  });

  it("a threshold raised while in alarm clears it without a 'logs again' email, and an alarm still stuck in the outbox when logs return is withdrawn", async () => {
    const { sourceId } = await sourceInAlarm();
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    await db.source.update({ where: { id: sourceId }, data: { alarmThresholdMinutes: 180 } });
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("OK");
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(1);

    // In alarm again, but the mail server refuses the email until logs are back.
    await db.source.update({ where: { id: sourceId }, data: { alarmThresholdMinutes: 60 } });
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("ALARM");
    smtp.control.isRefusing = true;
    expect(await deliver()).toMatchObject({ failed: 1 });
    smtp.control.isRefusing = false;
    await emulatorControl(slack, "/traffic/generate", { audit: 1 });
    await pull(sourceId);
    await evaluateAlarms(silent);
    expect(await stateOf(sourceId)).toBe("OK");
    expect(await deliver(new Date(Date.now() + 60 * 60_000))).toMatchObject({ sent: 0 });
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    const history = await db.alarmHistory.findMany({ where: { sourceId }, orderBy: { at: "asc" } });
    expect(history.map((entry) => entry.kind)).toEqual(["alarm", "cleared", "alarm", "recovered"]);
    expect(history[2]!.detail).toContain("withdrawn");
  });

  it("an evaluation on an older clock than one that already judged the source changes nothing", async () => {
    const { sourceId } = await sourceInAlarm();
    expect(await stateOf(sourceId)).toBe("ALARM");
    // A run that began two hours ago, when the source was not yet overdue, reaches it only now.
    await evaluateAlarms(silent, { now: new Date(Date.now() - 2 * 60 * 60_000) });
    expect(await stateOf(sourceId)).toBe("ALARM");
    expect(await db.alarmHistory.count({ where: { sourceId } })).toBe(1);
  });
});

describe("when Tributary itself is the problem", () => {
  it("no source pulling: one notice to the admins, the per-source alarms held, and sent later for a source still quiet once Tributary recovers", async () => {
    const sources = [await alarmedSource(60), await alarmedSource(60), await alarmedSource(60)];
    await emulatorControl(slack, "/traffic/generate", { audit: 3 });
    for (const { sourceId } of sources) await pull(sourceId);
    for (const { sourceId } of sources) await quietFor(sourceId, 120);
    // The pulls that succeeded are from before the outage.
    await db.$executeRaw`UPDATE pull_runs SET started_at = started_at - interval '2 hours', finished_at = finished_at - interval '2 hours'`;
    // Slack answers nobody.
    for (const { token } of sources) await emulatorControl(slack, "/faults", { kind: "server_error", token, count: 100 });
    for (const { sourceId } of sources) await pull(sourceId).catch(() => {});

    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    for (const { sourceId } of sources) expect(await stateOf(sourceId)).toBe("ALARM");
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(0);
    expect(mailTo(ADMIN)).toHaveLength(1);
    expect(subjectOf(mailTo(ADMIN)[0]!)).toMatch(/^\[Tributary\] SYSTEM: no source has pulled successfully since/);
    const incident = await db.systemIncident.findFirstOrThrow({ where: { kind: "pulls_failing" } });
    expect(incident.endedAt).toBeNull();
    expect(incident.detail).toContain("slack_unreachable");

    // Slack answers again; two sources catch up, one is quiet for real.
    await fetch(`${slack.controlUrl}/faults`, { method: "DELETE" });
    await emulatorControl(slack, "/traffic/generate", { audit: 2 });
    for (const { sourceId } of sources.slice(0, 2)) await pull(sourceId);
    await pull(sources[2]!.sourceId);
    await db.$executeRaw`UPDATE sources SET last_event_received_at = now() - interval '3 hours' WHERE id = ${sources[2]!.sourceId}`;
    await evaluateAlarms(silent);
    expect((await db.systemIncident.findFirstOrThrow({ where: { id: incident.id } })).endedAt).not.toBeNull();
    // Within the grace after the incident, still held; the recovered sources return to OK silently.
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(0);
    expect(mailTo(ADMIN)).toHaveLength(2);
    expect(subjectOf(mailTo(ADMIN)[1]!)).toMatch(/^\[Tributary\] SYSTEM OK: sources are pulling again after/);

    // After the grace, the one still quiet is alarmed, once.
    await db.$executeRaw`UPDATE system_incidents SET ended_at = ended_at - interval '1 hour'`;
    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    expect(subjectOf(mailTo(RECIPIENT)[0]!)).toMatch(/^\[Tributary\] ALARM: /);
    const states = await Promise.all(sources.map(({ sourceId }) => stateOf(sourceId)));
    expect(states).toEqual(["OK", "OK", "ALARM"]);
  });

  it("a worker that did not run for a while: one notice to the admins, and no alarm storm when it comes back", async () => {
    const sources = [await alarmedSource(60), await alarmedSource(60)];
    await emulatorControl(slack, "/traffic/generate", { audit: 2 });
    for (const { sourceId } of sources) await pull(sourceId);
    await evaluateAlarms(silent);
    // The worker stops for three hours: no evaluation, no pull.
    await db.$executeRaw`UPDATE system_state SET at = at - interval '3 hours'`;
    for (const { sourceId } of sources) await quietFor(sourceId, 180);
    // Back: its first pulls find nothing new yet (Slack had nothing either).
    for (const { sourceId } of sources) await pull(sourceId);
    await evaluateAlarms(silent);
    await deliver();
    // Quiet for three hours, so in alarm, but the emails are held: Tributary was the one not looking.
    for (const { sourceId } of sources) expect(await stateOf(sourceId)).toBe("ALARM");
    const incident = await db.systemIncident.findFirstOrThrow({ where: { kind: "worker_down" } });
    expect(await db.alarmHistory.count({ where: { kind: "alarm", heldBy: incident.id, notificationId: null } })).toBe(2);
    expect(mailTo(RECIPIENT)).toHaveLength(0);
    expect(mailTo(ADMIN)).toHaveLength(1);
    expect(subjectOf(mailTo(ADMIN)[0]!)).toMatch(/^\[Tributary\] SYSTEM OK: (the )?worker is running again after 3 h/);

    // One catches up; the other is still quiet after the grace period and is emailed then, once.
    await emulatorControl(slack, "/traffic/generate", { audit: 1 });
    await pull(sources[0]!.sourceId);
    await db.$executeRaw`UPDATE system_incidents SET ended_at = ended_at - interval '1 hour'`;
    await evaluateAlarms(silent);
    await evaluateAlarms(silent);
    await deliver();
    expect(mailTo(RECIPIENT)).toHaveLength(1);
    expect(await Promise.all(sources.map(({ sourceId }) => stateOf(sourceId)))).toEqual(["OK", "ALARM"]);
  });

  it("an incident ends when no active source is left to pull, so a source in ERROR is not held forever", async () => {
    const { sourceId, token } = await alarmedSource(60);
    await quietFor(sourceId, 30);
    await emulatorControl(slack, "/faults", { kind: "server_error", token, count: 100 });
    await pull(sourceId).catch(() => {});
    await evaluateAlarms(silent);
    expect(await db.systemIncident.count({ where: { kind: "pulls_failing", endedAt: null } })).toBe(1);
    await db.source.update({ where: { id: sourceId }, data: { status: "ERROR" } });
    await evaluateAlarms(silent);
    expect(await db.systemIncident.count({ where: { kind: "pulls_failing", endedAt: null } })).toBe(0);
  });
});
