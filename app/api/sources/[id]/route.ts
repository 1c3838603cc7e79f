import { NextResponse } from "next/server";
import { authorizeRequest } from "@/features/auth/session";
import { loadSourceSummary } from "@/features/sources/data";
import { sourceIdSchema } from "@/features/sources/schema";
import { jsonError } from "@/lib/http";

export const dynamic = "force-dynamic";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const authorization = await authorizeRequest("console:read");
  if (!authorization.ok) return authorization.response;
  const id = sourceIdSchema.safeParse((await params).id);
  const summary = id.success ? await loadSourceSummary(id.data) : null;
  if (!summary) return jsonError(404, "not_found", "No source has this ID; it may have been deleted.");
  return NextResponse.json(summary, { headers: { "cache-control": "no-store" } });
}
