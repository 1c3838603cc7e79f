import { db, type DatabaseClient } from "@/lib/db";

// The outbox (see the Notification model): a notice is a row written in the same transaction as the
// change it reports. Its dedupe key names that change, so writing it twice (a retried transaction,
// two workers noticing the same thing) leaves one row.

export type NotificationInput = {
  kind: "source_error" | "source_recovered";
  sourceId: string | null;
  recipients: readonly string[];
  subject: string;
  text: string;
  dedupeKey: string;
};

/** Queues a notice; nothing when there is nobody to tell. Returns whether a new row was written. */
export async function enqueueNotification(client: DatabaseClient, input: NotificationInput): Promise<boolean> {
  if (input.recipients.length === 0) return false;
  const result = await client.notification.createMany({
    data: [{ kind: input.kind, sourceId: input.sourceId, recipients: [...input.recipients], subject: input.subject, textBody: input.text, dedupeKey: input.dedupeKey }],
    skipDuplicates: true,
  });
  return result.count > 0;
}

/** A notice being delivered is claimed for this long; a worker that died meanwhile leaves it to be tried again. */
export const SENDING_CLAIM_MS = 10 * 60_000;
/** Backoff after a failed delivery: 30 s, 1, 2, 4 … minutes, at most an hour. */
export function nextAttemptDelayMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Claims the oldest notice due for delivery, or null. One UPDATE … SKIP LOCKED, so any number of
 * workers deliver side by side without taking the same notice.
 */
export async function claimDueNotification(now = new Date()) {
  const rows = await db.$queryRaw<{ id: string; recipients: string[]; subject: string; text_body: string; attempts: number }[]>`
    UPDATE notifications SET sending_since = ${now}, attempts = attempts + 1
    WHERE id = (
      SELECT id FROM notifications
      WHERE sent_at IS NULL AND next_attempt_at <= ${now}
        AND (sending_since IS NULL OR sending_since < ${new Date(now.getTime() - SENDING_CLAIM_MS)})
      ORDER BY next_attempt_at, created_at
      FOR UPDATE SKIP LOCKED
      LIMIT 1
    )
    RETURNING id, recipients, subject, text_body, attempts`;
  const row = rows[0];
  return row ? { id: row.id, recipients: row.recipients, subject: row.subject, text: row.text_body, attempts: row.attempts } : null;
}

export async function recordNotificationSent(id: string, messageId: string, now = new Date()) {
  await db.notification.updateMany({ where: { id, sentAt: null }, data: { sentAt: now, messageId, sendingSince: null, lastError: null } });
}

export async function recordNotificationFailed(id: string, attempts: number, error: string, now = new Date()) {
  await db.notification.updateMany({
    where: { id, sentAt: null },
    data: { sendingSince: null, lastError: error, nextAttemptAt: new Date(now.getTime() + nextAttemptDelayMs(attempts)) },
  });
}
