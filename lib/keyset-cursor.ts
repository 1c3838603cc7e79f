// A keyset page's position, (time, id) of the last row shown, as an opaque URL-safe string. Lists
// ordered newest first by (time, id) continue strictly after it, so a deep page costs what the first
// does and rows arriving meanwhile never shift what comes next.

export type KeysetPosition = { at: Date; id: string };

// Times are sent to Postgres as toISOString() text, which Postgres reads only for years 0001 to 9999:
// "0000-…" (ISO's 1 BC) and six-digit years ("+010000-…") are refused with an error, not an empty page.
// (Date.UTC would read year 1 as 1901.)
const EARLIEST_QUERYABLE_MS = Date.parse("0001-01-01T00:00:00.000Z");
const LATEST_QUERYABLE_MS = Date.parse("9999-12-31T23:59:59.999Z");

/** Whether a time from a URL can be compared with a Postgres timestamp without the query failing. */
export function isQueryableTime(date: Date): boolean {
  const time = date.getTime();
  return time >= EARLIEST_QUERYABLE_MS && time <= LATEST_QUERYABLE_MS;
}

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, "utf8").toString("base64url");
}

/** The position, or null for anything encodeKeysetCursor did not make. */
export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = at ? new Date(at) : null;
  // Postgres text cannot hold U+0000: an id carrying one would fail the page's query instead of matching nothing.
  return date && isQueryableTime(date) && id && !id.includes("\u0000") ? { at: date, id } : null;
}
