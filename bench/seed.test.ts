import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDashboard } from "@/bench/seed-dashboard";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";

// The bench's seed at a tiny size, checked the way the dashboard reads it: the counts tables must
// add up to the events, or the sources list and the charts would be measured on numbers no real
// install could have. Thirty sources reach the ERROR, PAUSED and silent ones (numbers 7, 13, 23 and 29).

const database = isolatedDatabaseForThisFile("bench_seed");
const SOURCES = 30;
const EVENTS = 3_000;
let client: pg.Client;
let indexesBefore: string[];

async function eventIndexes(): Promise<string[]> {
  const { rows } = await client.query<{ definition: string }>("SELECT indexdef AS definition FROM pg_indexes WHERE tablename = 'events' ORDER BY indexname");
  return rows.map((row) => row.definition);
}

beforeAll(async () => {
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  indexesBefore = await eventIndexes();
  // Small chunks on two connections: the chunking and the parallel load are what is exercised.
  await seedDashboard(database.url, { sources: SOURCES, events: EVENTS, chunkSize: 700, parallelism: 2 });
}, 120_000);

afterAll(async () => {
  await client.end();
});

describe("dashboard bench seed", () => {
  it("stores the sources and events asked for, each event under a log type its source collects", async () => {
    const { rows } = await client.query<{ sources: number; events: number; misfiled: number; log_types: number }>(
      `SELECT (SELECT count(*)::int FROM sources) AS sources, (SELECT count(*)::int FROM events) AS events,
              (SELECT count(*)::int FROM events e JOIN sources s ON s.id = e.p_source_id WHERE NOT e.p_log_type = ANY (s.log_types)) AS misfiled,
              (SELECT count(DISTINCT p_log_type)::int FROM events) AS log_types`,
    );
    expect(rows[0]).toEqual({ sources: SOURCES, events: EVENTS, misfiled: 0, log_types: 3 });
  });

  it("counts every source's events per minute and per hour exactly as stored", async () => {
    const { rows } = await client.query<{ source_id: string; events: number; by_minute: number | null; by_hour: number | null }>(
      `SELECT s.id AS source_id,
              (SELECT count(*)::int FROM events e WHERE e.p_source_id = s.id) AS events,
              (SELECT sum(events)::int FROM event_counts_minute m WHERE m.source_id = s.id) AS by_minute,
              (SELECT sum(events)::int FROM event_counts_hour h WHERE h.source_id = s.id) AS by_hour
       FROM sources s ORDER BY s.id`,
    );
    expect(rows).toHaveLength(SOURCES);
    for (const row of rows) expect({ id: row.source_id, byMinute: row.by_minute ?? 0, byHour: row.by_hour ?? 0 }).toEqual({ id: row.source_id, byMinute: row.events, byHour: row.events });
    const { rows: buckets } = await client.query<{ misplaced: number }>(
      `SELECT count(*)::int AS misplaced FROM event_counts_minute m
       WHERE m.events <> (SELECT count(*) FROM events e WHERE e.p_source_id = m.source_id AND e.p_log_type = m.log_type AND date_trunc('minute', e.p_parse_time) = m.bucket)`,
    );
    expect(buckets[0]!.misplaced).toBe(0);
  });

  it("gives each source its newest event as last event, and no events after a source went quiet", async () => {
    const { rows } = await client.query<{ wrong_last_event: number; after_quiet: number; quiet: number }>(
      `SELECT
         (SELECT count(*)::int FROM sources s WHERE s.last_event_received_at IS DISTINCT FROM (SELECT max(p_parse_time) FROM events e WHERE e.p_source_id = s.id)) AS wrong_last_event,
         (SELECT count(*)::int FROM events e JOIN sources s ON s.id = e.p_source_id WHERE e.p_event_time > COALESCE(s.error_since, s.paused_at,
            CASE WHEN s.alarm_state = 'ALARM' THEN s.alarm_state_since - make_interval(mins => s.alarm_threshold_minutes) END, 'infinity')) AS after_quiet,
         (SELECT count(*)::int FROM sources WHERE status IN ('ERROR', 'PAUSED') OR alarm_state = 'ALARM') AS quiet`,
    );
    expect(rows[0]).toEqual({ wrong_last_event: 0, after_quiet: 0, quiet: 4 });
  });

  it("stores the normalized event with the indexed columns copied from it", async () => {
    const { rows } = await client.query<{ mismatched: number; audit_without_action: number }>(
      `SELECT
         (SELECT count(*)::int FROM events WHERE event->>'p_source_id' <> p_source_id OR event->>'p_log_type' <> p_log_type
            OR event->'p_any_ip_addresses' <> to_jsonb(p_any_ip_addresses) OR event->'p_any_emails' <> to_jsonb(p_any_emails)
            OR action IS DISTINCT FROM COALESCE(event->>'action', event->>'change_type')
            OR event->>'p_event_time' <> to_char(p_event_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
            OR event->>'p_parse_time' <> to_char(p_parse_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS mismatched,
         (SELECT count(*)::int FROM events WHERE p_log_type = 'Slack.AuditLogs' AND (action IS NULL OR cardinality(p_any_emails) = 0)) AS audit_without_action`,
    );
    expect(rows[0]).toEqual({ mismatched: 0, audit_without_action: 0 });
  });

  it("leaves the events indexes as the migrations define them and removes its helpers", async () => {
    expect(await eventIndexes()).toEqual(indexesBefore);
    const { rows } = await client.query<{ leftovers: number; pull_runs: number }>(
      `SELECT (SELECT count(*)::int FROM pg_proc WHERE proname LIKE 'bench\\_%') + (SELECT count(*)::int FROM pg_class WHERE relname LIKE 'bench\\_%') AS leftovers,
              (SELECT count(DISTINCT source_id)::int FROM pull_runs) AS pull_runs`,
    );
    // Every source but the paused one pulled in the last day.
    expect(rows[0]).toEqual({ leftovers: 0, pull_runs: SOURCES - 1 });
  });
});
