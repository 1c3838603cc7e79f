import { canonicalizeIndicator } from "@/features/events/indicators";
import { decodeEventCursor, encodeEventCursor, type EventFilter, type EventPage, type EventQuery, type EventRow } from "@/features/events/schema";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// Every read here is one keyset range scan over an index that ends in (p_event_time DESC, id DESC)
// (prisma/schema.prisma, model Event): the filter's equality columns pick the index, the time range
// and the cursor bound the scan, and LIMIT stops it after one page, so page 1,000 of ten million
// events costs what page 1 does. The row comparison `(p_event_time, id) < (…)` is what lets Postgres
// use the cursor as an index bound; the equivalent `t < x OR (t = x AND id < y)` is only a filter.

type EventRecord = {
  id: bigint;
  p_event_time: Date;
  p_log_type: string;
  p_source_id: string;
  p_source_label: string;
  action: string | null;
  p_any_ip_addresses: string[] | null;
  p_any_emails: string[] | null;
  p_any_usernames: string[] | null;
  p_row_id: string;
  event: unknown;
};

/** One stored event with the columns an export writes. */
export type ExportedEvent = {
  eventTime: Date;
  logType: string;
  sourceId: string;
  sourceLabel: string;
  action: string | null;
  ipAddresses: string[];
  emails: string[];
  usernames: string[];
  rowId: string;
  event: unknown;
};

type Keyset = { eventTime: Date; id: bigint | string };

const EVENT_COLUMNS = Prisma.sql`id, p_event_time, p_log_type, p_source_id, p_source_label, action, p_any_ip_addresses, p_any_emails, p_any_usernames, p_row_id, event`;

// Postgres text cannot hold U+0000, so such a value can match nothing, and sending it would be an error.
const hasNul = (value: string) => value.includes("\u0000");

/**
 * The search box takes an IP address, an email or a username without being told which: each valid
 * reading is looked up in its own indicator column (canonicalized as stored, so "Alice@Example.COM"
 * and "2001:DB8:0::1" find their events) and any match counts. Null when no reading is valid.
 */
function indicatorCondition(search: string): Prisma.Sql | null {
  const readings = [
    { value: canonicalizeIndicator("ip", search), condition: (value: string) => Prisma.sql`p_any_ip_addresses @> ARRAY[${value}::text]` },
    { value: canonicalizeIndicator("email", search), condition: (value: string) => Prisma.sql`p_any_emails @> ARRAY[${value}::text]` },
    { value: canonicalizeIndicator("username", search), condition: (value: string) => Prisma.sql`p_any_usernames @> ARRAY[${value}::text]` },
  ].flatMap(({ value, condition }) => (value === null ? [] : [condition(value)]));
  return readings.length === 0 ? null : Prisma.sql`(${Prisma.join(readings, " OR ")})`;
}

/** The WHERE conditions of a filter, or null when nothing can match it. */
function filterConditions(filter: EventFilter): Prisma.Sql[] | null {
  const conditions: Prisma.Sql[] = [];
  if (filter.from) conditions.push(Prisma.sql`p_event_time >= ${filter.from.toISOString()}::timestamptz`);
  if (filter.to) conditions.push(Prisma.sql`p_event_time < ${filter.to.toISOString()}::timestamptz`);
  if (filter.sourceId) conditions.push(Prisma.sql`p_source_id = ${filter.sourceId}`);
  if (filter.logType) conditions.push(Prisma.sql`p_log_type = ${filter.logType}`);
  if (filter.action) {
    // Access logs carry no action (features/pulls/mutations.ts stores null): asking for both could
    // only end in a walk over every event with that action, to find none.
    if (hasNul(filter.action) || filter.logType === "Slack.AccessLogs") return null;
    conditions.push(Prisma.sql`action = ${filter.action}`);
  }
  if (filter.q) {
    const indicator = indicatorCondition(filter.q);
    if (!indicator) return null;
    conditions.push(indicator);
  }
  return conditions;
}

async function readEventPage(conditions: Prisma.Sql[], order: "newest" | "oldest", after: Keyset | null, limit: number): Promise<EventRecord[]> {
  const bound = after
    ? order === "newest"
      ? Prisma.sql`(p_event_time, id) < (${after.eventTime.toISOString()}::timestamptz, ${after.id.toString()}::bigint)`
      : Prisma.sql`(p_event_time, id) > (${after.eventTime.toISOString()}::timestamptz, ${after.id.toString()}::bigint)`
    : null;
  const all = bound ? [...conditions, bound] : conditions;
  const where = all.length > 0 ? Prisma.sql`WHERE ${Prisma.join(all, " AND ")}` : Prisma.empty;
  const orderBy = order === "newest" ? Prisma.sql`ORDER BY p_event_time DESC, id DESC` : Prisma.sql`ORDER BY p_event_time ASC, id ASC`;
  return db.$queryRaw<EventRecord[]>`SELECT ${EVENT_COLUMNS} FROM events ${where} ${orderBy} LIMIT ${limit}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const textAt = (value: unknown, ...path: string[]): string | null => {
  let current = value;
  for (const key of path) current = isPlainObject(current) ? current[key] : undefined;
  return typeof current === "string" && current.trim() !== "" ? current : null;
};

/** Who did it, by log type: audit logs name an actor user; access and integration logs a user. */
function actorOf(event: unknown): string | null {
  return (
    textAt(event, "actor", "user", "email") ??
    textAt(event, "actor", "user", "name") ??
    textAt(event, "actor", "user", "id") ??
    textAt(event, "username") ??
    textAt(event, "user_name") ??
    textAt(event, "user_id")
  );
}

function toExportedEvent(record: EventRecord): ExportedEvent {
  return {
    eventTime: record.p_event_time,
    logType: record.p_log_type,
    sourceId: record.p_source_id,
    sourceLabel: record.p_source_label,
    action: record.action,
    ipAddresses: record.p_any_ip_addresses ?? [],
    emails: record.p_any_emails ?? [],
    usernames: record.p_any_usernames ?? [],
    rowId: record.p_row_id,
    event: record.event,
  };
}

function toEventRow(record: EventRecord): EventRow {
  const exported = toExportedEvent(record);
  return {
    ...exported,
    id: record.id.toString(),
    eventTime: record.p_event_time.toISOString(),
    actor: actorOf(record.event),
    event: isPlainObject(record.event) ? record.event : {},
  };
}

/** One page of the explorer: newest first, keyset-paginated on (p_event_time, id). */
export async function searchEvents(query: EventQuery): Promise<EventPage> {
  const conditions = filterConditions(query);
  if (!conditions) return { events: [], nextCursor: null };
  const cursor = query.cursor ? decodeEventCursor(query.cursor) : null;
  // One row past the page says whether there is a next one, without a count over the whole filter.
  const records = await readEventPage(conditions, "newest", cursor, query.limit + 1);
  const page = records.slice(0, query.limit);
  const last = page.at(-1);
  return {
    events: page.map(toEventRow),
    nextCursor: records.length > query.limit && last ? encodeEventCursor({ eventTime: last.p_event_time, id: last.id }) : null,
  };
}

export type StreamEventsOptions = { order?: "newest" | "oldest"; pageSize?: number };

/**
 * Every event of a filter, in keyset pages so an export of millions of rows holds one page in memory
 * at a time. Newest first like the explorer, or oldest first as the command line writes them.
 * `to` is exclusive, `from` inclusive. Stopping early (`return()` on the iterator) ends the walk.
 */
export async function* streamEvents(filter: EventFilter, { order = "newest", pageSize = 2_000 }: StreamEventsOptions = {}): AsyncGenerator<ExportedEvent> {
  const conditions = filterConditions(filter);
  if (!conditions) return;
  let after: Keyset | null = null;
  for (;;) {
    const page = await readEventPage(conditions, order, after, pageSize);
    for (const record of page) yield toExportedEvent(record);
    const last = page.at(-1);
    if (page.length < pageSize || !last) return;
    after = { eventTime: last.p_event_time, id: last.id };
  }
}

/** Whether anything was ever stored: tells "no events yet" from "nothing matches these filters". */
export async function hasStoredEvents(): Promise<boolean> {
  return (await db.event.findFirst({ select: { id: true } })) !== null;
}

/** The sources the explorer's source filter offers. */
export async function listSourceOptions(): Promise<{ id: string; name: string }[]> {
  return db.source.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}
