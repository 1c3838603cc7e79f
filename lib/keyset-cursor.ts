// A keyset page's position, (time, id) of the last row shown, as an opaque URL-safe string. Lists
// ordered newest first by (time, id) continue strictly after it, so a deep page costs what the first
// does and rows arriving meanwhile never shift what comes next.

export type KeysetPosition = { at: Date; id: string };

export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.at.toISOString()}|${position.id}`, "utf8").toString("base64url");
}

/** The position, or null for anything encodeKeysetCursor did not make. */
export function decodeKeysetCursor(cursor: string): KeysetPosition | null {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = at ? new Date(at) : null;
  return date && !Number.isNaN(date.getTime()) && id ? { at: date, id } : null;
}
