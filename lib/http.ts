import { NextResponse } from "next/server";

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
 * The client's address as seen by the nearest proxy. Proxies (and Next.js itself, when no proxy is
 * in front) append the peer they received the request from, so the rightmost entry is the one a
 * client cannot forge when Tributary runs behind a reverse proxy; run it behind one in production.
 */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  if (!last) return null;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the same client as its IPv4 form.
  return last.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "").slice(0, 64);
}
