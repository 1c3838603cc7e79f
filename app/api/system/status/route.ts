import { NextResponse } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { getSystemStatus } from "@/features/system/data";
import { requestLogger } from "@/lib/web-logger";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const status = await getSystemStatus();
  requestLogger(request.headers).debug({ userId: authorization.user.id, worker: status.worker.state }, "system status read");
  return NextResponse.json(status, { headers: { "cache-control": "no-store" } });
}
