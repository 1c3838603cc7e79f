import { db } from "@/lib/db";

export type EventFilter = { sourceId: string; logType?: string; from?: Date; to?: Date };

/**
 * Stored events, oldest first, as NDJSON-ready JSON strings, fetched in keyset pages so an export
 * of millions of rows holds one page in memory at a time. `to` is exclusive, `from` inclusive.
 */
export async function* streamEvents(filter: EventFilter, pageSize = 2_000): AsyncGenerator<string> {
  let after: { eventTime: Date; id: bigint } | null = null;
  for (;;) {
    const page: { id: bigint; eventTime: Date; event: unknown }[] = await db.event.findMany({
      where: {
        sourceId: filter.sourceId,
        ...(filter.logType ? { logType: filter.logType } : {}),
        eventTime: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) },
        ...(after ? { OR: [{ eventTime: { gt: after.eventTime } }, { eventTime: after.eventTime, id: { gt: after.id } }] } : {}),
      },
      orderBy: [{ eventTime: "asc" }, { id: "asc" }],
      select: { id: true, eventTime: true, event: true },
      take: pageSize,
    });
    for (const row of page) yield JSON.stringify(row.event);
    if (page.length < pageSize) return;
    const last = page.at(-1)!;
    after = { eventTime: last.eventTime, id: last.id };
  }
}
