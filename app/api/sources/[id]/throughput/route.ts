import { NextResponse, type NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { findSourceLogTypes, loadThroughput } from "@/features/sources/data";
import { sourceIdSchema, throughputQuerySchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = throughputQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid range");
  const id = sourceIdSchema.safeParse((await params).id);
  const logTypes = id.success ? await findSourceLogTypes(id.data) : null;
  if (!id.success || !logTypes) return jsonError(404, "not_found", "No source has this ID; it may have been deleted.");
  return NextResponse.json(await loadThroughput(id.data, logTypes, query.data.range), { headers: { "cache-control": "no-store" } });
}
