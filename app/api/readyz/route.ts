import { NextResponse } from "next/server";
import { getEnv } from "@/lib/env";
import { createReadinessProbe, type Readiness } from "@/lib/readiness";
import { webLogger } from "@/lib/web-logger";

export const dynamic = "force-dynamic";

let probe: (() => Promise<Readiness>) | undefined;

/**
 * Readiness, public like /api/healthz because load balancers and orchestrators call it without a
 * session: 200 when Postgres and Redis answer and every migration is applied, else 503. It says
 * which check failed, never why (the reasons name hosts); the server's log has the reasons.
 */
export async function GET() {
  probe ??= createReadinessProbe(getEnv());
  const { isReady, checks, problems } = await probe();
  if (!isReady) webLogger.warn({ checks, problems }, "not ready");
  return NextResponse.json({ status: isReady ? "ready" : "not_ready", checks }, { status: isReady ? 200 : 503, headers: { "cache-control": "no-store" } });
}
