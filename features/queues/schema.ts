// Where the console mounts Bull Board (app/admin/queues/[[...path]]/route.ts). Shared by that route,
// the proxy (which gives this path its own Content-Security-Policy) and the settings navigation.
export const QUEUE_BOARD_PATH = "/admin/queues";

export function isQueueBoardPath(pathname: string): boolean {
  return pathname === QUEUE_BOARD_PATH || pathname.startsWith(`${QUEUE_BOARD_PATH}/`);
}

/**
 * What a request to the board asks for. Pages are refused as every console page is (sign-in for the
 * signed-out, the 403 page for a role without access); the board's JSON API and its static files
 * the way route handlers refuse, with 401/403 JSON, since a script, not a person, reads them.
 */
export type BoardRequestKind = "page" | "api" | "static";

/** `segments` are the path below QUEUE_BOARD_PATH, still percent-encoded. */
export function boardRequestKind(method: string, segments: string[]): BoardRequestKind {
  if (segments[0] === "static") return "static";
  if (segments[0] === "api" || (method !== "GET" && method !== "HEAD")) return "api";
  return "page";
}

/** The path below QUEUE_BOARD_PATH, one entry per segment, still percent-encoded ("" segments dropped). */
export function boardPathSegments(pathname: string): string[] {
  return pathname.slice(QUEUE_BOARD_PATH.length).split("/").filter(Boolean);
}
