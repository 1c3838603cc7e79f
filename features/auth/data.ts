import { db } from "@/lib/db";

export async function findUserForSignIn(email: string) {
  return db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, role: true, passwordHash: true, disabledAt: true, sessionVersion: true },
  });
}

/** The signed-in user as the console shows them; null when the account is gone or disabled. */
export async function findActiveUser(id: string) {
  return db.user.findFirst({
    where: { id, disabledAt: null },
    select: { id: true, email: true, name: true, role: true, sessionVersion: true },
  });
}
