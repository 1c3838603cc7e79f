import { describe, expect, it } from "vitest";
import { getLogSchema, parseLogSchema, type LogSchema } from "@/features/events/log-schema";
import { normalizeRecord, type NormalizeContext, type NormalizeResult } from "@/features/events/normalize";

const PARSE_TIME = new Date("2026-11-25T12:00:00.123Z");
const CONTEXT: NormalizeContext = { parseTime: PARSE_TIME, source: { id: "src_1", label: "Acme Slack" }, newRowId: () => "row-1" };

function requireSchema(name: string): LogSchema {
  const schema = getLogSchema(name);
  if (!schema) throw new Error(`${name} is not shipped`);
  return schema;
}

const AUDIT = requireSchema("Slack.AuditLogs");
const ACCESS = requireSchema("Slack.AccessLogs");
const INTEGRATION = requireSchema("Slack.IntegrationLogs");

function expectEvent(result: NormalizeResult) {
  if (!result.ok) throw new Error(`expected success, got: ${result.reason}`);
  return result.event;
}

function expectFailure(result: NormalizeResult) {
  if (result.ok) throw new Error("expected a failure");
  return result;
}

// The doc example entry from Slack's Audit Logs API page (reference/slack-api.md §1.3), verbatim.
const SLACK_DOC_AUDIT_ENTRY = `{"id": "0123a45b-6c7d-8900-e12f-3456789gh0i1", "date_create": 1521214343, "action": "user_login",
   "actor":  {"type": "user", "user": {"id": "W123AB456", "name": "Charlie Parker", "email": "bird@slack.com"}},
   "entity": {"type": "user", "user": {"id": "W123AB456", "name": "Charlie Parker", "email": "bird@slack.com"}},
   "context": {"location": {"type": "enterprise", "id": "E1701NCCA", "name": "Birdland", "domain": "birdland"},
               "ua": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_12_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/64.0.3282.186 Safari/537.36",
               "session_id": "847288190092", "ip_address": "1.23.45.678"}}`;

const auditEntry = (): Record<string, unknown> => JSON.parse(SLACK_DOC_AUDIT_ENTRY) as Record<string, unknown>;

describe("normalizeRecord with the shipped Slack schemas", () => {
  it("normalizes Slack's documented audit event", () => {
    const result = normalizeRecord(AUDIT, auditEntry(), CONTEXT);
    const event = expectEvent(result);
    expect(event).toMatchObject({
      p_log_type: "Slack.AuditLogs",
      p_row_id: "row-1",
      p_event_time: "2018-03-16T15:32:23Z",
      p_parse_time: "2026-11-25T12:00:00.123Z",
      p_source_id: "src_1",
      p_source_label: "Acme Slack",
      // "1.23.45.678" is not an IPv4 address (678 > 255), so nothing is collected.
      p_any_ip_addresses: [],
      p_any_emails: ["bird@slack.com"],
      p_any_usernames: ["Charlie Parker"],
      date_create: "2018-03-16T15:32:23Z",
    });
    expect(result.ok && result.eventTime.toISOString()).toBe("2018-03-16T15:32:23.000Z");
    expect(event.context).toMatchObject({ ip_address: "1.23.45.678", session_id: "847288190092" });
    expect(Object.keys(event)).toEqual([
      "id",
      "date_create",
      "action",
      "actor",
      "entity",
      "context",
      "p_log_type",
      "p_row_id",
      "p_event_time",
      "p_parse_time",
      "p_source_id",
      "p_source_label",
      "p_any_ip_addresses",
      "p_any_emails",
      "p_any_usernames",
    ]);
  });

  it("normalizes an access log row", () => {
    const row = { user_id: "U45678", username: "alice", date_first: 1422922864, date_last: 1422922864, count: 1, ip: "127.0.0.1", user_agent: "SlackWeb", isp: "BigCo ISP", country: "US", region: "CA" };
    const event = expectEvent(normalizeRecord(ACCESS, row, CONTEXT));
    expect(event).toMatchObject({
      date_first: "2015-02-03T00:21:04Z",
      p_event_time: "2015-02-03T00:21:04Z",
      count: 1,
      p_any_ip_addresses: ["127.0.0.1"],
      p_any_usernames: ["alice"],
      p_any_emails: [],
    });
  });

  it("coerces the integration log's string date and numeric service_id", () => {
    const row = { service_id: 1234567890, service_type: "Google Calendar", user_id: "U1234ABCD", user_name: "Johnny", channel: "C1234567890", date: "1392163200", change_type: "enabled", scope: "incoming-webhook" };
    const event = expectEvent(normalizeRecord(INTEGRATION, row, CONTEXT));
    expect(event.service_id).toBe("1234567890");
    expect(event.date).toBe("2014-02-12T00:00:00Z");
    expect(event.p_event_time).toBe("2014-02-12T00:00:00Z");
    expect(event.p_any_usernames).toEqual(["Johnny"]);
  });

  it("accepts the quirks Slack is known for and keeps optional nulls", () => {
    const entry = auditEntry();
    entry.entity = { type: "channel", channel: { id: "C1", is_shared: "false", is_org_shared: false, name: null } };
    const event = expectEvent(normalizeRecord(AUDIT, entry, CONTEXT));
    expect(event.entity).toEqual({ type: "channel", channel: { id: "C1", is_shared: false, is_org_shared: false, name: null } });
    const row = { user_id: "U1", date_first: "1422922864", date_last: 1422922864, count: "12", ip: "10.0.0.1", region: null };
    expect(expectEvent(normalizeRecord(ACCESS, row, CONTEXT))).toMatchObject({ count: 12, region: null, date_first: "2015-02-03T00:21:04Z" });
  });

  it("omits p_source_* without a source and makes a random row id without newRowId", () => {
    const first = expectEvent(normalizeRecord(AUDIT, auditEntry(), { parseTime: PARSE_TIME }));
    const second = expectEvent(normalizeRecord(AUDIT, auditEntry(), { parseTime: PARSE_TIME }));
    expect(first).not.toHaveProperty("p_source_id");
    expect(first).not.toHaveProperty("p_source_label");
    expect(first.p_row_id).toMatch(/^[0-9a-f]{32}$/);
    expect(first.p_row_id).not.toBe(second.p_row_id);
  });
});

describe("validation failures", () => {
  it("rejects a record that is not an object", () => {
    expect(normalizeRecord(AUDIT, [auditEntry()], CONTEXT)).toEqual({ ok: false, reason: "record is an array, expected an object", field: null });
    expect(expectFailure(normalizeRecord(AUDIT, "text", CONTEXT)).reason).toBe("record is a string, expected an object");
    expect(expectFailure(normalizeRecord(AUDIT, null, CONTEXT)).field).toBeNull();
  });

  it("names a missing required field at the top level", () => {
    const entry = auditEntry();
    delete entry.action;
    expect(normalizeRecord(AUDIT, entry, CONTEXT)).toEqual({ ok: false, reason: "action: required field is missing", field: "action" });
  });

  it("names a missing or null required field nested in an object", () => {
    const entry = auditEntry();
    entry.actor = { type: "user", user: { name: "Charlie Parker" } };
    expect(normalizeRecord(AUDIT, entry, CONTEXT)).toEqual({ ok: false, reason: "actor.user.id: required field is missing", field: "actor.user.id" });
    entry.actor = { type: "user", user: { id: null } };
    expect(expectFailure(normalizeRecord(AUDIT, entry, CONTEXT)).reason).toBe("actor.user.id: required field is null");
  });

  it("does not require fields of an optional object that is absent", () => {
    const entry = auditEntry();
    entry.actor = { type: "user" };
    expect(normalizeRecord(AUDIT, entry, CONTEXT).ok).toBe(true);
  });

  it("names the path and the value of a wrong type", () => {
    const entry = auditEntry();
    entry.entity = { type: "channel", channel: { id: "C1", is_shared: "yes" } };
    expect(normalizeRecord(AUDIT, entry, CONTEXT)).toEqual({ ok: false, reason: 'entity.channel.is_shared: expected boolean, got string "yes"', field: "entity.channel.is_shared" });
    entry.entity = { type: "user", user: ["W1"] };
    expect(expectFailure(normalizeRecord(AUDIT, entry, CONTEXT)).reason).toBe("entity.user: expected object, got array");
  });

  it("names the index of a bad array element", () => {
    const entry = auditEntry();
    entry.entity = { type: "app", app: { id: "A1", scopes: ["chat:write", "channels:read", 5] } };
    expect(normalizeRecord(AUDIT, entry, CONTEXT)).toEqual({ ok: false, reason: "entity.app.scopes[2]: expected string, got number 5", field: "entity.app.scopes[2]" });
  });

  it("keeps quoted values short", () => {
    const entry = auditEntry();
    entry.entity = { type: "channel", channel: { id: "C1", is_shared: `${"x".repeat(10_000)}\n` } };
    const { reason } = expectFailure(normalizeRecord(AUDIT, entry, CONTEXT));
    expect(reason).toBe(`entity.channel.is_shared: expected boolean, got string "${"x".repeat(40)}"…`);
  });

  it("rejects integers that are fractional, unsafe or not digits", () => {
    const row = { user_id: "U1", date_first: 1, date_last: 1, ip: "10.0.0.1" };
    expect(expectFailure(normalizeRecord(ACCESS, { ...row, count: 1.5 }, CONTEXT)).reason).toBe("count: expected bigint (a safe integer), got number 1.5");
    expect(expectFailure(normalizeRecord(ACCESS, { ...row, count: "9007199254740993" }, CONTEXT)).field).toBe("count");
    expect(expectFailure(normalizeRecord(ACCESS, { ...row, count: "1e3" }, CONTEXT)).field).toBe("count");
    expect(expectFailure(normalizeRecord(ACCESS, { ...row, count: true }, CONTEXT)).reason).toBe("count: expected bigint (a safe integer), got boolean true");
  });
});

const TIMES = parseLogSchema(
  `schema: Test.Times
fields:
  - name: s
    type: timestamp
    timeFormat: unix
  - name: ms
    type: timestamp
    timeFormat: unix_ms
  - name: us
    type: timestamp
    timeFormat: unix_us
  - name: ns
    type: timestamp
    timeFormat: unix_ns
  - name: rfc
    type: timestamp
    timeFormat: rfc3339
  - name: local
    type: timestamp
    timeFormat: "%Y-%m-%d %H:%M:%S"
  - name: zoned
    type: timestamp
    timeFormat: "%d/%m/%Y %H:%M:%S.%f %z"
  - name: small
    type: smallint
  - name: ratio
    type: float
`,
  "times.yml",
);

const normalizeTime = (field: string, value: unknown) => normalizeRecord(TIMES, { [field]: value }, CONTEXT);
const timeOf = (field: string, value: unknown) => expectEvent(normalizeTime(field, value))[field];

describe("timestamps", () => {
  it("converts unix seconds, with or without a fraction", () => {
    expect(timeOf("s", 1764072000)).toBe("2025-11-25T12:00:00Z");
    expect(timeOf("s", "1764072000")).toBe("2025-11-25T12:00:00Z");
    expect(timeOf("s", 1764072000.25)).toBe("2025-11-25T12:00:00.25Z");
    expect(timeOf("s", "1764072000.123456789123")).toBe("2025-11-25T12:00:00.123456789Z");
    expect(timeOf("s", 0)).toBe("1970-01-01T00:00:00Z");
  });

  it("keeps the precision of unix_ms, unix_us and unix_ns", () => {
    expect(timeOf("ms", 1764072000123)).toBe("2025-11-25T12:00:00.123Z");
    expect(timeOf("ms", 1764072000000)).toBe("2025-11-25T12:00:00.000Z");
    expect(timeOf("us", 1764072000123456)).toBe("2025-11-25T12:00:00.123456Z");
    // Past 2^53 a JSON number has already lost digits, so nanoseconds arrive as strings.
    expect(timeOf("ns", "1764072000123456789")).toBe("2025-11-25T12:00:00.123456789Z");
    expect(timeOf("ns", "1764072000000000001")).toBe("2025-11-25T12:00:00.000000001Z");
  });

  it("converts RFC 3339 with an offset to UTC", () => {
    expect(timeOf("rfc", "2026-11-25T13:30:00.5+01:30")).toBe("2026-11-25T12:00:00.5Z");
    expect(timeOf("rfc", "1969-12-31T23:30:00-01:00")).toBe("1970-01-01T00:30:00Z");
    expect(timeOf("rfc", "2024-02-29t00:00:00z")).toBe("2024-02-29T00:00:00Z");
  });

  it("parses a strftime pattern without a zone as UTC and with %z at its offset", () => {
    expect(timeOf("local", "2026-11-25 12:00:00")).toBe("2026-11-25T12:00:00Z");
    expect(timeOf("zoned", "25/11/2026 07:00:00.001 -0500")).toBe("2026-11-25T12:00:00.001Z");
    expect(timeOf("zoned", "25/11/2026 12:00:00.000001 Z")).toBe("2026-11-25T12:00:00.000001Z");
    expect(expectFailure(normalizeTime("local", "2026-11-25T12:00:00")).reason).toBe('local: expected timestamp (%Y-%m-%d %H:%M:%S), got string "2026-11-25T12:00:00"');
  });

  it("rejects impossible dates and the wrong shape", () => {
    expect(expectFailure(normalizeTime("rfc", "2025-02-29T00:00:00Z")).field).toBe("rfc");
    expect(expectFailure(normalizeTime("rfc", 1764072000)).reason).toBe("rfc: expected timestamp (rfc3339), got number 1764072000");
    expect(expectFailure(normalizeTime("s", "soon")).reason).toBe('s: expected timestamp (unix), got string "soon"');
    expect(expectFailure(normalizeTime("s", Number.NaN)).reason).toBe("s: expected timestamp (unix), got number NaN");
    expect(expectFailure(normalizeTime("s", Number.POSITIVE_INFINITY)).field).toBe("s");
  });

  it("rejects times before 1970 or after 9999", () => {
    expect(expectFailure(normalizeTime("s", -1)).reason).toBe("s: timestamp out of range (1970-01-01 to 9999-12-31), got number -1");
    expect(expectFailure(normalizeTime("s", 253402300800)).field).toBe("s");
    expect(timeOf("s", 253402300799)).toBe("9999-12-31T23:59:59Z");
    expect(expectFailure(normalizeTime("ms", 1e300)).field).toBe("ms");
    expect(expectFailure(normalizeTime("rfc", "1969-12-31T23:59:59Z")).reason).toContain("rfc: timestamp out of range");
    expect(expectFailure(normalizeTime("ns", "9".repeat(100_000))).field).toBe("ns");
  });

  it("uses the parse time when the event time field is optional and absent", () => {
    const schema = parseLogSchema("schema: T.Optional\nfields:\n  - name: at\n    type: timestamp\n    timeFormat: unix\n    isEventTime: true\n", "t.yml");
    const result = normalizeRecord(schema, { at: null }, CONTEXT);
    expect(result.ok && result.event.p_event_time).toBe("2026-11-25T12:00:00.123Z");
    expect(result.ok && result.eventTime.getTime()).toBe(PARSE_TIME.getTime());
  });

  it("checks integer ranges and numeric strings", () => {
    expect(expectEvent(normalizeRecord(TIMES, { small: "-32768", ratio: "1.5e3" }, CONTEXT))).toMatchObject({ small: -32768, ratio: 1500 });
    expect(expectFailure(normalizeRecord(TIMES, { small: 40000 }, CONTEXT)).reason).toBe("small: expected smallint, got number 40000");
  });
});

const INDICATORS = parseLogSchema(
  `schema: Test.Indicators
fields:
  - name: ips
    type: array
    indicators: [ip]
    element:
      type: string
  - name: emails
    type: array
    element:
      type: string
      indicators: [email]
  - name: people
    type: array
    element:
      type: object
      fields:
        - name: name
          type: string
          indicators: [username]
`,
  "indicators.yml",
);

describe("indicators", () => {
  it("canonicalizes IPv6, drops zones and invalid addresses", () => {
    const event = expectEvent(normalizeRecord(INDICATORS, { ips: ["2001:DB8:0:0:0:0:0:1", "2001:db8::1", "fe80::1%eth0", "10.0.0.2", "1.23.45.678", "", "010.0.0.1", " 10.0.0.1 "] }, CONTEXT));
    expect(event.p_any_ip_addresses).toEqual(["10.0.0.1", "10.0.0.2", "2001:db8::1", "fe80::1"]);
    expect(event.ips).toEqual(["2001:DB8:0:0:0:0:0:1", "2001:db8::1", "fe80::1%eth0", "10.0.0.2", "1.23.45.678", "", "010.0.0.1", " 10.0.0.1 "]);
  });

  it("keeps valid emails lowercased and drops invalid ones", () => {
    const emails = ["Bird@Slack.com", "bird@slack.com", "not-an-email", "a@b", "@slack.com", "two@@slack.com", "with space@slack.com", "x@slack..com", `${"a".repeat(250)}@b.com`, "ok@sub.example.org"];
    expect(expectEvent(normalizeRecord(INDICATORS, { emails }, CONTEXT)).p_any_emails).toEqual(["bird@slack.com", "ok@sub.example.org"]);
  });

  it("collects trimmed usernames from objects inside arrays, distinct and sorted", () => {
    const people = [{ name: " zoe " }, { name: "Charlie Parker" }, { name: "zoe" }, { name: "   " }, { name: "x".repeat(257) }, {}];
    expect(expectEvent(normalizeRecord(INDICATORS, { people }, CONTEXT)).p_any_usernames).toEqual(["Charlie Parker", "zoe"]);
  });
});

describe("unknown fields and hostile input", () => {
  it("keeps unknown fields at the top level and inside declared objects", () => {
    const entry = auditEntry();
    entry.new_top_level = { anything: [1, "two"] };
    const event = expectEvent(normalizeRecord(AUDIT, { ...entry, details: { inviter: { id: "W9" } } }, CONTEXT));
    expect(event.new_top_level).toEqual({ anything: [1, "two"] });
    expect(event.details).toEqual({ inviter: { id: "W9" } });
    expect(event.actor).toEqual({ type: "user", user: { id: "W123AB456", name: "Charlie Parker", email: "bird@slack.com" } });
    expect((event.context as Record<string, unknown>).session_id).toBe("847288190092");
  });

  it("does not let a record's own p_* keys fake the enrichment", () => {
    const entry = { ...auditEntry(), p_log_type: "Other", p_source_label: "Trusted source", p_any_ip_addresses: ["6.6.6.6"], p_event_time: "2030-01-01T00:00:00Z", p_row_id: "forged", p_custom: 1 };
    const event = expectEvent(normalizeRecord(AUDIT, entry, { parseTime: PARSE_TIME, newRowId: () => "row-2" }));
    expect(event).toMatchObject({ p_log_type: "Slack.AuditLogs", p_row_id: "row-2", p_event_time: "2018-03-16T15:32:23Z", p_any_ip_addresses: [] });
    expect(event).not.toHaveProperty("p_source_label");
    expect(event).not.toHaveProperty("p_custom");
  });

  it("keeps __proto__ as data and never pollutes Object.prototype", () => {
    const json = SLACK_DOC_AUDIT_ENTRY.replace(/^\{/, '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, ');
    const entry: unknown = JSON.parse(json);
    const event = expectEvent(normalizeRecord(AUDIT, entry, CONTEXT));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
    expect(Object.hasOwn(event, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(event, "__proto__")?.value).toEqual({ polluted: 1 });
    expect(Object.getOwnPropertyDescriptor(event, "constructor")?.value).toEqual({ prototype: { polluted: 2 } });
    expect(JSON.stringify(event)).toContain('"__proto__":{"polluted":1}');
  });

  it("does not treat an inherited constructor or __proto__ as a present field", () => {
    const schema = parseLogSchema("schema: T.Proto\nfields:\n  - name: constructor\n    required: true\n    type: string\n", "proto.yml");
    expect(expectFailure(normalizeRecord(schema, {}, CONTEXT)).reason).toBe("constructor: required field is missing");
    expect(expectEvent(normalizeRecord(schema, JSON.parse('{"constructor": 7}'), CONTEXT)).constructor).toBe("7");
  });

  it("survives deeply nested unknown values, huge strings and lone surrogates", () => {
    const depth = 5_000;
    const deep: unknown = JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`);
    const actor = { type: "user", user: { id: "W1", name: "\ud800 lone", email: "\udfff@x.com" } };
    const entry = { ...auditEntry(), actor, deep, details: deep, huge: "x".repeat(5_000_000) };
    const event = expectEvent(normalizeRecord(AUDIT, entry, CONTEXT));
    expect(event.deep).toBe(deep);
    expect(event.p_any_usernames).toEqual(["Charlie Parker", "\ud800 lone"]);
  });
});
