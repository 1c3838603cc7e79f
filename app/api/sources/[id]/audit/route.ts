import { NextResponse, type NextRequest } from "next/server";
import { listSourceAuditEntries } from "@/features/audit/data";
import { can } from "@/features/auth/permissions";
import { authorizeRequest } from "@/features/auth/session";
import { cursorQuerySchema, sourceIdSchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";
import { decodeKeysetCursor } from "@/lib/keyset-cursor";

export const dynamic = "force-dynamic";

// A source's own history is part of reading the source, so analysts see it too; the addresses
// changes came from stay with the full audit trail, which is for admins.
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = cursorQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid page");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success) return jsonError(404, "not_found", "No source has this ID.");
  const cursor = query.data.cursor ? decodeKeysetCursor(query.data.cursor) : null;
  const page = await listSourceAuditEntries(id.data, cursor);
  const isAdmin = can(authorization.user, "audit:read");
  return NextResponse.json({ ...page, entries: page.entries.map((entry) => ({ ...entry, ipAddress: isAdmin ? entry.ipAddress : null })) }, { headers: { "cache-control": "no-store" } });
}
