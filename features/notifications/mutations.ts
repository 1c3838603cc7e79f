import type { DatabaseClient } from "@/lib/db";

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
