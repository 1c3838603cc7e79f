import type { AuditContext, AuditEntryInput } from "@/features/audit/schema";
import { db, type DatabaseClient } from "@/lib/db";

/**
 * Appends one entry. Pass the transaction that makes the change, so the change and its record
 * commit together or not at all.
 */
export async function recordAudit(context: AuditContext, entry: AuditEntryInput, client: DatabaseClient = db) {
  await client.auditTrail.create({
    data: {
      actorId: context.actor.id,
      actorLabel: context.actor.label,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      targetLabel: entry.target.label ?? null,
      details: entry.details ?? {},
      ipAddress: context.ipAddress ?? null,
      requestId: context.requestId ?? null,
    },
    select: { id: true },
  });
}
