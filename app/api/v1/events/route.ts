import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiJson, apiRoute, invalidRequest } from "@/features/api/responses";
import { searchEvents } from "@/features/events/data";
import { eventQuerySchema } from "@/features/events/schema";

export const dynamic = "force-dynamic";

/** The event explorer's query: same filters, indicator search and keyset cursor (`nextCursor`). */
export const GET = apiRoute(async function GET(request: NextRequest) {
  const authentication = await authenticateApiRequest(request, "READ");
  if (!authentication.ok) return authentication.response;
  const query = eventQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return invalidRequest(query.error, "invalid_query");
  return apiJson(await searchEvents(query.data));
});
