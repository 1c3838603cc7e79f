import { NextResponse } from "next/server";
import { REQUEST_ID_HEADER } from "@/lib/logger";

/** The one shape of an API error: a stable code for programs, a sentence for people. */
export function jsonError(status: number, code: string, message: string) {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export const unauthorized = () => jsonError(401, "unauthorized", "Sign in to use this API.");
export const forbiddenResponse = () => jsonError(403, "forbidden", "Your role does not allow this.");

/**
 * Set by the proxy on every request (overwriting anything a client sent), so that server components
 * can send a signed-out visitor back to the page they asked for after sign-in.
 */
export const REQUEST_PATH_HEADER = "x-tributary-path";

/**
 * The client's address as seen by the nearest proxy: a reverse proxy appends the peer it received
 * the request from, so the rightmost entry is the one a client cannot forge. Without a proxy,
 * Next.js fills the header with the socket's address only when the request has none, so a client
 * talking to `next start` directly can claim any address: run Tributary behind a reverse proxy.
 */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  if (!last) return null;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the same client as its IPv4 form.
  return last.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 64);
}

/** Where a change came from, for the audit trail. */
export function requestOrigin(headers: Headers): { ipAddress: string | null; requestId: string | null } {
  return { ipAddress: clientAddress(headers), requestId: headers.get(REQUEST_ID_HEADER) };
}

// Paths that carry a credential (the single-use set-password link). Logs and headers get the
// route, never the token: anyone reading the logs could otherwise take over a pending invitation.
const CREDENTIAL_PATHS = /^(\/set-password\/)[^/?#]+/;

export function redactPath(path: string): string {
  return path.replace(CREDENTIAL_PATHS, "$1[redacted]");
}
