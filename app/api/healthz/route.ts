import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/** Liveness only, deliberately public and without detail: the process answers HTTP. */
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
