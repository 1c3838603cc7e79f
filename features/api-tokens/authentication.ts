import type { NextResponse } from "next/server";
import { findApiTokenByHash } from "@/features/api-tokens/data";
import { touchApiToken } from "@/features/api-tokens/mutations";
import { API_TOKEN_PATTERN, type ApiTokenScope } from "@/features/api-tokens/schema";
import type { AuditContext } from "@/features/audit/schema";
import { can, type Permission } from "@/features/auth/permissions";
import type { CurrentUser } from "@/features/auth/session";
import { apiError } from "@/features/api/responses";
import { requestOrigin } from "@/lib/http";
import { hashToken } from "@/lib/tokens";

// Bearer authentication of /api/v1. Only the Authorization header counts: a session cookie is never
// read here, so a page in an admin's browser cannot call the API on their behalf (no CSRF), and a
// token is never confused with a session.
//
// A token acts for the admin who created it, with at most that person's current role: READ needs
// console:read, WRITE sources:manage. A creator who is disabled takes their tokens down with them
// (401), and one demoted to analyst keeps read access only (403 on writes). Every check reads
// Postgres, so a revocation applies to the very next request.

export type ApiCaller = {
  tokenId: string;
  user: CurrentUser;
  /** The token as the actor of what it changes: "API token deploy-bot (by ops@example.com)". */
  audit: AuditContext;
};

export type ApiAuthentication = { ok: true; caller: ApiCaller } | { ok: false; response: NextResponse };

const REALM = 'Bearer realm="tributary"';
const SCOPE_PERMISSION: Record<ApiTokenScope, Permission> = { READ: "console:read", WRITE: "sources:manage" };

// RFC 6750 §3: a 401 names the scheme, and says invalid_token when a token was sent but is not good.
function unauthenticated(message: string, isTokenSent: boolean) {
  const challenge = isTokenSent ? `${REALM}, error="invalid_token"` : REALM;
  return apiError(401, isTokenSent ? "invalid_token" : "unauthorized", message, { headers: { "www-authenticate": challenge } });
}

export async function authenticateApiRequest(request: Request, needed: ApiTokenScope, now = new Date()): Promise<ApiAuthentication> {
  const header = request.headers.get("authorization");
  if (!header) return { ok: false, response: unauthenticated("Send an API token: Authorization: Bearer trb_… (Settings → API tokens).", false) };
  const [scheme, token, ...rest] = header.trim().split(/\s+/);
  if (scheme?.toLowerCase() !== "bearer" || !token || rest.length > 0 || !API_TOKEN_PATTERN.test(token)) {
    return { ok: false, response: unauthenticated("The Authorization header is not a Tributary API token (Bearer trb_…).", true) };
  }
  // Looked up by its SHA-256, so the token itself is never stored or compared as plain text.
  const stored = await findApiTokenByHash(hashToken(token));
  if (!stored) return { ok: false, response: unauthenticated("This API token is not valid.", true) };
  if (stored.revokedAt) return { ok: false, response: unauthenticated("This API token was revoked.", true) };
  if (stored.expiresAt && stored.expiresAt <= now) return { ok: false, response: unauthenticated("This API token has expired.", true) };
  if (stored.createdBy.disabledAt) return { ok: false, response: unauthenticated("The account that created this API token is disabled.", true) };

  if (needed === "WRITE" && stored.scope !== "WRITE") {
    const response = apiError(403, "insufficient_scope", "This API token can only read. Create a read and write token for changes.", {
      headers: { "www-authenticate": `${REALM}, error="insufficient_scope", scope="write"` },
    });
    return { ok: false, response };
  }
  const { createdBy } = stored;
  if (!can(createdBy, SCOPE_PERMISSION[needed])) {
    return { ok: false, response: apiError(403, "forbidden", "The role of the account that created this API token no longer allows this.") };
  }
  await touchApiToken(stored.id, now);
  const user: CurrentUser = { id: createdBy.id, email: createdBy.email, name: createdBy.name, role: createdBy.role };
  const audit: AuditContext = { ...requestOrigin(request.headers), actor: { id: createdBy.id, label: `API token ${stored.name} (by ${createdBy.email})` } };
  return { ok: true, caller: { tokenId: stored.id, user, audit } };
}
