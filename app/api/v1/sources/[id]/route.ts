import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiJson, apiRoute, invalidRequest, readJsonBody, refusalResponse, sourceNotFound } from "@/features/api/responses";
import { sourceDeleteQuerySchema, sourcePatchSchema } from "@/features/api/schema";
import { applySourcePatch, loadApiSource } from "@/features/api/sources";
import { findSource } from "@/features/sources/data";
import { deleteSourceEverywhere } from "@/features/sources/deletion";
import { sourceIdSchema } from "@/features/sources/schema";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export const GET = apiRoute(async function GET(request: NextRequest, { params }: Context) {
  const authentication = await authenticateApiRequest(request, "READ");
  if (!authentication.ok) return authentication.response;
  const id = sourceIdSchema.safeParse((await params).id);
  const source = id.success ? await loadApiSource(id.data) : null;
  return source ? apiJson(source) : sourceNotFound();
});

export const PATCH = apiRoute(async function PATCH(request: NextRequest, { params }: Context) {
  const authentication = await authenticateApiRequest(request, "WRITE");
  if (!authentication.ok) return authentication.response;
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success) return sourceNotFound();
  const body = await readJsonBody(request, sourcePatchSchema);
  if (!body.ok) return body.response;
  const result = await applySourcePatch(id.data, body.data, authentication.caller);
  return result.ok ? apiJson(result.data) : refusalResponse(result.refusal);
});

/**
 * Deletes the source as its Settings tab does: schedules removed, Slack token revoked (unless another
 * source uses the same app), secrets erased, events kept or erased as asked.
 */
export const DELETE = apiRoute(async function DELETE(request: NextRequest, { params }: Context) {
  const authentication = await authenticateApiRequest(request, "WRITE");
  if (!authentication.ok) return authentication.response;
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success) return sourceNotFound();
  const query = sourceDeleteQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!query.success) return invalidRequest(query.error, "invalid_query");
  const source = await findSource(id.data);
  if (!source) return sourceNotFound();
  // The console asks for the name typed back; here the ID is the confirmation. The name is still
  // compared under the row lock, so a rename committed meanwhile refuses rather than surprises.
  const result = await deleteSourceEverywhere(id.data, { confirmName: source.name, keepEvents: query.data.keepEvents === "true" }, authentication.caller.audit);
  if (result.ok) return apiJson(result.outcome);
  if (result.reason === "not_found") return sourceNotFound();
  return refusalResponse({ status: 409, code: "wrong_state", message: "The source was renamed while it was being deleted; nothing was deleted. Try again." });
});
