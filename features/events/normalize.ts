// Turns one raw Slack log record into the stored event: checked against its log schema, coerced where
// Slack is known to be inconsistent, and enriched with the p_* fields that every log type shares.
// Records come from a remote API or a file an operator feeds the CLI, so they are treated as hostile:
// untrusted keys are never assigned onto ordinary objects and unknown values are never walked.

import { randomUUID } from "node:crypto";
import { canonicalizeIndicator, type Indicator } from "@/features/events/indicators";
import type { FieldSpec, LogSchema, ValueSpec } from "@/features/events/log-schema";
import { parseTimestamp } from "@/features/events/timestamps";

export type NormalizeContext = { parseTime: Date; source?: { id: string; label: string }; newRowId?: () => string };

export type NormalizedEvent = Record<string, unknown> & {
  p_log_type: string;
  p_row_id: string;
  p_event_time: string;
  p_parse_time: string;
  p_source_id?: string;
  p_source_label?: string;
  p_any_ip_addresses: string[];
  p_any_emails: string[];
  p_any_usernames: string[];
};

export type NormalizeResult = { ok: true; event: NormalizedEvent; eventTime: Date } | { ok: false; reason: string; field: string | null };

type Failure = { ok: false; reason: string; field: string };
type Outcome = { ok: true; value: unknown } | Failure;

type Walk = {
  eventTimeField: FieldSpec | null;
  eventTime: { text: string; date: Date } | null;
  collected: Record<Indicator, Set<string>>;
};

const MAX_QUOTED_LENGTH = 40;
const INTEGER_RANGES = {
  bigint: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, label: "bigint (a safe integer)" },
  int: { min: -(2 ** 31), max: 2 ** 31 - 1, label: "int" },
  smallint: { min: -(2 ** 15), max: 2 ** 15 - 1, label: "smallint" },
} as const;
// Longer digit strings are out of range anyway; Number() on a megabyte of digits is wasted work.
const MAX_NUMERIC_TEXT_LENGTH = 400;

// ---- small helpers ------------------------------------------------------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function quote(text: string): string {
  // Cut on code points so an emoji is not split; JSON.stringify escapes newlines and lone surrogates,
  // which keeps the reason on one line and printable.
  const head = text.length > MAX_QUOTED_LENGTH * 2 ? text.slice(0, MAX_QUOTED_LENGTH * 2) : text;
  const codePoints = Array.from(head);
  const isCut = codePoints.length > MAX_QUOTED_LENGTH || head.length < text.length;
  return `${JSON.stringify(codePoints.slice(0, MAX_QUOTED_LENGTH).join(""))}${isCut ? "…" : ""}`;
}

/** What a value is, for a reason: `string "yes"`, `number 5`, `array`; never a whole payload. */
function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  switch (typeof value) {
    case "string":
      return `string ${quote(value)}`;
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    default:
      return typeof value;
  }
}

const joinPath = (path: string, name: string): string => (path === "" ? name : `${path}.${name}`);

const fail = (field: string, detail: string): Failure => ({ ok: false, reason: `${field}: ${detail}`, field });
const expected = (field: string, what: string, value: unknown): Failure => fail(field, `expected ${what}, got ${describeValue(value)}`);

// ---- scalars --------------------------------------------------------------------------------------

function formatNumberAsString(value: number): string {
  // Integral numbers as plain digits: String(1e21) would give "1e+21" for a numeric ID.
  return Number.isInteger(value) ? BigInt(value).toString() : String(value);
}

function normalizeString(value: unknown, path: string, isLenient: boolean): Outcome {
  if (typeof value === "string") return { ok: true, value };
  // Slack's team.integrationLogs sends service_id as a number in one entry and a string in the next.
  if (isLenient && typeof value === "number" && Number.isFinite(value)) return { ok: true, value: formatNumberAsString(value) };
  return expected(path, "string", value);
}

function normalizeInteger(value: unknown, type: keyof typeof INTEGER_RANGES, path: string, isLenient: boolean): Outcome {
  const range = INTEGER_RANGES[type];
  let number: number;
  if (typeof value === "number") number = value;
  // Slack IDs and counts sometimes arrive quoted; digits only, so "1e3" or " 7" stay type errors.
  else if (isLenient && typeof value === "string" && value.length <= MAX_NUMERIC_TEXT_LENGTH && /^-?\d+$/.test(value)) number = Number(value);
  else return expected(path, range.label, value);
  if (!Number.isInteger(number) || number < range.min || number > range.max) return expected(path, range.label, value);
  return { ok: true, value: number === 0 ? 0 : number };
}

function normalizeFloat(value: unknown, path: string, isLenient: boolean): Outcome {
  let number: number;
  if (typeof value === "number") number = value;
  else if (isLenient && typeof value === "string" && value.length <= MAX_NUMERIC_TEXT_LENGTH && /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) number = Number(value);
  else return expected(path, "float", value);
  if (!Number.isFinite(number)) return expected(path, "float", value);
  return { ok: true, value: number };
}

function normalizeBoolean(value: unknown, path: string, isLenient: boolean): Outcome {
  if (typeof value === "boolean") return { ok: true, value };
  if (isLenient && value === "true") return { ok: true, value: true };
  if (isLenient && value === "false") return { ok: true, value: false };
  return expected(path, "boolean", value);
}

function normalizeTimestamp(spec: Extract<ValueSpec, { type: "timestamp" }>, value: unknown, path: string): Outcome & { date?: Date } {
  const result = parseTimestamp(value, spec.timeFormat);
  if (result.ok) return { ok: true, value: result.text, date: result.date };
  if (result.problem === "range") return fail(path, `timestamp out of range (1970-01-01 to 9999-12-31), got ${describeValue(value)}`);
  return expected(path, `timestamp (${spec.timeFormat})`, value);
}

// ---- structure --------------------------------------------------------------------------------------

function collectIndicators(spec: ValueSpec, value: string, walk: Walk): void {
  for (const indicator of spec.indicators) {
    const canonical = canonicalizeIndicator(indicator, value);
    if (canonical !== null) walk.collected[indicator].add(canonical);
  }
}

// Coercions are for named fields, where Slack's inconsistencies are documented. Array elements stay
// strict: a number among string scopes is not a known quirk, and the reason points at its index.
function normalizeValue(spec: ValueSpec, value: unknown, path: string, walk: Walk, isLenient: boolean): Outcome {
  switch (spec.type) {
    case "string": {
      const outcome = normalizeString(value, path, isLenient);
      if (outcome.ok) collectIndicators(spec, outcome.value as string, walk);
      return outcome;
    }
    case "bigint":
    case "int":
    case "smallint":
      return normalizeInteger(value, spec.type, path, isLenient);
    case "float":
      return normalizeFloat(value, path, isLenient);
    case "boolean":
      return normalizeBoolean(value, path, isLenient);
    case "timestamp":
      return normalizeTimestamp(spec, value, path);
    case "json":
      return { ok: true, value };
    case "object":
      return isPlainObject(value) ? normalizeObject(spec.fields, value, path, walk) : expected(path, "object", value);
    case "array":
      return Array.isArray(value) ? normalizeArray(spec.element, value, path, walk) : expected(path, "array", value);
  }
}

function normalizeArray(element: ValueSpec, values: readonly unknown[], path: string, walk: Walk): Outcome {
  const normalized: unknown[] = [];
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    // A null element carries nothing to check; failing the whole audit event over it would lose the event.
    if (value === null || value === undefined) {
      normalized.push(null);
      continue;
    }
    const outcome = normalizeValue(element, value, `${path}[${index}]`, walk, false);
    if (!outcome.ok) return outcome;
    normalized.push(outcome.value);
  }
  return { ok: true, value: normalized };
}

/**
 * Sets an own data property. Plain assignment is safe for every key but "__proto__", which would
 * replace the prototype instead; records from JSON.parse can carry it as an ordinary key.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function normalizeObject(fields: readonly FieldSpec[], record: Record<string, unknown>, path: string, walk: Walk, isTopLevel = false): Outcome {
  // A copy in the record's key order; unknown keys keep their raw value (Slack adds fields without
  // notice). At the top level a record's own p_* keys are dropped, not merged: p_* is the engine's
  // namespace, and a record carrying p_source_label or p_any_ip_addresses could otherwise pose as
  // another source or plant indicators that searches and alerts trust.
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(record)) {
    if (isTopLevel && key.startsWith("p_")) continue;
    // Keys from Object.keys are own properties, so reading them directly is safe.
    setOwn(copy, key, record[key]);
  }
  // Declared fields in schema order, so the first problem reported is stable whatever the key order.
  for (const field of fields) {
    const isPresent = Object.hasOwn(record, field.name);
    const value = isPresent ? record[field.name] : undefined;
    if (value === undefined || value === null) {
      if (field.required) return fail(joinPath(path, field.name), value === null && isPresent ? "required field is null" : "required field is missing");
      continue;
    }
    const fieldPath = joinPath(path, field.name);
    if (field.type === "timestamp") {
      const outcome = normalizeTimestamp(field, value, fieldPath);
      if (!outcome.ok) return outcome;
      if (field === walk.eventTimeField && outcome.date) walk.eventTime = { text: outcome.value as string, date: outcome.date };
      setOwn(copy, field.name, outcome.value);
      continue;
    }
    const outcome = normalizeValue(field, value, fieldPath, walk, true);
    if (!outcome.ok) return outcome;
    setOwn(copy, field.name, outcome.value);
  }
  return { ok: true, value: copy };
}

function findEventTimeField(schema: LogSchema): FieldSpec | null {
  if (schema.eventTimePath === null) return null;
  let fields: readonly FieldSpec[] = schema.fields;
  let found: FieldSpec | null = null;
  for (const name of schema.eventTimePath) {
    found = fields.find((field) => field.name === name) ?? null;
    if (found === null) return null;
    fields = found.type === "object" ? found.fields : [];
  }
  return found;
}

function describeRecordKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "not a plain object";
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}

export function normalizeRecord(schema: LogSchema, raw: unknown, context: NormalizeContext): NormalizeResult {
  if (!isPlainObject(raw)) return { ok: false, reason: `record is ${describeRecordKind(raw)}, expected an object`, field: null };
  const walk: Walk = {
    eventTimeField: findEventTimeField(schema),
    eventTime: null,
    collected: { ip: new Set(), email: new Set(), username: new Set() },
  };
  const outcome = normalizeObject(schema.fields, raw, "", walk, true);
  if (!outcome.ok) return outcome;

  const parseTime = context.parseTime.toISOString();
  const eventTime = walk.eventTime ?? { text: parseTime, date: new Date(context.parseTime.getTime()) };
  const enrichment: [string, unknown][] = [
    ["p_log_type", schema.name],
    // randomUUID draws from a cached entropy pool; randomBytes per event was a sixth of the time.
    ["p_row_id", context.newRowId?.() ?? randomUUID().replaceAll("-", "")],
    ["p_event_time", eventTime.text],
    ["p_parse_time", parseTime],
    ...(context.source
      ? ([
          ["p_source_id", context.source.id],
          ["p_source_label", context.source.label],
        ] satisfies [string, unknown][])
      : []),
    ["p_any_ip_addresses", [...walk.collected.ip].sort()],
    ["p_any_emails", [...walk.collected.email].sort()],
    ["p_any_usernames", [...walk.collected.username].sort()],
  ];
  // The record's own p_* keys were dropped by normalizeObject, so these cannot collide with them.
  const event = outcome.value as NormalizedEvent;
  for (const [key, value] of enrichment) event[key] = value;
  return { ok: true, event, eventTime: eventTime.date };
}
