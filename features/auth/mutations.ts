import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

export async function recordSignIn(userId: string, at = new Date()) {
  await db.user.update({ where: { id: userId }, data: { lastSignInAt: at }, select: { id: true } });
}

/** Creates the account, or leaves an existing one untouched; says which. */
export async function createUserIfMissing(input: { email: string; name: string; role: Role; passwordHash: string }) {
  try {
    const user = await db.user.create({ data: input, select: { id: true } });
    return { created: true as const, id: user.id };
  } catch (error) {
    if ((error as { code?: string }).code !== "P2002") throw error;
    const existing = await db.user.findUniqueOrThrow({ where: { email: input.email }, select: { id: true } });
    return { created: false as const, id: existing.id };
  }
}

export async function setUserPassword(userId: string, passwordHash: string) {
  await db.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true } });
}
