"use server";

import { createApiToken, revokeApiToken } from "@/features/api-tokens/mutations";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/features/api-tokens/schema";
import { authorizeAction } from "@/features/auth/session";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";

// Settings → API tokens (admins only): authenticate → parse → authorize → mutate. The list is read
// through /api/api-tokens, which the page refetches.

/** The token comes back this once, for the admin to copy; Tributary keeps only its hash. */
export async function createApiTokenAction(input: unknown): Promise<ActionResult<{ tokenId: string; token: string; prefix: string; expiresAt: string | null }>> {
  const authorization = await authorizeAction("api-tokens:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = createApiTokenSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const created = await createApiToken(parsed.data, authorization.user.id, authorization.audit);
  return actionSuccess({ tokenId: created.id, token: created.token, prefix: created.prefix, expiresAt: created.expiresAt?.toISOString() ?? null });
}

export async function revokeApiTokenAction(input: unknown): Promise<ActionResult> {
  const authorization = await authorizeAction("api-tokens:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = revokeApiTokenSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await revokeApiToken(parsed.data.tokenId, authorization.audit);
  if (result.ok) return actionSuccess(null);
  return { ok: false, error: actionError(result.reason, result.reason === "not_found" ? "This token no longer exists. Reload the page." : "This token was already revoked.") };
}
