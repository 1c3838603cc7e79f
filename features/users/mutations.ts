import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { PASSWORD_TOKEN_LIFETIME_HOURS } from "@/features/users/schema";
import { db, type DatabaseClient } from "@/lib/db";
import type { PasswordTokenPurpose, Role } from "@/lib/generated/prisma/enums";
import { createOneTimeToken } from "@/lib/tokens";

// Every change here runs in one transaction with its audit entry. Expected refusals are returned
// as values for the console and the CLI to explain; anything else throws.

export type UserChangeRefusal = "not_found" | "email_taken" | "last_admin" | "self" | "unchanged";
export type UserChangeResult<T = object> = ({ ok: true } & T) | { ok: false; reason: UserChangeRefusal };

// Any fixed number works: it only has to be the same for every transaction that can remove an admin.
const ADMIN_SET_LOCK = 74_210_301;

/**
 * Serializes changes that can take away an admin, so two admins demoting each other at the same
 * moment cannot both succeed and leave the installation with none.
 */
async function wouldLeaveNoAdmin(tx: DatabaseClient, userId: string): Promise<boolean> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${ADMIN_SET_LOCK})`;
  // Only admins who can sign in count: a pending invitation cannot rescue a locked-out install.
  const others = await tx.user.count({ where: { role: "ADMIN", disabledAt: null, passwordHash: { not: null }, id: { not: userId } } });
  return others === 0;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "P2002";
}

async function issuePasswordToken(tx: DatabaseClient, userId: string, purpose: PasswordTokenPurpose, createdById: string | null) {
  // A new link replaces any earlier one, so only the latest link sent out works.
  await tx.passwordToken.deleteMany({ where: { userId, usedAt: null } });
  const { token, tokenHash } = createOneTimeToken();
  const expiresAt = new Date(Date.now() + PASSWORD_TOKEN_LIFETIME_HOURS[purpose] * 3600_000);
  await tx.passwordToken.create({ data: { userId, tokenHash, purpose, expiresAt, createdById }, select: { id: true } });
  return { token, expiresAt };
}

/** Creates an account that can sign in at once (the command line's bootstrap path). */
export async function createUserWithPassword(
  input: { email: string; name: string; role: Role; passwordHash: string },
  audit: AuditContext,
): Promise<UserChangeResult<{ userId: string }>> {
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: input, select: { id: true } });
      await recordAudit(audit, { action: "user.created", target: { type: "user", id: user.id, label: input.email }, details: { role: input.role } }, tx);
      return { ok: true as const, userId: user.id };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

/** Creates an account without a password and the single-use link its owner sets one with. */
export async function inviteUser(
  input: { email: string; name: string; role: Role },
  audit: AuditContext,
): Promise<UserChangeResult<{ userId: string; token: string; expiresAt: Date }>> {
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { ...input, passwordHash: null }, select: { id: true } });
      const { token, expiresAt } = await issuePasswordToken(tx, user.id, "INVITE", audit.actor.id);
      await recordAudit(audit, { action: "user.invited", target: { type: "user", id: user.id, label: input.email }, details: { role: input.role } }, tx);
      return { ok: true as const, userId: user.id, token, expiresAt };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, reason: "email_taken" };
    throw error;
  }
}

export async function changeUserRole(userId: string, role: Role, audit: AuditContext): Promise<UserChangeResult> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true } });
    if (!user) return { ok: false, reason: "not_found" };
    if (user.role === role) return { ok: false, reason: "unchanged" };
    if (user.role === "ADMIN" && (await wouldLeaveNoAdmin(tx, userId))) return { ok: false, reason: "last_admin" };
    await tx.user.update({ where: { id: userId }, data: { role }, select: { id: true } });
    await recordAudit(audit, { action: "user.role_changed", target: { type: "user", id: userId, label: user.email }, details: { from: user.role, to: role } }, tx);
    return { ok: true };
  });
}

/** Disabling ends the user's sessions and voids any link they were sent; their history stays. */
export async function setUserDisabled(userId: string, isDisabled: boolean, audit: AuditContext): Promise<UserChangeResult> {
  if (isDisabled && userId === audit.actor.id) return { ok: false, reason: "self" };
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true, disabledAt: true } });
    if (!user) return { ok: false, reason: "not_found" };
    if (Boolean(user.disabledAt) === isDisabled) return { ok: false, reason: "unchanged" };
    if (isDisabled && user.role === "ADMIN" && (await wouldLeaveNoAdmin(tx, userId))) return { ok: false, reason: "last_admin" };
    await tx.user.update({
      where: { id: userId },
      data: isDisabled ? { disabledAt: new Date(), sessionVersion: { increment: 1 } } : { disabledAt: null },
      select: { id: true },
    });
    if (isDisabled) await tx.passwordToken.deleteMany({ where: { userId, usedAt: null } });
    await recordAudit(audit, { action: isDisabled ? "user.disabled" : "user.enabled", target: { type: "user", id: userId, label: user.email } }, tx);
    return { ok: true };
  });
}

/**
 * An admin-initiated reset: the old password stops working and every session ends at once (the
 * usual reason is a suspected compromise), and the user chooses a new password through the link.
 */
export async function startPasswordReset(userId: string, audit: AuditContext): Promise<UserChangeResult<{ token: string; expiresAt: Date; email: string }>> {
  if (userId === audit.actor.id) return { ok: false, reason: "self" };
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true, role: true, disabledAt: true } });
    if (!user || user.disabledAt) return { ok: false, reason: "not_found" };
    if (user.role === "ADMIN" && (await wouldLeaveNoAdmin(tx, userId))) return { ok: false, reason: "last_admin" };
    await tx.user.update({ where: { id: userId }, data: { passwordHash: null, sessionVersion: { increment: 1 } }, select: { id: true } });
    const { token, expiresAt } = await issuePasswordToken(tx, userId, "RESET", audit.actor.id);
    await recordAudit(audit, { action: "user.password_reset", target: { type: "user", id: userId, label: user.email } }, tx);
    return { ok: true as const, token, expiresAt, email: user.email };
  });
}

export type PasswordTokenRefusal = "invalid" | "expired" | "used";

/**
 * Claims the link and sets the password in one transaction. The conditional update is the claim:
 * of two submissions racing with the same link exactly one updates a row.
 */
export async function setPasswordWithToken(
  tokenHash: string,
  passwordHash: string,
  context: Omit<AuditContext, "actor">,
): Promise<{ ok: true; email: string } | { ok: false; reason: PasswordTokenRefusal }> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const token = await tx.passwordToken.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, purpose: true, usedAt: true, expiresAt: true, user: { select: { email: true, disabledAt: true } } },
    });
    if (!token || token.user.disabledAt) return { ok: false, reason: "invalid" };
    if (token.usedAt) return { ok: false, reason: "used" };
    if (token.expiresAt <= now) return { ok: false, reason: "expired" };
    const claimed = await tx.passwordToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count !== 1) return { ok: false, reason: "used" };
    await tx.user.update({ where: { id: token.userId }, data: { passwordHash, sessionVersion: { increment: 1 } }, select: { id: true } });
    await recordAudit(
      { ...context, actor: { id: token.userId, label: token.user.email } },
      { action: "user.password_set", target: { type: "user", id: token.userId, label: token.user.email }, details: { via: token.purpose === "INVITE" ? "invitation" : "reset link" } },
      tx,
    );
    return { ok: true, email: token.user.email };
  });
}

/** The command line's recovery path: sets a password directly and ends the user's sessions. */
export async function setPasswordByEmail(email: string, passwordHash: string, audit: AuditContext): Promise<UserChangeResult<{ isDisabled: boolean }>> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, disabledAt: true } });
    if (!user) return { ok: false, reason: "not_found" };
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, sessionVersion: { increment: 1 } }, select: { id: true } });
    await tx.passwordToken.deleteMany({ where: { userId: user.id, usedAt: null } });
    await recordAudit(audit, { action: "user.password_set", target: { type: "user", id: user.id, label: email }, details: { via: audit.actor.label } }, tx);
    return { ok: true as const, isDisabled: Boolean(user.disabledAt) };
  });
}
