import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deliverDueNotifications } from "@/features/notifications/jobs";
import { claimDueNotification, enqueueNotification, SENDING_CLAIM_MS } from "@/features/notifications/mutations";
import { db } from "@/lib/db";
import { createMailSender } from "@/lib/mail";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { freePort, startCommand, uniqueSuffix, waitUntil, type Running } from "@/scripts/lib/test-helpers";
import { decodeHeader, startSmtpCatcher } from "@/scripts/lib/test-smtp";

// The outbox delivered to a real SMTP server (smtp-server, in this process): once per notice, with
// backoff when the server refuses, and never twice, even when the worker is killed mid-delivery.
const database = isolatedDatabaseForThisFile("notifications");

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
const silent = pino({ level: "silent" });

beforeAll(async () => {
  smtp = await startSmtpCatcher();
});
afterAll(async () => {
  await smtp?.stop();
});
beforeEach(() => {
  smtp.messages.length = 0;
  smtp.control.isRefusing = false;
  smtp.control.onRecipient = undefined;
  smtp.control.beforeAnswer = undefined;
});

async function queueNotice() {
  const dedupeKey = `test:${uniqueSuffix()}`;
  await enqueueNotification(db, {
    kind: "source_error",
    sourceId: null,
    recipients: ["soc@example.com", "oncall@example.com"],
    subject: '[Tributary] Slack source "Prod <audit>" stopped: Slack revoked the access token',
    text: "Tributary stopped pulling audit logs.\nWhat to do: Re-grant access.",
    dedupeKey,
  });
  return db.notification.findUniqueOrThrow({ where: { dedupeKey } });
}

describe("outbox delivery", () => {
  it("sends each notice once, to its recipients, and records the server's message ID", async () => {
    const notice = await queueNotice();
    // Written twice (a retried transaction), it is still one notice.
    expect(await enqueueNotification(db, { kind: "source_error", sourceId: null, recipients: ["x@example.com"], subject: "s", text: "t", dedupeKey: notice.dedupeKey })).toBe(notice.id);
    const sender = createMailSender(smtp.url);
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 1, failed: 0, unconfirmed: 0 });
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 0, failed: 0, unconfirmed: 0 });
    sender.close();

    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to.sort()).toEqual(["oncall@example.com", "soc@example.com"]);
    expect(smtp.messages[0]!.from).toBe("tributary@localhost");
    expect(smtp.messages[0]!.raw).toContain(`Message-ID: <${notice.id}@tributary>`);
    expect(decodeHeader(/^Subject: (.*)$/m.exec(smtp.messages[0]!.raw)![1]!)).toBe('[Tributary] Slack source "Prod <audit>" stopped: Slack revoked the access token');
    expect(smtp.messages[0]!.raw).toContain("What to do: Re-grant access.");
    const sent = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(sent).toMatchObject({ attempts: 1, messageId: `<${notice.id}@tributary>`, sendingSince: null, lastError: null });
    expect(sent.sentAt).not.toBeNull();
  });

  it("keeps a refused notice with the server's reason and tries again after a backoff", async () => {
    const notice = await queueNotice();
    const sender = createMailSender(smtp.url);
    smtp.control.isRefusing = true;
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 0, failed: 1, unconfirmed: 0 });
    const refused = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(refused).toMatchObject({ attempts: 1, sentAt: null, sendingSince: null });
    expect(refused.lastError).toContain("Mailbox unavailable");
    expect(refused.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(20_000);

    smtp.control.isRefusing = false;
    // Not before its backoff…
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 0, failed: 0, unconfirmed: 0 });
    // …then once.
    const later = () => new Date(Date.now() + 31_000);
    expect(await deliverDueNotifications(sender, silent, { now: later })).toEqual({ sent: 1, failed: 0, unconfirmed: 0 });
    sender.close();
    expect(smtp.messages).toHaveLength(1);
    expect(await db.notification.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ attempts: 2, lastError: null });
  });

  it("a notice whose worker died mid-delivery goes out again after its claim expires, with the same Message-ID", async () => {
    const notice = await queueNotice();
    // A worker claims it and dies before recording anything.
    expect((await claimDueNotification())?.id).toBe(notice.id);
    const sender = createMailSender(smtp.url);
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 0, failed: 0, unconfirmed: 0 });
    expect(await deliverDueNotifications(sender, silent, { now: () => new Date(Date.now() + 11 * 60_000) })).toEqual({ sent: 1, failed: 0, unconfirmed: 0 });
    sender.close();
    expect(smtp.messages[0]!.raw).toContain(`Message-ID: <${notice.id}@tributary>`);
  });

  it("says what went wrong when the mail server cannot be reached, without the SMTP URL's password", async () => {
    const notice = await queueNotice();
    const sender = createMailSender(`smtp://user:hunter2-secret@127.0.0.1:${await freePort()}`);
    expect(await deliverDueNotifications(sender, silent)).toEqual({ sent: 0, failed: 1, unconfirmed: 0 });
    sender.close();
    const failed = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(failed.lastError).toMatch(/ECONNREFUSED|connect/i);
    expect(failed.lastError).not.toContain("hunter2");
  });
});

describe("the SMTP conversation", () => {
  it("logs in with the URL's credentials, however they are escaped", async () => {
    const credentials = { user: "alerts@example.com", pass: "50%off:@/p w" };
    const guarded = await startSmtpCatcher({ credentials });
    const url = new URL(guarded.url);
    url.username = encodeURIComponent(credentials.user);
    url.password = encodeURIComponent(credentials.pass);
    const sender = createMailSender(url.toString());
    const mail = { from: "tributary@localhost", to: ["soc@example.com"], subject: "s", text: "t", messageId: "<login@tributary>" };
    expect(await sender.send(mail)).toMatchObject({ ok: true });
    const wrong = createMailSender(guarded.url.replace("smtp://", "smtp://alerts%40example.com:hunter2-wrong@"));
    const refused = await wrong.send(mail);
    expect(refused).toMatchObject({ ok: false, isInDoubt: false });
    expect(refused.ok ? "" : refused.error).not.toContain("hunter2");
    sender.close();
    wrong.close();
    await guarded.stop();
    expect(guarded.messages).toHaveLength(1);
  });

  it("a recipient the server refuses: the message never reached the point of no return, so it is retried, not in doubt", async () => {
    await db.notification.deleteMany();
    const notice = await queueNotice();
    smtp.control.isRefusingRecipients = true;
    const sender = createMailSender(smtp.url);
    try {
      expect(await deliverDueNotifications(sender, silent)).toMatchObject({ sent: 0, failed: 1, unconfirmed: 0 });
    } finally {
      smtp.control.isRefusingRecipients = false;
      sender.close();
    }
    const refused = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(refused).toMatchObject({ sentAt: null, committingAt: null, isUnconfirmed: false });
    expect(refused.lastError).toContain("No such user here");
  });
});

describe("a worker killed while it delivers", () => {
  let started: Running | null = null;
  afterEach(async () => {
    // A test that failed before its hook fired leaves no worker behind.
    if (started && started.child.exitCode === null && started.child.signalCode === null) {
      started.child.kill("SIGKILL");
      await started.finished;
    }
    started = null;
  });

  /** A real worker process delivering the outbox to the catcher; the test SIGKILLs it at the chosen moment. */
  async function startWorker(): Promise<Running> {
    return (started = startCommand(["tsx", "worker/index.ts"], {
      DATABASE_URL: database.url,
      QUEUE_PREFIX: `tributary-test-${uniqueSuffix()}`,
      SMTP_URL: smtp.url,
      WORKER_HEALTH_PORT: String(await freePort()),
    }));
  }
  const afterClaimExpiry = () => new Date(Date.now() + SENDING_CLAIM_MS + 60_000);
  beforeEach(async () => {
    // Only this test's notice is due, so the counts below are about it alone.
    await db.notification.deleteMany();
  });

  it("after the mail server has the whole message and before it answers: recorded as sent, unconfirmed, and never sent again", async () => {
    const notice = await queueNotice();
    let worker: Running | null = null;
    smtp.control.beforeAnswer = async () => {
      worker!.child.kill("SIGKILL");
      await worker!.finished;
    };
    worker = await startWorker();
    const exit = await Promise.race([worker.finished, new Promise<null>((resolve) => setTimeout(() => resolve(null), 60_000))]);
    expect(exit).toMatchObject({ code: null });
    expect(smtp.messages).toHaveLength(1);
    const inDoubt = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(inDoubt.sentAt).toBeNull();
    expect(inDoubt.committingAt).not.toBeNull();

    const sender = createMailSender(smtp.url);
    // Another worker, once the dead one's claim has expired.
    expect(await deliverDueNotifications(sender, silent, { now: afterClaimExpiry })).toEqual({ sent: 0, failed: 0, unconfirmed: 1 });
    expect(await deliverDueNotifications(sender, silent, { now: afterClaimExpiry })).toEqual({ sent: 0, failed: 0, unconfirmed: 0 });
    sender.close();
    expect(smtp.messages).toHaveLength(1);
    const settled = await db.notification.findUniqueOrThrow({ where: { id: notice.id } });
    expect(settled).toMatchObject({ isUnconfirmed: true, messageId: `<${notice.id}@tributary>` });
    expect(settled.sentAt).not.toBeNull();
    expect(settled.lastError).toContain("not sent again");
  });

  it("before the message went out: sent once by the next delivery, nothing lost", async () => {
    const notice = await queueNotice();
    let worker: Running | null = null;
    smtp.control.onRecipient = async () => {
      worker!.child.kill("SIGKILL");
      await worker!.finished;
    };
    worker = await startWorker();
    await waitUntil(async () => (worker!.child.exitCode !== null || worker!.child.signalCode !== null ? true : null), 60_000);
    smtp.control.onRecipient = undefined;
    expect(smtp.messages).toHaveLength(0);
    expect(await db.notification.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ sentAt: null, committingAt: null });

    const sender = createMailSender(smtp.url);
    expect(await deliverDueNotifications(sender, silent, { now: afterClaimExpiry })).toEqual({ sent: 1, failed: 0, unconfirmed: 0 });
    sender.close();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.raw).toContain(`Message-ID: <${notice.id}@tributary>`);
    expect(await db.notification.findUniqueOrThrow({ where: { id: notice.id } })).toMatchObject({ isUnconfirmed: false, attempts: 2 });
  });
});
