import { NextResponse, type NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { findSourceLogTypes, listPullHistory } from "@/features/sources/data";
import { pullHistoryQuerySchema, sourceIdSchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = pullHistoryQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid filter");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success || !(await findSourceLogTypes(id.data))) return jsonError(404, "not_found", "No source has this ID; it may have been deleted.");
  return NextResponse.json(await listPullHistory(id.data, query.data), { headers: { "cache-control": "no-store" } });
}
