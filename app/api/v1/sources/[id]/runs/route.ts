import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiJson, apiRoute, invalidRequest, sourceNotFound } from "@/features/api/responses";
import { findSourceLogTypes, listPullHistory } from "@/features/sources/data";
import { pullHistoryQuerySchema, sourceIdSchema } from "@/features/sources/schema";

export const dynamic = "force-dynamic";

/** The source's pull history, newest first, paged and filtered like its Pull history tab. */
export const GET = apiRoute(async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authentication = await authenticateApiRequest(request, "READ");
  if (!authentication.ok) return authentication.response;
  const query = pullHistoryQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return invalidRequest(query.error, "invalid_query");
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success || !(await findSourceLogTypes(id.data))) return sourceNotFound();
  return apiJson(await listPullHistory(id.data, query.data));
});
