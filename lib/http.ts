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

/**
 * Whether a request that changes something was sent by the console's own pages, so that a session
 * cookie riding along from another origin is not enough. SameSite=Lax already keeps the cookie off
 * cross-site fetches, but not off those from another origin of the same site (a sibling subdomain).
 * Browsers send Sec-Fetch-Site on every request and Origin on every one that is not a GET; a request
 * with neither did not come from a browser, so it carries no cookie a browser attached for someone.
 */
export function isSameOriginRequest(headers: Headers, publicUrl: string): boolean {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite) return fetchSite === "same-origin";
  const origin = headers.get("origin");
  if (origin) return URL.canParse(publicUrl) && origin === new URL(publicUrl).origin;
  return true;
}

export const crossOriginResponse = () => jsonError(403, "cross_origin", "Changes are accepted only from Tributary's own pages.");

/**
 * The body as text, or null when it is larger than `maxBytes`. Read chunk by chunk and given up past
 * the limit, so a client streaming megabytes without a Content-Length (chunked) costs `maxBytes` of
 * memory, not whatever it sent.
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string | null> {
  if (Number(request.headers.get("content-length")) > maxBytes) return null;
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
