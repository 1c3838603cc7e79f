import pino from "pino";
import { describe, expect, it } from "vitest";
import { maintainEventPartitions } from "@/features/events/jobs";
import { getLogSchema } from "@/features/events/log-schema";
import { commitPage, withPullLock } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { db } from "@/lib/db";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Retention on the real partitioned events table: the job creates the coming months, moves what
// events_default held for them, and removes whole expired months by dropping their partitions. Its
// own database, since it changes the table's shape under every other test's feet.

isolatedDatabaseForThisFile("partitions");
const silent = pino({ level: "silent" });
const AUDIT = "Slack.AuditLogs";

async function createSource() {
  const suffix = uniqueSuffix();
  const source = await db.source.create({
    data: { name: `Retention ${suffix}`, nameKey: `retention ${suffix}`, plan: "ENTERPRISE_GRID", logTypes: [AUDIT], status: "PAUSED" },
    select: { id: true, name: true },
  });
  return { id: source.id, label: source.name };
}

/** Stores audit events dated `times` through the pull engine's own commit, as a pull would. */
async function storeAuditEvents(source: { id: string; label: string }, times: Record<string, string>) {
  const run = await db.pullRun.create({ data: { sourceId: source.id, logType: AUDIT, trigger: "SCHEDULED" }, select: { id: true } });
  const records = Object.entries(times).map(([id, time]) => ({
    id,
    date_create: Date.parse(time) / 1000,
    action: "user_login",
    actor: { type: "user", user: { id: "W1", name: "Ann", email: "ann@example.com" } },
    entity: { type: "user", user: { id: "W1", name: "Ann", email: "ann@example.com" } },
    context: { location: { type: "enterprise", id: "E1", name: "Org", domain: "org" }, ua: "agent", ip_address: "198.51.100.1" },
  }));
  const prepared = await preparePage(getLogSchema(AUDIT)!, records, { source, parseTime: new Date(), dedupeKeyOf: (event) => String(event.id) });
  expect(prepared.failures).toEqual([]);
  const committed = await withPullLock(source.id, AUDIT, (session) =>
    commitPage(session, { runId: run.id, source, logType: AUDIT, fetched: records.length, events: prepared.events, failures: [], checkpoint: { watermark: null, window: null } }),
  );
  return committed.isLocked ? committed.value : null;
}

/** Where each stored event of the source lives: its dedupe key and the partition holding it. */
async function placement(sourceId: string): Promise<Record<string, string>> {
  const rows = await db.$queryRaw<{ key: string; partition: string }[]>`
    SELECT dedupe_key AS key, tableoid::regclass::text AS partition FROM events WHERE p_source_id = ${sourceId}`;
  return Object.fromEntries(rows.map((row) => [row.key, row.partition]));
}

async function partitions(): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = 'events'::regclass ORDER BY 1`;
  return rows.map((row) => row.name);
}

describe("event retention by partition", () => {
  it("drops whole expired months, creates the coming ones, and moves rows out of the default partition", async () => {
    const source = await createSource();
    // The migration made August 2026 to March 2027. Now is mid-June 2027, with a 90-day retention:
    // the cutoff is 17 March 2027.
    const stored = await storeAuditEvents(source, {
      "expired-september": "2026-09-10T08:00:00Z",
      "expired-february": "2027-02-27T23:59:59Z",
      "kept-march": "2027-03-20T10:00:00Z",
      "waiting-may": "2027-05-05T10:00:00Z",
      "ancient": "2024-01-01T00:00:00Z",
      "far-future": "2031-01-01T00:00:00Z",
    });
    expect(stored).toEqual({ stored: 6, duplicates: 0, quarantined: 0 });
    // May has no partition yet: its event waits in the default partition instead of failing the page.
    expect(await placement(source.id)).toMatchObject({ "waiting-may": "events_default", "ancient": "events_default", "kept-march": "events_2027_03" });

    const result = await maintainEventPartitions({ now: new Date("2027-06-15T12:00:00Z"), retentionDays: 90, logger: silent });

    expect(result).toEqual({
      created: ["events_2027_04", "events_2027_05", "events_2027_06", "events_2027_07", "events_2027_08", "events_2027_09"],
      dropped: ["events_2026_08", "events_2026_09", "events_2026_10", "events_2026_11", "events_2026_12", "events_2027_01", "events_2027_02"],
      movedFromDefault: 1,
      expiredFromDefault: 1,
      isSkipped: false,
    });
    expect(await partitions()).toEqual([
      "events_2027_03", "events_2027_04", "events_2027_05", "events_2027_06", "events_2027_07", "events_2027_08", "events_2027_09", "events_default",
    ]);
    expect(await placement(source.id)).toEqual({ "kept-march": "events_2027_03", "waiting-may": "events_2027_05", "far-future": "events_default" });
    // A moved partition carries the table's indexes: the explorer's search still finds the event by its indicator.
    const found = await db.$queryRaw<{ key: string }[]>`
      SELECT dedupe_key AS key FROM events WHERE p_any_emails @> ARRAY['ann@example.com'] AND p_event_time >= '2027-05-01' AND p_event_time < '2027-06-01' AND p_source_id = ${source.id}`;
    expect(found.map((row) => row.key)).toEqual(["waiting-may"]);

    // Nothing left to do on a second pass, and the same Slack records pulled again are still
    // recognised as duplicates in their new partitions.
    expect(await maintainEventPartitions({ now: new Date("2027-06-15T13:00:00Z"), retentionDays: 90, logger: silent })).toEqual({
      created: [],
      dropped: [],
      movedFromDefault: 0,
      expiredFromDefault: 0,
      isSkipped: false,
    });
    expect(await storeAuditEvents(source, { "kept-march": "2027-03-20T10:00:00Z", "waiting-may": "2027-05-05T10:00:00Z", "new-june": "2027-06-14T09:00:00Z" })).toEqual({
      stored: 1,
      duplicates: 2,
      quarantined: 0,
    });
    expect(Object.keys(await placement(source.id)).sort()).toEqual(["far-future", "kept-march", "new-june", "waiting-may"]);
  });

  it("lets any number of workers run it at once: one does the work, the others skip", async () => {
    const runs = await Promise.all(
      [1, 2, 3].map(() => maintainEventPartitions({ now: new Date("2027-09-20T00:00:00Z"), retentionDays: 90, logger: silent })),
    );
    const done = runs.filter((run) => !run.isSkipped);
    expect(done.length).toBeGreaterThanOrEqual(1);
    // Each month is created and dropped exactly once across the workers.
    expect(done.flatMap((run) => run.created).sort()).toEqual(["events_2027_10", "events_2027_11", "events_2027_12"]);
    expect(done.flatMap((run) => run.dropped).sort()).toEqual(["events_2027_03", "events_2027_04", "events_2027_05"]);
    expect(await partitions()).toContain("events_2027_12");
  });
});
