import type { NextRequest } from "next/server";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { apiError, apiJson, apiRoute, sourceNotFound } from "@/features/api/responses";
import { sourceIdSchema } from "@/features/sources/schema";
import { GRANT_STATE_LIFETIME_SECONDS } from "@/features/wizard/schema";
import { startGrant } from "@/features/wizard/steps";

export const dynamic = "force-dynamic";

/**
 * The one step an API cannot take: a person must approve the install on Slack's page. This starts
 * Grant Access as the wizard does and returns the URL to open. Its state is bound to the token's
 * creator, so the callback completes it only in a browser signed in to Tributary as that person.
 */
export const POST = apiRoute(async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const authentication = await authenticateApiRequest(request, "WRITE");
  if (!authentication.ok) return authentication.response;
  const id = sourceIdSchema.safeParse((await params).id);
  if (!id.success) return sourceNotFound();
  const { caller } = authentication;
  const startedAt = Date.now();
  const result = await startGrant(id.data, caller.user.id, caller.audit);
  if (result.ok) return apiJson({ url: result.url, expiresAt: new Date(startedAt + GRANT_STATE_LIFETIME_SECONDS * 1000).toISOString() });
  if (result.reason === "not_found") return sourceNotFound();
  return apiError(409, "credentials_missing", "Save the Slack app's client ID and secret first: PUT /api/v1/sources/{id}/credentials.");
});
