import { NextResponse, type NextRequest } from "next/server";
import { listAuditEntries } from "@/features/audit/data";
import { auditQuerySchema } from "@/features/audit/schema";
import { authorizeRequest } from "@/features/auth/session";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const authorization = await authorizeRequest("audit:read");
  if (!authorization.ok) return authorization.response;
  const query = auditQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid filter");
  return NextResponse.json(await listAuditEntries(query.data), { headers: { "cache-control": "no-store" } });
}
