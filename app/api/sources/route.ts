import { NextResponse, type NextRequest } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { listSourcePage } from "@/features/sources/data";
import { sourceListQuerySchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const query = sourceListQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return jsonError(400, "invalid_query", query.error.issues[0]?.message ?? "Invalid filter");
  return NextResponse.json(await listSourcePage(query.data), { headers: { "cache-control": "no-store" } });
}
