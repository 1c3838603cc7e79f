import { randomBytes } from "node:crypto";
import { API_TOKEN_DISPLAY_LENGTH, API_TOKEN_PREFIX, type CreateApiTokenInput } from "@/features/api-tokens/schema";
import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/tokens";

// Creating and revoking API tokens, each in one transaction with its audit entry. The token itself
// leaves this module once, in createApiToken's result, for the admin to copy; only its hash stays.

/** lastUsedAt is for people ("used 3 minutes ago"): one write a minute per token is plenty. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const target = (token: { id: string; name: string }) => ({ type: "api_token", id: token.id, label: token.name });

export async function createApiToken(
  input: CreateApiTokenInput,
  creatorId: string,
  audit: AuditContext,
  now = new Date(),
): Promise<{ id: string; token: string; prefix: string; expiresAt: Date | null }> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const prefix = token.slice(0, API_TOKEN_DISPLAY_LENGTH);
  const expiresAt = input.expiresInDays === null ? null : new Date(now.getTime() + input.expiresInDays * 24 * 3600_000);
  return db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { name: input.name, scope: input.scope, tokenHash: hashToken(token), prefix, createdById: creatorId, createdAt: now, expiresAt },
      select: { id: true, name: true },
    });
    await recordAudit(audit, { action: "api_token.created", target: target(created), details: { scope: input.scope, prefix, expiresAt: expiresAt?.toISOString() ?? null } }, tx);
    return { id: created.id, token, prefix, expiresAt };
  });
}

export type ApiTokenRevocation = { ok: true } | { ok: false; reason: "not_found" | "already_revoked" };

/** Takes effect at the next request: every request reads the token's row (features/api-tokens/authentication.ts). */
export async function revokeApiToken(tokenId: string, audit: AuditContext, now = new Date()): Promise<ApiTokenRevocation> {
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id: tokenId }, select: { id: true, name: true, prefix: true, revokedAt: true } });
    if (!token) return { ok: false as const, reason: "not_found" as const };
    // Conditional, so two admins revoking at once record one revocation.
    const revoked = await tx.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: now } });
    if (revoked.count === 0) return { ok: false as const, reason: "already_revoked" as const };
    await recordAudit(audit, { action: "api_token.revoked", target: target(token), details: { prefix: token.prefix } }, tx);
    return { ok: true as const };
  });
}

/** Records a use, unless one was recorded within the last minute: a busy script must not write a row per call. */
export async function touchApiToken(tokenId: string, now = new Date()): Promise<void> {
  await db.apiToken.updateMany({
    where: { id: tokenId, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
    data: { lastUsedAt: now },
  });
}
