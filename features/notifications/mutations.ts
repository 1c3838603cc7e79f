import { db, type DatabaseClient } from "@/lib/db";

// The outbox (see the Notification model): a notice is a row written in the same transaction as the
// change it reports. Its dedupe key names that change, so writing it twice (a retried transaction,
// two workers noticing the same thing) leaves one row.

export type NotificationKind =
  | "source_error"
  | "source_recovered"
  | "alarm"
  | "alarm_recovered"
  | "no_data_yet"
  | "first_data"
  | "system_incident"
  | "system_recovered";

export type NotificationInput = {
  kind: NotificationKind;
  sourceId: string | null;
  recipients: readonly string[];
  subject: string;
  text: string;
  html?: string | null;
  dedupeKey: string;
};

/**
 * Queues a notice; nothing when there is nobody to tell. Returns the notice's ID (also when it was
 * written before under the same dedupe key), or null when there is nobody to tell.
 */
export async function enqueueNotification(client: DatabaseClient, input: NotificationInput): Promise<string | null> {
  if (input.recipients.length === 0) return null;
  await client.notification.createMany({
    data: [{ kind: input.kind, sourceId: input.sourceId, recipients: [...input.recipients], subject: input.subject, textBody: input.text, htmlBody: input.html ?? null, dedupeKey: input.dedupeKey }],
    skipDuplicates: true,
  });
  const notice = await client.notification.findUniqueOrThrow({ where: { dedupeKey: input.dedupeKey }, select: { id: true } });
  return notice.id;
}

/** A notice being delivered is claimed for this long; a worker that died meanwhile leaves it to be tried again. */
export const SENDING_CLAIM_MS = 10 * 60_000;
/** Backoff after a failed delivery: 30 s, 1, 2, 4 … minutes, at most an hour. */
export function nextAttemptDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims the oldest notice due for delivery, or null. One UPDATE … SKIP LOCKED, so any number of
 * workers deliver side by side without taking the same notice. A notice whose data may have reached
 * the mail server (`committing_at` set) is never claimed again: see settleInDoubtNotifications.
 */
export async function claimDueNotification(now = new Date()) {
  const rows = await db.$queryRaw<{ id: string; recipients: string[]; subject: string; text_body: string; html_body: string | null; attempts: number }[]>`
    UPDATE notifications SET sending_since = ${now}, attempts = attempts + 1
    WHERE id = (
      SELECT id FROM notifications
      WHERE sent_at IS NULL AND committing_at IS NULL AND next_attempt_at <= ${now}
        AND (sending_since IS NULL OR sending_since < ${new Date(now.getTime() - SENDING_CLAIM_MS)})
      ORDER BY next_attempt_at, created_at
      FOR UPDATE SKIP LOCKED
      LIMIT 1
    )
    RETURNING id, recipients, subject, text_body, html_body, attempts`;
  const row = rows[0];
  return row ? { id: row.id, recipients: row.recipients, subject: row.subject, text: row.text_body, html: row.html_body, attempts: row.attempts } : null;
}

/** The last step before the end of the message goes to the mail server (lib/mail.ts beforeCommit). */
export async function recordNotificationCommitting(id: string, now = new Date()) {
  await db.notification.updateMany({ where: { id, sentAt: null }, data: { committingAt: now } });
}

export async function recordNotificationSent(id: string, messageId: string, now = new Date()) {
  await db.notification.updateMany({ where: { id, sentAt: null }, data: { sentAt: now, messageId, sendingSince: null, lastError: null } });
}

export const UNCONFIRMED_DELIVERY =
  "The mail server was handed the whole message but its answer never came back, so it was not sent again (nobody gets it twice); it most likely arrived";

/** Handed over, answer lost: counted as sent, marked unconfirmed, never retried. */
export async function recordNotificationInDoubt(id: string, messageId: string, error: string, now = new Date()) {
  await db.notification.updateMany({
    where: { id, sentAt: null },
    data: { sentAt: now, messageId, isUnconfirmed: true, sendingSince: null, lastError: `${UNCONFIRMED_DELIVERY} (${error})`.slice(0, 1000) },
  });
}

export async function recordNotificationFailed(id: string, attempts: number, error: string, now = new Date()) {
  await db.notification.updateMany({
    where: { id, sentAt: null },
    data: { sendingSince: null, committingAt: null, lastError: error, nextAttemptAt: new Date(now.getTime() + nextAttemptDelayMs(attempts)) },
  });
}

/**
 * Notices whose worker died after handing the mail server the end of the message and before
 * recording its answer (the claim expired with `committing_at` set): recorded as sent, unconfirmed,
 * rather than sent again. Returns their IDs.
 */
export async function settleInDoubtNotifications(now = new Date()): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE notifications
    SET sent_at = committing_at, message_id = '<' || id || '@tributary>', is_unconfirmed = true, sending_since = NULL,
        last_error = ${`${UNCONFIRMED_DELIVERY} (the worker stopped before recording the answer).`}
    WHERE sent_at IS NULL AND committing_at IS NOT NULL
      AND (sending_since IS NULL OR sending_since < ${new Date(now.getTime() - SENDING_CLAIM_MS)})
    RETURNING id`;
  return rows.map((row) => row.id);
}

/**
 * Withdraws a notice that has not started going out (not sent, not being sent, no data handed over),
 * when what it reports is already over. Returns whether it was withdrawn.
 */
export async function withdrawUnsentNotification(client: DatabaseClient, id: string, now = new Date()): Promise<boolean> {
  const withdrawn = await client.notification.deleteMany({
    where: { id, sentAt: null, committingAt: null, OR: [{ sendingSince: null }, { sendingSince: { lt: new Date(now.getTime() - SENDING_CLAIM_MS) } }] },
  });
  return withdrawn.count > 0;
}
