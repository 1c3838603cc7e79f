import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import { claimDueNotification, recordNotificationFailed, recordNotificationSent } from "@/features/notifications/mutations";
import { getEnv } from "@/lib/env";
import { sendMail } from "@/lib/mail";

// Delivers the outbox. Each notice is claimed, sent, then recorded as sent with the server's
// message ID. If the worker dies between sending and recording, the claim expires and the notice
// is sent again with the same Message-ID (`<notification id@tributary>`), which mail systems use to
// drop the second copy: at least once, recognisably the same message.

export async function deliverDueNotifications(transport: Transporter, logger: Logger, options: { limit?: number; now?: () => Date } = {}) {
  const env = getEnv();
  const limit = options.limit ?? 50;
  let sent = 0;
  let failed = 0;
  for (let index = 0; index < limit; index += 1) {
    const notice = await claimDueNotification(options.now?.() ?? new Date());
    if (!notice) break;
    const result = await sendMail(transport, { from: env.ALARM_FROM, to: notice.recipients, subject: notice.subject, text: notice.text, messageId: `<${notice.id}@tributary>` });
    if (result.ok) {
      await recordNotificationSent(notice.id, result.messageId);
      sent += 1;
      logger.info({ notificationId: notice.id, recipients: notice.recipients.length }, "notification sent");
    } else {
      await recordNotificationFailed(notice.id, notice.attempts, result.error);
      failed += 1;
      logger.warn({ notificationId: notice.id, attempts: notice.attempts, err: result.error }, "notification not sent; retried with backoff");
    }
  }
  return { sent, failed };
}
