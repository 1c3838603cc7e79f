import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLogSchema, type LogSchema } from "@/features/events/log-schema";
import { commitPage, withPullLock } from "@/features/pulls/mutations";
import { preparePage, type PreparedPage } from "@/features/pulls/normalize-page";
import { accessCombinationKey, integrationEntryKey } from "@/features/pulls/team-logs";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Random and hostile Slack records through the schema engine, as a pull feeds them: every record
// ends up either an event or a quarantined failure with a reason, a valid record keeps its values,
// nothing reaches Object.prototype, and what is handed to Postgres is something Postgres stores.

const SOURCE = { id: "propertysource0000000000", label: "Property source" };
const PARSE_TIME = new Date("2026-03-01T12:00:00.000Z");

type LogTypeCase = { name: string; dedupeKeyOf: (event: Record<string, unknown>) => string | null; record: fc.Arbitrary<Record<string, unknown>>; timeField: string; requiredStrict: Record<string, unknown> };

// ---- values ----------------------------------------------------------------------------------------

/** Text Postgres can store: no U+0000, no half of a surrogate pair. */
const isStorableText = (text: string) => !text.includes("\u0000") && Buffer.from(text, "utf8").toString("utf8") === text;
const storableText = (options: { minLength?: number; maxLength?: number } = {}) => fc.string({ unit: "binary", ...options }).filter(isStorableText);

const unixSeconds = fc.integer({ min: 0, max: 253_402_300_799 });
const email = fc.emailAddress();
const ipAddress = fc.oneof(fc.ipV4(), fc.ipV6());

/** Text as a decoder makes it from bytes that are not UTF-8: U+FFFD where a sequence breaks. */
const invalidUtf8Text = fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from([0xc0, 0xaf, ...bytes, 0xff, 0xed, 0xa0, 0x80]).toString("utf8"));
const loneSurrogateText = fc.tuple(fc.string(), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string()).map(([before, code, after]) => `${before}${String.fromCharCode(code)}${after}`);
const nulText = fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${before}\u0000${after}`);
const hugeText = fc.integer({ min: 100_000, max: 2_000_000 }).map((length) => "x".repeat(length));

/**
 * Objects and arrays nested `depth` levels deep, built without recursion so the test itself cannot
 * overflow; fast-check prints a counterexample through this name, since its own printer would.
 */
function nested(depth: number, leaf: unknown = "bottom"): unknown {
  let value: unknown = leaf;
  for (let level = 0; level < depth; level += 1) value = level % 2 === 0 ? { a: value } : [value];
  Object.defineProperty(value, fc.toStringMethod, { value: () => `nested(${depth})`, enumerable: false });
  return value;
}

/** Prototype-pollution keys as JSON.parse gives them: own, enumerable data properties. */
const pollutingObject = fc.constantFrom(
  '{"__proto__": {"polluted": "yes"}}',
  '{"constructor": {"prototype": {"polluted": "yes"}}}',
  '{"prototype": {"polluted": "yes"}, "__proto__": null}',
  '{"__proto__": {"__proto__": {"polluted": "yes"}}}',
  '{"toString": "not a function", "hasOwnProperty": 1, "valueOf": {}}',
).map((text) => JSON.parse(text) as Record<string, unknown>);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: false, withMap: true, withSet: true, withDate: true, withTypedArray: true, withNullPrototype: true, withObjectString: true, withSparseArray: true }),
  invalidUtf8Text,
  loneSurrogateText,
  nulText,
  pollutingObject,
  fc.integer({ min: 1, max: 10_000 }).map((depth) => nested(depth)),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53 + 1, 1e300, "", " ", "1e3", "0x10", "-1", "253402300800", "true", [], {}, null, undefined),
);

// ---- one valid record per log type, and the fields whose wrong type nothing can coerce -------------

const auditRecord = fc.record({
  id: storableText({ minLength: 1, maxLength: 60 }).filter((id) => id.trim() !== ""),
  date_create: unixSeconds,
  action: storableText({ minLength: 1, maxLength: 40 }),
  actor: fc.record({ type: fc.constant("user"), user: fc.record({ id: storableText({ minLength: 1, maxLength: 12 }), name: storableText({ maxLength: 20 }), email }) }),
  entity: fc.record({ type: fc.constantFrom("user", "channel", "file", "app"), user: fc.record({ id: storableText({ minLength: 1, maxLength: 12 }) }) }, { requiredKeys: ["type"] }),
  context: fc.record({ ua: storableText({ maxLength: 30 }), ip_address: ipAddress, location: fc.record({ type: fc.constantFrom("enterprise", "workspace"), id: storableText({ minLength: 1, maxLength: 12 }) }) }),
  details: fc.jsonValue({ maxDepth: 3 }).filter((value) => isStorableText(JSON.stringify(value))),
});

const accessRecord = fc
  .tuple(unixSeconds, unixSeconds)
  .chain(([a, b]) =>
    fc.record(
      {
        user_id: storableText({ minLength: 1, maxLength: 12 }),
        username: storableText({ maxLength: 20 }),
        date_first: fc.constant(Math.min(a, b)),
        date_last: fc.constant(Math.max(a, b)),
        count: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        ip: ipAddress,
        user_agent: storableText({ maxLength: 40 }),
        isp: storableText({ maxLength: 20 }),
        country: fc.constantFrom("US", "FR", "JP"),
        region: storableText({ maxLength: 20 }),
      },
      { requiredKeys: ["user_id", "date_first", "date_last", "count"] },
    ),
  );

const integrationRecord = fc.record(
  {
    user_id: storableText({ minLength: 1, maxLength: 12 }),
    user_name: storableText({ maxLength: 20 }),
    // Slack sends service_id as a number in one entry and a string in the next.
    service_id: fc.oneof(fc.integer({ min: 0 }).map(String), fc.integer({ min: 0 })),
    service_type: storableText({ maxLength: 20 }),
    date: fc.oneof(unixSeconds, unixSeconds.map(String)),
    change_type: fc.constantFrom("added", "removed", "enabled", "disabled", "expanded"),
    rss_feed: fc.boolean(),
    reason: storableText({ maxLength: 30 }),
  },
  { requiredKeys: ["user_id", "date", "change_type"] },
);

const LOG_TYPES: LogTypeCase[] = [
  { name: "Slack.AuditLogs", dedupeKeyOf: (event) => (typeof event.id === "string" ? event.id : null), record: auditRecord, timeField: "date_create", requiredStrict: { id: true, action: { a: 1 }, actor: "a string", entity: [], context: 7, date_create: { seconds: 1 } } },
  { name: "Slack.AccessLogs", dedupeKeyOf: accessCombinationKey, record: accessRecord, timeField: "date_last", requiredStrict: { user_id: [], date_first: true, date_last: {}, count: "many" } },
  { name: "Slack.IntegrationLogs", dedupeKeyOf: integrationEntryKey, record: integrationRecord, timeField: "date", requiredStrict: { user_id: {}, date: "yesterday", change_type: false } },
];

const schemaOf = (name: string): LogSchema => {
  const schema = getLogSchema(name);
  if (!schema) throw new Error(`no shipped schema ${name}`);
  return schema;
};

const prepare = (logType: LogTypeCase, records: readonly unknown[]): Promise<PreparedPage> =>
  preparePage(schemaOf(logType.name), records, { source: SOURCE, parseTime: PARSE_TIME, dedupeKeyOf: logType.dedupeKeyOf });

// ---- hostile records -------------------------------------------------------------------------------

/** Sets `key` as an own property, also "__proto__", the way JSON.parse does. */
function withOwn(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "p_source_id", "p_any_ip_addresses", "p_event_time", "toString", "\u0000", "\ud800", ""];

/** A valid record with one field replaced, one hostile key added at the top or one level down, or both. */
function hostileRecord(logType: LogTypeCase): fc.Arbitrary<unknown> {
  const fieldNames = [...Object.keys(logType.requiredStrict), "details", "user", "unknown_field"];
  const mutated = fc.tuple(logType.record, fc.constantFrom(...fieldNames), hostileValue, fc.constantFrom(...HOSTILE_KEYS), hostileValue, fc.boolean()).map(([record, field, value, key, keyValue, isNested]) => {
    let result = withOwn(record, field, value);
    if (isNested) {
      const inner = Object.keys(result).find((name) => typeof result[name] === "object" && result[name] !== null && !Array.isArray(result[name]));
      if (inner) result = withOwn(result, inner, withOwn(result[inner] as Record<string, unknown>, key, keyValue));
    } else {
      result = withOwn(result, key, keyValue);
    }
    return result;
  });
  return fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: hostileValue }, { weight: 1, arbitrary: logType.record });
}

// ---- what an operator relies on -------------------------------------------------------------------

const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

function expectNoPollution() {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(OBJECT_PROTOTYPE_KEYS);
  expect(typeof ({} as { toString: unknown }).toString).toBe("function");
}

/** The same refusal as Postgres's jsonb input: an escaped NUL, or an escaped half of a surrogate pair. */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

function expectAccountedAndStorable(prepared: PreparedPage, recordCount: number) {
  expect(prepared.events.length + prepared.failures.length).toBe(recordCount);
  for (const failure of prepared.failures) {
    // A reason a person can read on the source's Quarantined tab, on one line.
    expect(failure.reason.trim().length).toBeGreaterThan(0);
    expect(failure.reason).not.toMatch(/[\n\r]/);
    // Text columns: no NUL anywhere, or the page's whole commit fails.
    for (const text of [failure.reason, failure.field ?? "", failure.payload]) expect(text.includes("\u0000")).toBe(false);
    expect(failure.payload.length).toBeLessThanOrEqual(1_000_000);
  }
  for (const event of prepared.events) {
    expect(UNSTORABLE_ESCAPE.test(event.json)).toBe(false);
    expect(event.json.includes("\u0000")).toBe(false);
    expect(event.dedupeKey.length).toBeGreaterThan(0);
    expect(event.dedupeKey.includes("\u0000")).toBe(false);
    const stored = JSON.parse(event.json) as Record<string, unknown>;
    // p_* are the engine's: a record cannot pose as another source or plant indicators.
    expect(stored.p_source_id).toBe(SOURCE.id);
    expect(stored.p_source_label).toBe(SOURCE.label);
    expect(Number.isNaN(event.eventTime.getTime())).toBe(false);
  }
}

// ---- properties ------------------------------------------------------------------------------------

describe.each(LOG_TYPES)("$name records", (logType) => {
  it("a valid record becomes one event whose fields equal the record's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(logType.record, { minLength: 1, maxLength: 5 }), async (records) => {
        const prepared = await prepare(logType, records);
        expect(prepared.failures).toEqual([]);
        expect(prepared.events).toHaveLength(records.length);
        for (const [index, record] of records.entries()) {
          const event = JSON.parse(prepared.events[index]!.json) as Record<string, unknown>;
          for (const [key, value] of Object.entries(record)) {
            if (key === "service_id" || key === logType.timeField || key === "date_first") continue;
            expect(event[key]).toEqual(JSON.parse(JSON.stringify(value)));
          }
          // Slack's numeric service_id is kept as the string it is everywhere else.
          if ("service_id" in record) expect(event.service_id).toBe(String(record.service_id));
          const seconds = Number(record[logType.timeField]);
          expect(prepared.events[index]!.eventTime.getTime()).toBe(seconds * 1000);
          expect(Date.parse(String(event.p_event_time))).toBe(seconds * 1000);
          expect(event.p_log_type).toBe(logType.name);
        }
        expectAccountedAndStorable(prepared, records.length);
      }),
      { numRuns: 150 },
    );
  });

  it("a required field of a type nothing coerces is quarantined with a reason naming it", async () => {
    const fields = Object.entries(logType.requiredStrict);
    await fc.assert(
      fc.asyncProperty(logType.record, fc.constantFrom(...fields), fc.constantFrom("wrong", "missing", "null"), async (record, [field, wrong], how) => {
        const broken = how === "missing" ? Object.fromEntries(Object.entries(record).filter(([key]) => key !== field)) : { ...record, [field]: how === "null" ? null : wrong };
        const prepared = await prepare(logType, [broken]);
        expect(prepared.events).toEqual([]);
        expect(prepared.failures).toHaveLength(1);
        const [failure] = prepared.failures;
        expect(failure!.field).toBe(field);
        expect(failure!.reason).toMatch(new RegExp(`^${field}: (expected .+, got |required field is (missing|null))`));
        expect(JSON.parse(failure!.payload)).toEqual(JSON.parse(JSON.stringify(broken)));
      }),
      { numRuns: 100 },
    );
  });

  it("random and hostile records never crash the page: each is an event or quarantined with a reason, and nothing is polluted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRecord(logType), { maxLength: 6 }), async (records) => {
        const prepared = await prepare(logType, records);
        expectAccountedAndStorable(prepared, records.length);
        expectNoPollution();
      }),
      { numRuns: 150 },
    );
  });
});

describe("records at the limits", () => {
  it.each(LOG_TYPES)("$name: 10,000 levels of nesting in any field are quarantined, not a crash", async (logType) => {
    const valid = fc.sample(logType.record, { numRuns: 1, seed: 7 })[0]!;
    const deep = nested(10_000);
    const records = [{ ...valid, unknown_field: deep }, { ...valid, details: deep }, deep, [deep], ...Object.keys(logType.requiredStrict).map((field) => ({ ...valid, [field]: deep }))];
    const prepared = await prepare(logType, records);
    expectAccountedAndStorable(prepared, records.length);
    expect(prepared.events).toEqual([]);
    for (const failure of prepared.failures) expect(failure.reason.length).toBeGreaterThan(0);
  });

  it("a multi-megabyte record is quarantined whole up to a million characters, and says it was cut", async () => {
    const logType = LOG_TYPES[0]!;
    const valid = fc.sample(logType.record, { numRuns: 1, seed: 3 })[0]!;
    const prepared = await prepare(logType, [{ ...valid, action: { text: "y".repeat(3_000_000) } }]);
    expect(prepared.failures).toHaveLength(1);
    expect(prepared.failures[0]!.reason).toMatch(/^action: expected string, got object \(record of 3,000,\d{3} characters kept truncated\)$/);
    expect(prepared.failures[0]!.payload).toHaveLength(1_000_000);
  });

  it("huge strings in valid places are stored as they are", async () => {
    const logType = LOG_TYPES[0]!;
    const valid = fc.sample(logType.record, { numRuns: 1, seed: 5 })[0]!;
    const huge = fc.sample(hugeText, { numRuns: 1, seed: 5 })[0]!;
    const prepared = await prepare(logType, [{ ...valid, details: { note: huge } }]);
    expect(prepared.failures).toEqual([]);
    const event = JSON.parse(prepared.events[0]!.json) as Record<string, unknown>;
    expect((event.details as { note: string }).note).toBe(huge);
  });

  it("an action too long to index is quarantined with its length; Postgres would refuse the page's insert on every retry", async () => {
    const logType = LOG_TYPES[0]!;
    const [valid, other] = fc.sample(logType.record, { numRuns: 2, seed: 7 });
    // Random, so it does not compress below Postgres' ~2,700-byte limit for an index entry.
    const action = Array.from({ length: 200 }, () => Math.random().toString(36).slice(2, 12)).join("").slice(0, 1_500).padEnd(1_500, "q");
    const prepared = await prepare(logType, [{ ...valid!, action }, other!]);
    expect(prepared.events).toHaveLength(1);
    expect(prepared.failures.map((failure) => [failure.field, failure.reason])).toEqual([["action", "its action is 1,500 characters long; at most 255 can be stored"]]);
  });

  it("a NUL or a lone surrogate anywhere in a record quarantines it with a reason; the rest of the page is stored", async () => {
    const logType = LOG_TYPES[0]!;
    const [first, second, third] = fc.sample(logType.record, { numRuns: 3, seed: 11 });
    const records = [
      { ...first!, details: { note: "a\u0000b" } },
      withOwn(second!, "\ud83d", "half an emoji as a key"),
      third!,
    ];
    const prepared = await prepare(logType, records);
    expect(prepared.events).toHaveLength(1);
    expect(prepared.failures.map((failure) => failure.reason)).toEqual([
      "contains a NUL character or a broken surrogate pair, which cannot be stored as JSON",
      "contains a NUL character or a broken surrogate pair, which cannot be stored as JSON",
    ]);
  });
});

// ---- through Postgres ------------------------------------------------------------------------------

describe("hostile pages committed to Postgres", () => {
  const sources = new Map<string, { source: { id: string; label: string }; runId: string }>();

  beforeAll(async () => {
    for (const logType of LOG_TYPES) {
      const suffix = uniqueSuffix();
      // Paused: this test commits its own pages, and a worker running meanwhile must not try to pull it.
      const source = await db.source.create({
        data: { name: `Fuzzed ${logType.name} ${suffix}`, nameKey: `fuzzed ${logType.name.toLowerCase()} ${suffix}`, plan: logType.name === "Slack.AuditLogs" ? "ENTERPRISE_GRID" : "PAID", logTypes: [logType.name], status: "PAUSED" },
        select: { id: true, name: true },
      });
      const run = await db.pullRun.create({ data: { sourceId: source.id, logType: logType.name, trigger: "SCHEDULED" }, select: { id: true } });
      sources.set(logType.name, { source: { id: source.id, label: source.name }, runId: run.id });
    }
  });

  afterAll(async () => {
    await db.source.deleteMany({ where: { id: { in: [...sources.values()].map((entry) => entry.source.id) } } });
  });

  it("a page whose record carries an action too long to index still commits, with that record quarantined", async () => {
    const logType = LOG_TYPES[0]!;
    const { source, runId } = sources.get(logType.name)!;
    const [valid, other] = fc.sample(logType.record, { numRuns: 2, seed: 13 });
    const action = Array.from({ length: 400 }, () => Math.random().toString(36).slice(2, 12)).join("").slice(0, 3_200);
    const records = [{ ...valid!, action }, other!];
    const prepared = await preparePage(schemaOf(logType.name), records, { source, parseTime: new Date(), dedupeKeyOf: logType.dedupeKeyOf });
    const committed = await withPullLock(source.id, logType.name, (session) =>
      commitPage(session, { runId, source, logType: logType.name, fetched: records.length, events: prepared.events, failures: prepared.failures, checkpoint: { watermark: null, window: null }, isFirstSightingOnly: false }),
    );
    expect(committed.isLocked && committed.value).toMatchObject({ quarantined: 1 });
    expect(committed.isLocked && committed.value.stored + committed.value.duplicates).toBe(1);
  });

  it.each(LOG_TYPES)("$name: every page commits, and every record is stored, a duplicate or quarantined", async (logType) => {
    const { source, runId } = sources.get(logType.name)!;
    let storedSoFar = await db.event.count({ where: { sourceId: source.id } });
    await fc.assert(
      fc.asyncProperty(fc.array(hostileRecord(logType), { minLength: 1, maxLength: 8 }), async (records) => {
        const prepared = await preparePage(schemaOf(logType.name), records, { source, parseTime: new Date(), dedupeKeyOf: logType.dedupeKeyOf });
        const committed = await withPullLock(source.id, logType.name, (session) =>
          commitPage(session, { runId, source, logType: logType.name, fetched: records.length, events: prepared.events, failures: prepared.failures, checkpoint: { watermark: null, window: null }, isFirstSightingOnly: logType.name === "Slack.AccessLogs" }),
        );
        expect(committed.isLocked).toBe(true);
        if (!committed.isLocked) return;
        const { stored, duplicates, quarantined } = committed.value;
        expect(stored + duplicates + quarantined).toBe(records.length);
        storedSoFar += stored;
        expect(await db.event.count({ where: { sourceId: source.id } })).toBe(storedSoFar);
        expectNoPollution();
      }),
      { numRuns: 25 },
    );
  });
});
