import type { UserListItem, UserStatus } from "@/features/users/schema";
import { db } from "@/lib/db";

function statusOf(user: { disabledAt: Date | null; passwordHash: string | null; passwordTokens: { purpose: "INVITE" | "RESET" }[] }): UserStatus {
  if (user.disabledAt) return "DISABLED";
  if (user.passwordHash) return "ACTIVE";
  // Only a link that still works counts: an expired or revoked one needs a new link.
  const [link] = user.passwordTokens;
  if (!link) return "NO_PASSWORD";
  return link.purpose === "RESET" ? "RESET_PENDING" : "INVITED";
}

export async function listUsers(now = new Date()): Promise<UserListItem[]> {
  const users = await db.user.findMany({
    orderBy: [{ disabledAt: { sort: "asc", nulls: "first" } }, { email: "asc" }],
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      passwordHash: true,
      lastSignInAt: true,
      createdAt: true,
      passwordTokens: { where: { usedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" }, take: 1, select: { purpose: true } },
    },
  });
  return users.map((user) => ({
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: statusOf(user),
    lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
  }));
}

export type PasswordTokenState = { state: "valid"; purpose: "INVITE" | "RESET"; email: string; name: string } | { state: "invalid" | "expired" | "used" };

/** What the set-password page shows for a link, without consuming it. */
export async function findPasswordToken(tokenHash: string, now = new Date()): Promise<PasswordTokenState> {
  const token = await db.passwordToken.findUnique({
    where: { tokenHash },
    select: { purpose: true, expiresAt: true, usedAt: true, user: { select: { email: true, name: true, disabledAt: true } } },
  });
  if (!token || token.user.disabledAt) return { state: "invalid" };
  if (token.usedAt) return { state: "used" };
  if (token.expiresAt <= now) return { state: "expired" };
  return { state: "valid", purpose: token.purpose, email: token.user.email, name: token.user.name };
}

export async function isEmailTaken(email: string): Promise<boolean> {
  return (await db.user.count({ where: { email } })) > 0;
}
