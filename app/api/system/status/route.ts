import { NextResponse } from "next/server";
import { getCurrentUser } from "@/features/auth/session";
import { getSystemStatus } from "@/features/system/data";
import { unauthorized } from "@/lib/http";
import { requestLogger } from "@/lib/web-logger";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const user = await getCurrentUser();
  if (!user) return unauthorized();
  const status = await getSystemStatus();
  requestLogger(request.headers).debug({ userId: user.id, worker: status.worker.state }, "system status read");
  return NextResponse.json(status, { headers: { "cache-control": "no-store" } });
}
