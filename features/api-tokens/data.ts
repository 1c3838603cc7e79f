import type { ApiTokenListItem, ApiTokenStatus } from "@/features/api-tokens/schema";
import { db } from "@/lib/db";

// Reads of API tokens. The hash is selected only to authenticate a request; no list carries it.

// The same order of checks as a request meets (features/api-tokens/authentication.ts).
function statusOf(token: { revokedAt: Date | null; expiresAt: Date | null; createdBy: { disabledAt: Date | null } }, now: Date): ApiTokenStatus {
  if (token.revokedAt) return "REVOKED";
  if (token.expiresAt && token.expiresAt <= now) return "EXPIRED";
  if (token.createdBy.disabledAt) return "CREATOR_DISABLED";
  return "ACTIVE";
}

/** Every token, newest first, revoked ones included: the list is also their history. */
export async function listApiTokens(now = new Date()): Promise<ApiTokenListItem[]> {
  const tokens = await db.apiToken.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: {
      id: true,
      name: true,
      scope: true,
      prefix: true,
      createdAt: true,
      lastUsedAt: true,
      expiresAt: true,
      revokedAt: true,
      createdBy: { select: { email: true, disabledAt: true } },
    },
  });
  return tokens.map((token) => ({
    id: token.id,
    name: token.name,
    scope: token.scope,
    prefix: token.prefix,
    createdBy: token.createdBy.email,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    status: statusOf(token, now),
  }));
}

/** The token with this hash and its creator as they are now, for authenticating one request. */
export async function findApiTokenByHash(tokenHash: string) {
  return db.apiToken.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      name: true,
      scope: true,
      expiresAt: true,
      revokedAt: true,
      lastUsedAt: true,
      createdBy: { select: { id: true, email: true, name: true, role: true, disabledAt: true } },
    },
  });
}
export type StoredApiToken = NonNullable<Awaited<ReturnType<typeof findApiTokenByHash>>>;
