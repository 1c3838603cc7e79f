import type { Logger } from "pino";
import {
  claimDueNotification,
  recordNotificationCommitting,
  recordNotificationFailed,
  recordNotificationInDoubt,
  recordNotificationSent,
  settleInDoubtNotifications,
} from "@/features/notifications/mutations";
import { getEnv } from "@/lib/env";
import type { MailSender } from "@/lib/mail";

// Delivers the outbox: each notice is claimed, sent, then recorded as sent with its message ID.
//
// Never twice, even when a worker dies between sending and recording. SMTP has exactly one moment
// after which the server may have the message: the end of the data (the final "."). Everything
// before it can be repeated safely — a connection dropped mid-conversation makes the server discard
// the transaction (RFC 5321 §3.8) — and everything after it cannot. So, just before that moment,
// the notice is marked `committing_at` (lib/mail.ts calls back for it), and:
//   - the worker dies before the mark: its claim expires and the notice is sent again; nothing had
//     been delivered, so nothing is lost and nothing is doubled;
//   - the server answers: the notice is recorded as sent, or as failed (the mark cleared) and retried
//     with backoff, since a refusal means the server did not take it;
//   - the worker dies, or the connection breaks, after the mark and before the answer: the notice is
//     recorded as sent, *unconfirmed*, and never sent again. The mail server most likely delivered
//     it; the console shows the doubt instead of risking a second copy.
// The remaining window is one server round trip (RFC 1047's "duplicate messages" problem), and even
// then the message keeps its Message-ID (`<notification id@tributary>`), which lets mail systems and
// people recognise a copy.
export async function deliverDueNotifications(sender: MailSender, logger: Logger, options: { limit?: number; now?: () => Date } = {}) {
  const env = getEnv();
  const limit = options.limit ?? 50;
  const now = options.now ?? (() => new Date());
  let sent = 0;
  let failed = 0;
  const unconfirmed = await settleInDoubtNotifications(now());
  for (const id of unconfirmed) logger.warn({ notificationId: id }, "notification handed to the mail server by a worker that stopped before its answer; recorded as sent, unconfirmed");
  for (let index = 0; index < limit; index += 1) {
    const notice = await claimDueNotification(now());
    if (!notice) break;
    const messageId = `<${notice.id}@tributary>`;
    const result = await sender.send(
      { from: env.ALARM_FROM, to: notice.recipients, subject: notice.subject, text: notice.text, html: notice.html, messageId },
      { beforeCommit: () => recordNotificationCommitting(notice.id, now()) },
    );
    if (result.ok) {
      await recordNotificationSent(notice.id, result.messageId, now());
      sent += 1;
      logger.info({ notificationId: notice.id, recipients: notice.recipients.length }, "notification sent");
    } else if (result.isInDoubt) {
      await recordNotificationInDoubt(notice.id, messageId, result.error, now());
      sent += 1;
      logger.warn({ notificationId: notice.id, err: result.error }, "notification handed to the mail server, answer lost; recorded as sent, unconfirmed");
    } else {
      await recordNotificationFailed(notice.id, notice.attempts, result.error, now());
      failed += 1;
      logger.warn({ notificationId: notice.id, attempts: notice.attempts, err: result.error }, "notification not sent; retried with backoff");
    }
  }
  return { sent, failed, unconfirmed: unconfirmed.length };
}
