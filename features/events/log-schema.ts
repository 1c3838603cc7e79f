// Log types are described by Panther-style YAML files in ./log-types, so adding a log type means adding
// a file, not changing the engine. A schema is checked strictly when it is loaded: a typo such as
// `isEventtime` would otherwise be ignored and silently change which time an event is filed under.
// Server-only: reads the file system.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { INDICATORS, type Indicator } from "@/features/events/indicators";
import { explainTimeFormatProblem } from "@/features/events/timestamps";

export const FIELD_TYPES = ["string", "timestamp", "bigint", "int", "smallint", "float", "boolean", "object", "array", "json"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

type ValueSpecBase = { indicators: readonly Indicator[] };
export type ValueSpec =
  | (ValueSpecBase & { type: "string" | "bigint" | "int" | "smallint" | "float" | "boolean" | "json" })
  | (ValueSpecBase & { type: "timestamp"; timeFormat: string })
  | (ValueSpecBase & { type: "object"; fields: readonly FieldSpec[] })
  | (ValueSpecBase & { type: "array"; element: ValueSpec });
export type FieldSpec = ValueSpec & { name: string; required: boolean; description: string | null; isEventTime: boolean };

export type LogSchema = {
  name: string;
  description: string | null;
  referenceURL: string | null;
  version: number;
  fields: readonly FieldSpec[];
  /** Names from the top level down to the first `isEventTime` field (schema order, depth-first). */
  eventTimePath: string[] | null;
};

// ---- the YAML format ----------------------------------------------------------------------------

type RawValueSpec = {
  type: FieldType;
  timeFormat?: string;
  indicators?: Indicator[];
  fields?: RawFieldSpec[];
  element?: RawValueSpec;
};
type RawFieldSpec = RawValueSpec & { name: string; required?: boolean; description?: string; isEventTime?: boolean };

const valueShape = () => ({
  type: z.enum(FIELD_TYPES),
  timeFormat: z.string().min(1).optional(),
  indicators: z.array(z.enum(INDICATORS)).optional(),
  fields: z.array(rawFieldSpecSchema).optional(),
  element: rawValueSpecSchema.optional(),
});

const rawValueSpecSchema: z.ZodType<RawValueSpec> = z.lazy(() => z.strictObject(valueShape()));

const rawFieldSpecSchema: z.ZodType<RawFieldSpec> = z.lazy(() =>
  z.strictObject({
    name: z.string().min(1).max(256),
    required: z.boolean().optional(),
    description: z.string().optional(),
    isEventTime: z.boolean().optional(),
    ...valueShape(),
  }),
);

/** The file format, as Panther documents it for custom log schemas (only the keys Tributary uses). */
export const logSchemaFileSchema = z.strictObject({
  // Also p_log_type of every event and a key in the database, so no spaces or odd characters.
  schema: z
    .string()
    .max(128)
    .regex(/^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/, "must be letters, digits, _ or - in dot-separated parts"),
  parser: z.unknown().optional(),
  description: z.string().optional(),
  referenceURL: z.string().optional(),
  version: z.number().int().nonnegative().optional(),
  fields: z.array(rawFieldSpecSchema).min(1),
});

// ---- error messages that name the field ---------------------------------------------------------

const KNOWN_KEYS = ["name", "required", "description", "isEventTime", "type", "timeFormat", "indicators", "fields", "element", "schema", "parser", "referenceURL", "version"];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function readOwn(value: unknown, key: PropertyKey): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

/** ["fields", 3, "fields", 1, "isEventtime"] → field "actor.user", key "isEventtime". */
function describeIssuePath(document: unknown, path: readonly PropertyKey[]): { field: string | null; key: string } {
  const fieldParts: string[] = [];
  let node = document;
  let index = 0;
  while (index < path.length) {
    const segment = path[index];
    const next = path[index + 1];
    if (segment === "fields" && typeof next === "number") {
      node = readOwn(readOwn(node, "fields"), next);
      const name = readOwn(node, "name");
      fieldParts.push(typeof name === "string" && name !== "" ? name : `fields[${next}]`);
      index += 2;
    } else if (segment === "element" && fieldParts.length > 0) {
      node = readOwn(node, "element");
      fieldParts.push(`${fieldParts.pop()}[]`);
      index += 1;
    } else {
      break;
    }
  }
  const key = path
    .slice(index)
    .map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`))
    .join("")
    .replace(/^\./, "");
  return { field: fieldParts.length > 0 ? fieldParts.join(".") : null, key };
}

function suggestKey(key: string): string {
  const match = KNOWN_KEYS.find((known) => known.toLowerCase() === key.toLowerCase());
  return match ? ` (did you mean "${match}"?)` : "";
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => `unknown key "${key}"${suggestKey(key)}`).join(", ");
    case "invalid_value":
      return `${JSON.stringify(issue.input) ?? "undefined"} is not one of ${issue.values.map(String).join(", ")}`;
    default:
      return issue.message;
  }
}

function formatError(origin: string, field: string | null, detail: string): Error {
  return new Error(`Invalid log schema ${origin}: ${field === null ? "" : `field ${field}: `}${detail}`);
}

// ---- from the raw document to a LogSchema -------------------------------------------------------

type BuildState = { origin: string; eventTimePath: string[] | null };

function buildValueSpec(raw: RawValueSpec, fieldPath: string, names: readonly string[], isInArray: boolean, state: BuildState): ValueSpec {
  const fail = (detail: string) => formatError(state.origin, fieldPath, detail);
  if (raw.timeFormat !== undefined && raw.type !== "timestamp") throw fail(`timeFormat is only allowed on a timestamp, not on ${raw.type}`);
  if (raw.fields !== undefined && raw.type !== "object") throw fail(`fields is only allowed on an object, not on ${raw.type}`);
  if (raw.element !== undefined && raw.type !== "array") throw fail(`element is only allowed on an array, not on ${raw.type}`);
  const indicators = Object.freeze([...new Set(raw.indicators ?? [])]);
  if (indicators.length > 0 && raw.type !== "string" && raw.type !== "array") throw fail(`indicators need a string (or array of strings), not ${raw.type}`);

  switch (raw.type) {
    case "timestamp": {
      if (raw.timeFormat === undefined) throw fail("a timestamp needs a timeFormat");
      const problem = explainTimeFormatProblem(raw.timeFormat);
      if (problem) throw fail(problem);
      return Object.freeze({ type: raw.type, timeFormat: raw.timeFormat, indicators });
    }
    case "object": {
      if (raw.fields === undefined || raw.fields.length === 0) throw fail("an object needs fields");
      return Object.freeze({ type: raw.type, fields: buildFieldSpecs(raw.fields, names, isInArray, state), indicators });
    }
    case "array": {
      if (raw.element === undefined) throw fail("an array needs an element");
      // Indicators on an array apply to its strings: `ips: {type: array, element: {type: string}}`.
      const element = { ...raw.element, indicators: [...(raw.element.indicators ?? []), ...indicators] };
      const elementNames = [...names.slice(0, -1), `${names.at(-1) ?? ""}[]`];
      return Object.freeze({ type: raw.type, element: buildValueSpec(element, `${fieldPath}[]`, elementNames, true, state), indicators });
    }
    default:
      return Object.freeze({ type: raw.type, indicators });
  }
}

function buildFieldSpecs(rawFields: readonly RawFieldSpec[], parentNames: readonly string[], isInArray: boolean, state: BuildState): readonly FieldSpec[] {
  const seen = new Set<string>();
  const fields = rawFields.map((raw) => {
    const names = [...parentNames, raw.name];
    const fieldPath = names.join(".");
    const fail = (detail: string) => formatError(state.origin, fieldPath, detail);
    if (seen.has(raw.name)) throw fail("duplicate field name at this level");
    seen.add(raw.name);
    // p_* is where the normalizer writes its enrichment; a log field there would be overwritten.
    if (parentNames.length === 0 && raw.name.startsWith("p_")) throw fail("names starting with p_ are reserved for enrichment fields");
    const isEventTime = raw.isEventTime === true;
    if (isEventTime && raw.type !== "timestamp") throw fail(`isEventTime needs type timestamp, not ${raw.type}`);
    // One event has one time; a time per array element would leave it unclear which one to file it under.
    if (isEventTime && isInArray) throw fail("isEventTime is not allowed inside an array");
    if (isEventTime && state.eventTimePath === null) state.eventTimePath = names;
    const value = buildValueSpec(raw, fieldPath, names, isInArray, state);
    return Object.freeze({ ...value, name: raw.name, required: raw.required === true, description: raw.description ?? null, isEventTime });
  });
  return Object.freeze(fields);
}

/** Parses and checks one schema file. Throws one line naming `origin` and the field at fault. */
export function parseLogSchema(yamlText: string, origin: string): LogSchema {
  let document: unknown;
  try {
    document = parseYaml(yamlText, { prettyErrors: false });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw formatError(origin, null, `not valid YAML: ${message}`);
  }
  if (!isRecord(document)) throw formatError(origin, null, "expected a YAML mapping with schema and fields");
  const parsed = logSchemaFileSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    if (!issue) throw formatError(origin, null, "invalid");
    const { field, key } = describeIssuePath(document, issue.path);
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : "";
    throw formatError(origin, field, `${key === "" ? "" : `${key}: `}${describeIssue(issue)}${more}`);
  }
  const state: BuildState = { origin, eventTimePath: null };
  const fields = buildFieldSpecs(parsed.data.fields, [], false, state);
  return Object.freeze({
    name: parsed.data.schema,
    description: parsed.data.description ?? null,
    referenceURL: parsed.data.referenceURL ?? null,
    version: parsed.data.version ?? 0,
    fields,
    eventTimePath: state.eventTimePath === null ? null : Object.freeze(state.eventTimePath) as string[],
  });
}

// ---- the shipped schemas --------------------------------------------------------------------------

// Resolved from this module, not the working directory, so the CLI and worker find it wherever they run.
const DEFAULT_DIRECTORY = fileURLToPath(new URL("./log-types/", import.meta.url));

/** Every *.yml / *.yaml in `directory`, keyed by schema name. Throws on the first invalid file. */
export function loadLogSchemas(directory: string = DEFAULT_DIRECTORY): ReadonlyMap<string, LogSchema> {
  const schemas = new Map<string, LogSchema>();
  const origins = new Map<string, string>();
  const files = readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  for (const file of files) {
    const schema = parseLogSchema(readFileSync(join(directory, file), "utf8"), file);
    const previous = origins.get(schema.name);
    if (previous !== undefined) throw formatError(file, null, `schema "${schema.name}" is already defined in ${previous}`);
    schemas.set(schema.name, schema);
    origins.set(schema.name, file);
  }
  return schemas;
}

let shippedSchemas: ReadonlyMap<string, LogSchema> | null = null;

function getShippedSchemas(): ReadonlyMap<string, LogSchema> {
  shippedSchemas ??= loadLogSchemas();
  return shippedSchemas;
}

export function getLogSchema(logType: string): LogSchema | null {
  return getShippedSchemas().get(logType) ?? null;
}

export function listLogSchemaNames(): string[] {
  return [...getShippedSchemas().keys()].sort();
}
