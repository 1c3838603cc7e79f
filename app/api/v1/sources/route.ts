import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiJson, apiRoute, invalidRequest, readJsonBody, refusalResponse } from "@/features/api/responses";
import { sourceCreateSchema } from "@/features/api/schema";
import { createApiSource } from "@/features/api/sources";
import { listSourcePage } from "@/features/sources/data";
import { sourceListQuerySchema } from "@/features/sources/schema";

export const dynamic = "force-dynamic";

/** The console's sources list: same filters, sort and pages. */
export const GET = apiRoute(async function GET(request: NextRequest) {
  const authentication = await authenticateApiRequest(request, "READ");
  if (!authentication.ok) return authentication.response;
  const query = sourceListQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return invalidRequest(query.error, "invalid_query");
  return apiJson(await listSourcePage(query.data));
});

/** The wizard's first step: a draft source, validated by its form's schema (behind a strict JSON shape). */
export const POST = apiRoute(async function POST(request: NextRequest) {
  const authentication = await authenticateApiRequest(request, "WRITE");
  if (!authentication.ok) return authentication.response;
  const body = await readJsonBody(request, sourceCreateSchema);
  if (!body.ok) return body.response;
  const result = await createApiSource(body.data, authentication.caller.audit);
  if (!result.ok) return refusalResponse(result.refusal);
  const response = apiJson(result.data, 201);
  response.headers.set("location", `/api/v1/sources/${result.data.id}`);
  return response;
});
