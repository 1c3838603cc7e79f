// Raw records as an operator hands them to the CLI: a saved Slack API response, a JSON array, or
// NDJSON exported from another pipeline. Each record is checked later by normalizeRecord; this only
// finds where the records are.

export type ParseRawRecordsResult = { ok: true; records: unknown[] } | { ok: false; reason: string };

// The array each Slack log API puts its records in: Audit Logs API, team.accessLogs, team.integrationLogs.
const RESPONSE_RECORD_KEYS = ["entries", "logins", "logs"] as const;

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function readOwn(value: object, key: string): unknown {
  return Object.getOwnPropertyDescriptor(value, key)?.value;
}

function extractRecords(value: unknown): ParseRawRecordsResult {
  if (Array.isArray(value)) return { ok: true, records: value };
  if (typeof value === "object" && value !== null) {
    for (const key of RESPONSE_RECORD_KEYS) {
      const records = readOwn(value, key);
      if (Array.isArray(records)) return { ok: true, records };
    }
    // A saved error body ({"ok": false, "error": "paid_only"}) holds no records; importing it as one
    // would only fail later with a confusing "required field is missing".
    const error = readOwn(value, "error");
    if (readOwn(value, "ok") === false && typeof error === "string") return { ok: false, reason: `Slack returned an error response: ${error.slice(0, 100)}` };
  }
  return { ok: true, records: [value] };
}

export function parseRawRecords(text: string): ParseRawRecordsResult {
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse rejects.
  const content = text.replace(/^\uFEFF/, "");
  if (content.trim() === "") return { ok: true, records: [] };
  const whole = tryParseJson(content);
  if (whole.ok) return extractRecords(whole.value);

  const records: unknown[] = [];
  const lines = content.split(/\r?\n/);
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (line.trim() === "") continue;
    const parsed = tryParseJson(line);
    // The whole text did not parse either, so this line is where the input stops being JSON or NDJSON.
    if (!parsed.ok) return { ok: false, reason: `line ${index + 1}: not valid JSON` };
    records.push(parsed.value);
  }
  return { ok: true, records };
}
