import { timingSafeEqual } from "node:crypto";
import { NextResponse, type NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { scrapeWebMetrics } from "@/features/system/metrics";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

function hasMetricsToken(request: NextRequest): boolean | null {
  const header = request.headers.get("authorization");
  if (!header?.startsWith("Bearer ")) return null;
  const expected = getEnv().METRICS_TOKEN;
  if (!expected) return false;
  const given = Buffer.from(header.slice("Bearer ".length));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Prometheus' text format for a scraper holding METRICS_TOKEN, or for a signed-in admin. */
export async function GET(request: NextRequest) {
  const token = hasMetricsToken(request);
  if (token === false) return NextResponse.json({ error: { code: "unauthorized", message: "The bearer token is not this server's METRICS_TOKEN." } }, { status: 401 });
  if (token === null) {
    const authorization = await authorizeRequest("metrics:read");
    if (!authorization.ok) return authorization.response;
  }
  const { contentType, text } = await scrapeWebMetrics();
  return new NextResponse(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
