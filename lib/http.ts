import { NextResponse } from "next/server";

/** The one shape of an API error: a stable code for programs, a sentence for people. */
export function jsonError(status: number, code: string, message: string) {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "cache-control": "no-store" } });
}

export const unauthorized = () => jsonError(401, "unauthorized", "Sign in to use this API.");
