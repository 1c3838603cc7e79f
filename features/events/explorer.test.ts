import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { searchEvents, streamEvents } from "@/features/events/data";
import { createEventExportStream, EVENT_CSV_COLUMNS, formatCsvRow } from "@/features/events/export";
import { canonicalizeIndicator } from "@/features/events/indicators";
import { eventExportQuerySchema, eventQuerySchema, type EventFilter } from "@/features/events/schema";
import { db } from "@/lib/db";

// The explorer's reads against the shared test database: every event here belongs to sources made up
// for this run, and every query names one of them (or an indicator only this run uses), so other
// tests' events never show up.

const suffix = randomBytes(4).toString("hex");
const sourceId = (name: string) => `ev${name}${suffix}${"0".repeat(24)}`.slice(0, 24);
const SOURCE_A = sourceId("a");
const SOURCE_B = sourceId("b");
const SOURCE_TIES = sourceId("t");
const BASE = Date.parse("2026-11-20T10:00:00.000Z");
const at = (minutes: number) => new Date(BASE + minutes * 60_000);

const ALICE_EMAIL = `alice-${suffix}@example.test`;
const IPV6 = canonicalizeIndicator("ip", `2001:db8:${suffix.slice(0, 4)}:12:0:0:0:7`)!;

type Seed = { key: string; source: string; logType: string; minutes: number; action?: string; ips?: string[]; emails?: string[]; usernames?: string[] };

const SEEDS: Seed[] = [
  { key: "a-login", source: SOURCE_A, logType: "Slack.AuditLogs", minutes: 0, action: "user_login", ips: ["198.51.100.7"], emails: [ALICE_EMAIL], usernames: [`alice-${suffix}`] },
  { key: "a-download", source: SOURCE_A, logType: "Slack.AuditLogs", minutes: 1, action: "file_downloaded", ips: [IPV6], emails: [`bob-${suffix}@example.test`] },
  { key: "a-access", source: SOURCE_A, logType: "Slack.AccessLogs", minutes: 2, ips: ["198.51.100.8"], usernames: [`carol-${suffix}`] },
  { key: "a-integration", source: SOURCE_A, logType: "Slack.IntegrationLogs", minutes: 3, action: "added", usernames: [`dave-${suffix}`] },
  { key: "b-login", source: SOURCE_B, logType: "Slack.AuditLogs", minutes: 1, action: "user_login", ips: ["198.51.100.7"], emails: [ALICE_EMAIL] },
  // Five events in the same millisecond between others: the cursor must not lose or repeat any.
  ...["t1", "t2", "t3", "t4", "t5"].map((key) => ({ key, source: SOURCE_TIES, logType: "Slack.AccessLogs", minutes: 10 })),
  { key: "t-older", source: SOURCE_TIES, logType: "Slack.AccessLogs", minutes: 9 },
  { key: "t-newer", source: SOURCE_TIES, logType: "Slack.AccessLogs", minutes: 11 },
];

beforeAll(async () => {
  // Raw SQL, as the pull engine stores events (features/pulls/mutations.ts).
  for (const seed of SEEDS) {
    const eventTime = at(seed.minutes);
    const rowId = `row-${seed.key}-${suffix}`;
    const event = {
      p_log_type: seed.logType,
      p_row_id: rowId,
      p_event_time: eventTime.toISOString(),
      p_source_id: seed.source,
      p_any_ip_addresses: seed.ips ?? [],
      key: seed.key,
      ...(seed.action ? { action: seed.action } : {}),
      ...(seed.emails ? { actor: { type: "user", user: { id: "W1", email: seed.emails[0] } } } : {}),
    };
    await db.$executeRaw`
      INSERT INTO events (p_source_id, p_source_label, p_log_type, p_row_id, p_event_time, p_parse_time,
                          p_any_ip_addresses, p_any_emails, p_any_usernames, dedupe_key, event, action)
      VALUES (${seed.source}, ${`Source ${seed.source}`}, ${seed.logType}, ${rowId}, ${eventTime.toISOString()}::timestamptz, now(),
              ${seed.ips ?? []}::text[], ${seed.emails ?? []}::text[], ${seed.usernames ?? []}::text[], ${seed.key}, ${JSON.stringify(event)}::jsonb, ${seed.action ?? null})`;
  }
});

const RANGE = { from: at(-60).toISOString(), to: at(60).toISOString() };

async function keys(input: Record<string, string>): Promise<string[]> {
  const page = await searchEvents(eventQuerySchema.parse({ ...RANGE, ...input }));
  return page.events.map((event) => String(event.event.key));
}

describe("event explorer search", () => {
  it("returns a page newest first with the summary and the whole event", async () => {
    const page = await searchEvents(eventQuerySchema.parse({ ...RANGE, sourceId: SOURCE_A }));
    expect(page.events.map((event) => event.event.key)).toEqual(["a-integration", "a-access", "a-download", "a-login"]);
    expect(page.nextCursor).toBeNull();
    expect(page.events.at(-1)).toMatchObject({
      eventTime: at(0).toISOString(),
      logType: "Slack.AuditLogs",
      sourceId: SOURCE_A,
      sourceLabel: `Source ${SOURCE_A}`,
      action: "user_login",
      actor: ALICE_EMAIL,
      ipAddresses: ["198.51.100.7"],
      rowId: `row-a-login-${suffix}`,
    });
    expect(page.events.at(-1)!.id).toMatch(/^\d+$/);
  });

  it("filters by time range (from inclusive, to exclusive), source, log type and action", async () => {
    expect(await keys({ sourceId: SOURCE_A, from: at(1).toISOString(), to: at(3).toISOString() })).toEqual(["a-access", "a-download"]);
    expect(await keys({ sourceId: SOURCE_B })).toEqual(["b-login"]);
    expect(await keys({ sourceId: SOURCE_A, logType: "Slack.AccessLogs" })).toEqual(["a-access"]);
    expect(await keys({ sourceId: SOURCE_A, action: "  user_login " })).toEqual(["a-login"]);
    expect(await keys({ sourceId: SOURCE_A, action: "added", logType: "Slack.IntegrationLogs" })).toEqual(["a-integration"]);
    expect(await keys({ sourceId: SOURCE_A, action: "user_log" })).toEqual([]);
  });

  it("shows the last 24 hours when no time range is given", async () => {
    const query = eventQuerySchema.parse({ sourceId: SOURCE_A });
    expect(Date.now() - query.from!.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(Date.now() - query.from!.getTime()).toBeLessThan(24 * 3_600_000 + 60_000);
    expect(query.to).toBeUndefined();
    expect((await searchEvents(query)).events).toEqual([]);
  });

  it("finds an indicator in any p_any_* field, in any spelling of it", async () => {
    expect(await keys({ sourceId: SOURCE_A, q: "198.51.100.7" })).toEqual(["a-login"]);
    expect((await keys({ q: "198.51.100.7", sourceId: SOURCE_B }))).toEqual(["b-login"]);
    // An email in capitals, with spaces around it, finds both sources' events.
    expect((await keys({ q: `  ${ALICE_EMAIL.toUpperCase()} ` })).sort()).toEqual(["a-login", "b-login"]);
    expect(await keys({ q: IPV6.toUpperCase().replace("::", ":0:0:0:") })).toEqual(["a-download"]);
    expect(await keys({ q: `carol-${suffix}` })).toEqual(["a-access"]);
    expect(await keys({ q: `dave-${suffix}`, sourceId: SOURCE_A, logType: "Slack.IntegrationLogs" })).toEqual(["a-integration"]);
    expect(await keys({ q: `nobody-${suffix}@example.test` })).toEqual([]);
  });

  it("pages through events that share a time without losing or repeating one", async () => {
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await searchEvents(eventQuerySchema.parse({ ...RANGE, sourceId: SOURCE_TIES, limit: String(limit), ...(cursor ? { cursor } : {}) }));
        expect(page.events.length).toBeLessThanOrEqual(limit);
        seen.push(...page.events.map((event) => String(event.event.key)));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen[0]).toBe("t-newer");
      expect(seen.at(-1)).toBe("t-older");
    }
  });

  it("answers hostile input with an empty page, not an error", async () => {
    const before = await db.event.count({ where: { sourceId: SOURCE_A } });
    const hostile = ["' OR '1'='1", "198.51.100.7' OR 1=1 --", "x'); DROP TABLE events; --", "\u0000", "alice\u0000@example.test", "%", "*", "{198.51.100.7}"];
    for (const text of hostile) {
      expect(await keys({ sourceId: SOURCE_A, q: text }), `q ${JSON.stringify(text)}`).toEqual([]);
      expect(await keys({ sourceId: SOURCE_A, action: text }), `action ${JSON.stringify(text)}`).toEqual([]);
    }
    expect(await db.event.count({ where: { sourceId: SOURCE_A } })).toBe(before);
  });

  it("refuses a filter it cannot apply, saying why", () => {
    const message = (input: Record<string, string>) => {
      const result = eventQuerySchema.safeParse(input);
      return result.success ? null : result.error.issues[0]?.message;
    };
    expect(message({ cursor: "bm9wZQ" })).toBe("This page link is no longer valid: reload the events");
    expect(message({ cursor: Buffer.from("2026-11-20T10:00:00.000Z|1 OR 1=1").toString("base64url") })).toBe("This page link is no longer valid: reload the events");
    expect(message({ from: "2026-11-21T00:00:00Z", to: "2026-11-20T00:00:00Z" })).toBe("The start of the time range must be before its end");
    expect(message({ from: "2026-11-21T00:00:00Z", to: "2026-11-21T00:00:00Z" })).toBe("The start of the time range must be before its end");
    expect(message({ from: "yesterday" })).toMatch(/^From must be an ISO-8601 time/);
    expect(message({ from: "2026-11-21T00:00:00" })).toMatch(/^From must be an ISO-8601 time/);
    expect(message({ logType: "Slack.Everything" })).toMatch(/^Log type must be one of/);
    expect(message({ sourceId: "../etc" })).toBe("Unknown source");
    expect(message({ limit: "0" })).toMatch(/^Limit must be/);
    expect(message({ limit: "201" })).toMatch(/^Limit must be/);
    expect(message({ action: "x".repeat(201) })).toMatch(/at most 200/);
    expect(message({ q: "x".repeat(257) })).toMatch(/at most 256/);
    expect(eventExportQuerySchema.safeParse({ format: "xlsx" }).success).toBe(false);
    expect(eventExportQuerySchema.parse({}).format).toBe("ndjson");
  });
});

describe("event export", () => {
  const filterA: EventFilter = { sourceId: SOURCE_A, from: at(-60), to: at(60) };

  async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
    return new Response(stream).text();
  }

  it("walks the whole filter in pages, newest or oldest first", async () => {
    const collect = async (order: "newest" | "oldest", pageSize: number) => {
      const seen: string[] = [];
      for await (const row of streamEvents({ sourceId: SOURCE_TIES, from: at(-60) }, { order, pageSize })) seen.push(String((row.event as { key: string }).key));
      return seen;
    };
    const newest = await collect("newest", 2);
    expect(newest).toHaveLength(7);
    expect(new Set(newest).size).toBe(7);
    expect(newest[0]).toBe("t-newer");
    expect(await collect("oldest", 3)).toEqual([...newest].reverse());
    expect(await collect("newest", 7)).toEqual(newest);
  });

  it("writes NDJSON with one event per line", async () => {
    const text = await readAll(createEventExportStream({ ...filterA, q: "198.51.100.7" }, "ndjson"));
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.key)).toEqual(["a-login"]);
    expect(lines[0]).toMatchObject({ p_row_id: `row-a-login-${suffix}`, action: "user_login" });
  });

  it("writes CSV with a header row and the filter's events", async () => {
    const text = await readAll(createEventExportStream(filterA, "csv"));
    const records = text.split("\r\n");
    expect(records[0]).toBe(EVENT_CSV_COLUMNS.join(","));
    expect(records.at(-1)).toBe("");
    expect(records).toHaveLength(1 + 4 + 1);
    expect(records[4]).toMatch(new RegExp(`^${at(0).toISOString()},Slack.AuditLogs,Source ${SOURCE_A},${SOURCE_A},user_login,198.51.100.7,${ALICE_EMAIL},alice-${suffix},row-a-login-${suffix},"\\{`));
    expect(records[3]).toContain(`,file_downloaded,${IPV6},`);
  });

  it("writes only the header for a filter nothing matches, and stops when cancelled", async () => {
    expect(await readAll(createEventExportStream({ ...filterA, q: "\u0000" }, "csv"))).toBe(formatCsvRow(EVENT_CSV_COLUMNS));
    expect(await readAll(createEventExportStream({ ...filterA, action: "never" }, "ndjson"))).toBe("");
    const reader = createEventExportStream({ sourceId: SOURCE_TIES, from: at(-60) }, "ndjson").getReader();
    expect((await reader.read()).done).toBe(false);
    await reader.cancel();
    expect((await reader.read()).done).toBe(true);
  });
});
