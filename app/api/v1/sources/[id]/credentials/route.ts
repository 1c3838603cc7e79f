import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiJson, apiRoute, readJsonBody, refusalResponse, sourceNotFound } from "@/features/api/responses";
import { sourceCredentialsSchema } from "@/features/api/schema";
import { setSourceCredentials } from "@/features/api/sources";
import { sourceIdSchema } from "@/features/sources/schema";

export const dynamic = "force-dynamic";

/** The Slack app's client ID and secret. The secret is stored encrypted and never returned. */
export const PUT = apiRoute(async function PUT(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authentication = await authenticateApiRequest(request, "WRITE");
  if (!authentication.ok) return authentication.response;
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success) return sourceNotFound();
  const body = await readJsonBody(request, sourceCredentialsSchema);
  if (!body.ok) return body.response;
  const result = await setSourceCredentials(id.data, body.data, authentication.caller.audit);
  return result.ok ? apiJson(result.data) : refusalResponse(result.refusal);
});
