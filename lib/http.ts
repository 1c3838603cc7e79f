import { NextResponse } from "next/server";

/** The one shape of an API error: a stable code for programs, a sentence for people. */
export function jsonError(status: number, code: string, message: string) {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export const unauthorized = () => jsonError(401, "unauthorized", "Sign in to use this API.");

/**
 * Set by the proxy on every request (overwriting anything a client sent), so that server components
 * can send a signed-out visitor back to the page they asked for after sign-in.
 */
export const REQUEST_PATH_HEADER = "x-tributary-path";
