import { db } from "@/lib/db";

export async function recordSignIn(userId: string, at = new Date()) {
  await db.user.update({ where: { id: userId }, data: { lastSignInAt: at }, select: { id: true } });
}

/**
 * Invalidates every session token the user holds. Used on sign-out: a JWT copied before sign-out
 * (from a shared machine, a proxy log) must stop working too, so sign-out signs out everywhere.
 */
export async function endSessions(userId: string) {
  await db.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
