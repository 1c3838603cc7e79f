import type { LogSchema } from "@/features/events/log-schema";
import { normalizeRecord } from "@/features/events/normalize";
import type { StorableEvent } from "@/features/pulls/mutations";
import type { ClassificationFailureInput } from "@/features/pulls/schema";

/** A quarantined record is kept whole up to this size; a hostile multi-megabyte record is cut, and says so. */
const MAX_FAILURE_PAYLOAD_CHARS = 1_000_000;

/**
 * An escaped NUL or lone surrogate in serialized JSON (JSON.stringify writes valid pairs as plain
 * characters, so any \ud800–\udfff escape is a lone half). Postgres's jsonb refuses both, and one
 * such event would fail the whole page's insert; it is quarantined instead. The lookbehind skips
 * an escaped backslash followed by the letters "u0000", which is ordinary text.
 */
const UNSTORABLE_IN_JSONB = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/** The unique key on events is a btree, which refuses entries over ~2.7 KB; Slack's ids are 36 characters. */
const MAX_DEDUPE_KEY_LENGTH = 255;
/**
 * The `action` column is indexed, and Postgres refuses an index entry over ~2,700 bytes: one record
 * with a longer action would fail its page's insert on every retry and stall the source for good.
 * Slack's action names are short identifiers, so a long one is hostile, not data to keep.
 */
const MAX_ACTION_LENGTH = 255;

/**
 * JSON text, or null when V8 cannot produce it: JSON.parse accepts deeper nesting (~5,000 levels)
 * than JSON.stringify can write back (~4,000), and one such record must not fail its whole page.
 */
function serialize(value: unknown): string | null {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    return null;
  }
}

function failure(raw: unknown, field: string | null, reason: string): ClassificationFailureInput {
  let payload = serialize(raw) ?? JSON.stringify({ unserializable: "the record is nested too deeply to be written back as JSON" });
  if (payload.length > MAX_FAILURE_PAYLOAD_CHARS) {
    reason = `${reason} (record of ${payload.length.toLocaleString("en")} characters kept truncated)`;
    payload = payload.slice(0, MAX_FAILURE_PAYLOAD_CHARS);
  }
  return { field, reason, payload };
}

/** A field as the `action` column holds it: Postgres's `->>` text of the value, null when absent. */
function columnText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export type PreparedPage = { events: StorableEvent[]; failures: ClassificationFailureInput[] };

/**
 * Records normalized between two turns of the event loop. A 9,999-record page takes a few hundred
 * milliseconds; in one piece it would hold up the previous page's commit, whose statements go out
 * one after another on this same thread, and Postgres would sit idle meanwhile.
 */
const RECORDS_PER_TURN = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Normalizes a page of raw Slack records against their log type's schema. Records that do not fit
 * are set aside with the reason; they never stop the page. `dedupeKeyOf` names the record for
 * exactly-once storage (the audit event's `id`; issue 7's pullers bring their own).
 */
export async function preparePage(
  schema: LogSchema,
  records: readonly unknown[],
  context: { source: { id: string; label: string }; parseTime: Date; dedupeKeyOf: (event: Record<string, unknown>) => string | null },
): Promise<PreparedPage> {
  const events: StorableEvent[] = [];
  const failures: ClassificationFailureInput[] = [];
  for (const [index, raw] of records.entries()) {
    if (index > 0 && index % RECORDS_PER_TURN === 0) await nextTurn();
    const result = normalizeRecord(schema, raw, { parseTime: context.parseTime, source: context.source });
    if (!result.ok) {
      failures.push(failure(raw, result.field, result.reason));
      continue;
    }
    let dedupeKey: string | null;
    try {
      dedupeKey = context.dedupeKeyOf(result.event);
    } catch (error) {
      // An integration log's identity is a digest of the whole entry, walked recursively: a record
      // nested thousands of levels deep overflows the stack there, and must not fail its whole page.
      if (!(error instanceof RangeError && /call stack/i.test(error.message))) throw error;
      failures.push(failure(raw, null, "nested too deeply to store (more than about 4,000 levels)"));
      continue;
    }
    if (!dedupeKey) {
      failures.push(failure(raw, null, "record has no identity to store it exactly once"));
      continue;
    }
    if (dedupeKey.length > MAX_DEDUPE_KEY_LENGTH) {
      failures.push(failure(raw, null, `its identity is ${dedupeKey.length.toLocaleString("en")} characters long; at most ${MAX_DEDUPE_KEY_LENGTH} can be stored`));
      continue;
    }
    const json = serialize(result.event);
    if (json === null) {
      failures.push(failure(raw, null, "nested too deeply to store (more than about 4,000 levels)"));
      continue;
    }
    if (UNSTORABLE_IN_JSONB.test(json)) {
      failures.push(failure(raw, null, "contains a NUL character or a broken surrogate pair, which cannot be stored as JSON"));
      continue;
    }
    const { event } = result;
    const action = columnText(event.action) ?? columnText(event.change_type);
    if (action !== null && action.length > MAX_ACTION_LENGTH) {
      failures.push(failure(raw, columnText(event.action) === null ? "change_type" : "action", `its action is ${action.length.toLocaleString("en")} characters long; at most ${MAX_ACTION_LENGTH} can be stored`));
      continue;
    }
    events.push({
      dedupeKey,
      eventTime: result.eventTime,
      rowId: event.p_row_id,
      parseTime: event.p_parse_time,
      action,
      ipAddresses: event.p_any_ip_addresses,
      emails: event.p_any_emails,
      usernames: event.p_any_usernames,
      json,
    });
  }
  return { events, failures };
}
