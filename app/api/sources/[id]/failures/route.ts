import { NextResponse, type NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { findSourceLogTypes, listClassificationFailures } from "@/features/sources/data";
import { cursorQuerySchema, sourceIdSchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";
import { decodeKeysetCursor } from "@/lib/keyset-cursor";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = cursorQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid page");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success || !(await findSourceLogTypes(id.data))) return jsonError(404, "not_found", "No source has this ID; it may have been deleted.");
  const cursor = query.data.cursor ? decodeKeysetCursor(query.data.cursor) : null;
  return NextResponse.json(await listClassificationFailures(id.data, cursor), { headers: { "cache-control": "no-store" } });
}
