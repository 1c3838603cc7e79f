import { AUDIT_PAGE_SIZE, type AuditAction, type AuditPage, type AuditQuery } from "@/features/audit/schema";
import { db } from "@/lib/db";
import { decodeKeysetCursor, encodeKeysetCursor } from "@/lib/keyset-cursor";
import type { Prisma } from "@/lib/generated/prisma/client";

/** Newest first, keyset-paginated on (at, id) so deep pages cost the same as the first. */
export async function listAuditEntries(query: AuditQuery): Promise<AuditPage> {
  const cursor = query.cursor ? decodeKeysetCursor(query.cursor) : null;
  const where: Prisma.AuditTrailWhereInput = {
    action: query.action,
    actorLabel: query.actor ? { contains: query.actor, mode: "insensitive" } : undefined,
    OR: query.target
      ? [{ targetLabel: { contains: query.target, mode: "insensitive" } }, { targetId: query.target }, { targetType: query.target }]
      : undefined,
    at: query.from || query.to ? { gte: query.from, lte: query.to } : undefined,
    AND: cursor ? [{ OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] }] : undefined,
  };
  const rows = await db.auditTrail.findMany({
    where,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    select: { id: true, at: true, actorLabel: true, action: true, targetType: true, targetId: true, targetLabel: true, details: true, ipAddress: true },
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({ ...row, at: row.at.toISOString(), details: (row.details ?? {}) as Record<string, unknown> })),
    nextCursor: rows.length > query.limit && last ? encodeKeysetCursor(last) : null,
  };
}

/** How many entries of one action a target got since a time: a cheap, cross-process rate limit. */
export async function countRecentAuditEntries(query: { action: AuditAction; targetId: string; since: Date }): Promise<number> {
  return db.auditTrail.count({ where: { action: query.action, targetId: query.targetId, at: { gte: query.since } } });
}

/** One source's entries (target "source" with its ID), newest first, keyset-paginated like the full trail. */
export async function listSourceAuditEntries(sourceId: string, cursor: { at: Date; id: string } | null, limit = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  const rows = await db.auditTrail.findMany({
    where: { targetType: "source", targetId: sourceId, ...(cursor ? { OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: cursor.id } }] } : {}) },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: { id: true, at: true, actorLabel: true, action: true, targetType: true, targetId: true, targetLabel: true, details: true, ipAddress: true },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map((row) => ({ ...row, at: row.at.toISOString(), details: (row.details ?? {}) as Record<string, unknown> })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor(last) : null,
  };
}
