import { describe, expect, it } from "vitest";
import { getLogSchema } from "@/features/events/log-schema";
import { commitPage, textArrayLiteral, withPullLock } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// A page's small columns (row ID, times, action, indicator arrays) are taken from each event in the
// worker and sent beside the event bodies (features/pulls/mutations.ts). Whatever Slack puts in
// them must arrive in Postgres exactly as it is in the event, quotes, braces and all.

const AUDIT = "Slack.AuditLogs";

async function createSource() {
  const suffix = uniqueSuffix();
  const source = await db.source.create({
    // Paused: this test commits its pages itself, and an active source without a token in the shared
    // test database would be pulled by any worker running meanwhile, fail, and count as Tributary
    // failing to pull (which holds alarm emails in the end-to-end run).
    data: { name: `Columns ${suffix}`, nameKey: `columns ${suffix}`, plan: "ENTERPRISE_GRID", logTypes: [AUDIT], status: "PAUSED" },
    select: { id: true, name: true },
  });
  const run = await db.pullRun.create({ data: { sourceId: source.id, logType: AUDIT, trigger: "SCHEDULED" }, select: { id: true } });
  return { source: { id: source.id, label: source.name }, runId: run.id };
}

function auditRecord(id: string, user: { name: string; email: string }, ip: string) {
  return {
    id,
    date_create: 1_764_000_000,
    action: "user_login",
    actor: { type: "user", user: { id: "W123", name: user.name, email: user.email } },
    entity: { type: "user", user: { id: "W123", name: user.name, email: user.email } },
    context: { location: { type: "enterprise", id: "E1", name: "Org", domain: "org" }, ua: "agent", ip_address: ip },
  };
}

describe("a committed page", () => {
  it("stores each event's columns exactly as the event holds them, whatever characters they contain", async () => {
    const { source, runId } = await createSource();
    const awkward = [
      { name: 'Quote " and back\\slash', email: '"odd,name"@example.com' },
      { name: "{braces, commas} NULL", email: "plain@example.com" },
      { name: "  spaces  and émoji 🙂", email: "x@example.com" },
    ];
    const records = awkward.map((user, index) => auditRecord(`evt-${index}-${uniqueSuffix()}`, user, `2001:db8::${index + 1}`));
    const prepared = await preparePage(getLogSchema(AUDIT)!, records, { source, parseTime: new Date(), dedupeKeyOf: (event) => String(event.id) });
    expect(prepared.failures).toEqual([]);
    const committed = await withPullLock(source.id, AUDIT, (session) =>
      commitPage(session, { runId, source, logType: AUDIT, fetched: records.length, events: prepared.events, failures: [], checkpoint: { watermark: null, window: null } }),
    );
    expect(committed.isLocked && committed.value).toEqual({ stored: 3, duplicates: 0, quarantined: 0 });

    const stored = await db.event.findMany({ where: { sourceId: source.id }, orderBy: { dedupeKey: "asc" } });
    expect(stored).toHaveLength(3);
    for (const row of stored) {
      const event = row.event as Record<string, unknown>;
      expect(row.rowId).toBe(event.p_row_id);
      expect(row.parseTime.getTime()).toBe(Date.parse(String(event.p_parse_time)));
      expect(row.eventTime.getTime()).toBe(Date.parse(String(event.p_event_time)));
      expect(row.action).toBe("user_login");
      expect(row.anyIpAddresses).toEqual(event.p_any_ip_addresses);
      expect(row.anyEmails).toEqual(event.p_any_emails);
      expect(row.anyUsernames).toEqual(event.p_any_usernames);
    }
    // The awkward values themselves made it through, not only consistently with the event.
    expect(stored.flatMap((row) => row.anyEmails)).toEqual(expect.arrayContaining(['"odd,name"@example.com', "plain@example.com"]));
    expect(stored.flatMap((row) => row.anyIpAddresses).sort()).toEqual(["2001:db8::1", "2001:db8::2", "2001:db8::3"]);

    // The same page again stores nothing new: every event is a duplicate.
    const again = await withPullLock(source.id, AUDIT, (session) =>
      commitPage(session, { runId, source, logType: AUDIT, fetched: records.length, events: prepared.events, failures: [], checkpoint: { watermark: null, window: null } }),
    );
    expect(again.isLocked && again.value).toEqual({ stored: 0, duplicates: 3, quarantined: 0 });
    await db.source.delete({ where: { id: source.id } });
  });

  it("writes text arrays Postgres reads back element for element", () => {
    expect(textArrayLiteral([])).toBe("{}");
    expect(textArrayLiteral(['a"b', "c\\d", "{x,y}", "NULL", ""])).toBe('{"a\\"b","c\\\\d","{x,y}","NULL",""}');
  });
});
