import { describe, expect, it } from "vitest";
import type { AuditContext } from "@/features/audit/schema";
import { listUsers } from "@/features/users/data";
import { changeUserRole, inviteUser, setPasswordWithToken, setUserDisabled, startPasswordReset } from "@/features/users/mutations";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/tokens";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// A database of its own: "the last admin" is about every row in the users table.
isolatedDatabaseForThisFile("users");

async function createUser(role: "ADMIN" | "ANALYST", options: { hasPassword?: boolean } = {}) {
  const email = `${role.toLowerCase()}-${uniqueSuffix()}@example.test`;
  return db.user.create({ data: { email, name: email, role, passwordHash: options.hasPassword === false ? null : "scrypt$placeholder" }, select: { id: true, email: true } });
}

const as = (user: { id: string; email: string }): AuditContext => ({ actor: { id: user.id, label: user.email }, ipAddress: "192.0.2.10", requestId: "req-1" });

async function sessionVersionOf(id: string) {
  return (await db.user.findUniqueOrThrow({ where: { id }, select: { sessionVersion: true } })).sessionVersion;
}

async function auditActionsFor(targetId: string) {
  return (await db.auditTrail.findMany({ where: { targetId }, orderBy: { at: "asc" }, select: { action: true } })).map((entry) => entry.action);
}

describe("user management", () => {
  it("keeps the last admin who can sign in: no demoting, disabling or resetting them", async () => {
    await db.user.deleteMany();
    const admin = await createUser("ADMIN");
    const analyst = await createUser("ANALYST");
    // An invited admin has no password yet, so it cannot rescue the installation.
    const invitedAdmin = await createUser("ADMIN", { hasPassword: false });

    expect(await changeUserRole(admin.id, "ANALYST", as(admin))).toEqual({ ok: false, reason: "last_admin" });
    expect(await setUserDisabled(admin.id, true, as(invitedAdmin))).toEqual({ ok: false, reason: "last_admin" });
    expect(await startPasswordReset(admin.id, as(invitedAdmin))).toEqual({ ok: false, reason: "last_admin" });
    expect(await setUserDisabled(admin.id, true, as(admin))).toEqual({ ok: false, reason: "self" });
    expect((await db.user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");

    // With a second admin who can sign in, the first may step down.
    expect(await changeUserRole(analyst.id, "ADMIN", as(admin))).toEqual({ ok: true });
    expect(await changeUserRole(admin.id, "ANALYST", as(admin))).toEqual({ ok: true });
    expect(await auditActionsFor(admin.id)).toEqual(["user.role_changed"]);
    const entry = await db.auditTrail.findFirstOrThrow({ where: { targetId: admin.id } });
    expect(entry).toMatchObject({ actorId: admin.id, actorLabel: admin.email, details: { from: "ADMIN", to: "ANALYST" }, ipAddress: "192.0.2.10" });
  });

  it("lets only one of two admins demoting each other at the same moment succeed", async () => {
    await db.user.deleteMany();
    const first = await createUser("ADMIN");
    const second = await createUser("ADMIN");
    const results = await Promise.all([changeUserRole(first.id, "ANALYST", as(second)), changeUserRole(second.id, "ANALYST", as(first))]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: "last_admin" }]);
    expect(await db.user.count({ where: { role: "ADMIN" } })).toBe(1);
  });

  it("invites a user whose single-use link sets their password once", async () => {
    const admin = await createUser("ADMIN");
    const email = `invitee-${uniqueSuffix()}@example.test`;
    const invited = await inviteUser({ email, name: "Invitee", role: "ANALYST" }, as(admin));
    if (!invited.ok) throw new Error(invited.reason);
    expect((await listUsers()).find((user) => user.email === email)?.status).toBe("INVITED");
    expect(await inviteUser({ email, name: "Again", role: "ADMIN" }, as(admin))).toEqual({ ok: false, reason: "email_taken" });
    // Only the hash is stored.
    expect(await db.passwordToken.count({ where: { tokenHash: invited.token } })).toBe(0);

    expect(await setPasswordWithToken(hashToken(invited.token), "scrypt$new", {})).toEqual({ ok: true, email });
    expect(await setPasswordWithToken(hashToken(invited.token), "scrypt$again", {})).toEqual({ ok: false, reason: "used" });
    expect(await setPasswordWithToken(hashToken("not-a-token-we-issued-000"), "scrypt$x", {})).toEqual({ ok: false, reason: "invalid" });
    const user = await db.user.findUniqueOrThrow({ where: { id: invited.userId } });
    expect(user.passwordHash).toBe("scrypt$new");
    expect((await listUsers()).find((entry) => entry.email === email)?.status).toBe("ACTIVE");
    expect(await auditActionsFor(invited.userId)).toEqual(["user.invited", "user.password_set"]);
  });

  it("refuses an expired link and one replaced by a newer link", async () => {
    const admin = await createUser("ADMIN");
    const user = await createUser("ANALYST");
    const first = await startPasswordReset(user.id, as(admin));
    const second = await startPasswordReset(user.id, as(admin));
    if (!first.ok || !second.ok) throw new Error("reset refused");
    expect(await setPasswordWithToken(hashToken(first.token), "scrypt$x", {})).toEqual({ ok: false, reason: "invalid" });
    await db.passwordToken.updateMany({ where: { tokenHash: hashToken(second.token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await setPasswordWithToken(hashToken(second.token), "scrypt$x", {})).toEqual({ ok: false, reason: "expired" });
  });

  it("ends a user's sessions when an admin resets their password or disables them", async () => {
    const admin = await createUser("ADMIN");
    const user = await createUser("ANALYST");
    const before = await sessionVersionOf(user.id);

    const reset = await startPasswordReset(user.id, as(admin));
    expect(reset.ok).toBe(true);
    expect(await sessionVersionOf(user.id)).toBe(before + 1);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash).toBeNull();
    expect((await listUsers()).find((entry) => entry.id === user.id)?.status).toBe("RESET_PENDING");
    expect(await startPasswordReset(admin.id, as(admin))).toEqual({ ok: false, reason: "self" });

    expect(await setUserDisabled(user.id, true, as(admin))).toEqual({ ok: true });
    expect(await sessionVersionOf(user.id)).toBe(before + 2);
    // The pending reset link died with the account.
    if (reset.ok) expect(await setPasswordWithToken(hashToken(reset.token), "scrypt$x", {})).toEqual({ ok: false, reason: "invalid" });
    expect(await setUserDisabled(user.id, true, as(admin))).toEqual({ ok: false, reason: "unchanged" });
    expect(await setUserDisabled(user.id, false, as(admin))).toEqual({ ok: true });
    // Re-enabled without a password or a working link: the list says a new link is needed.
    expect((await listUsers()).find((entry) => entry.id === user.id)?.status).toBe("NO_PASSWORD");
    expect(await auditActionsFor(user.id)).toEqual(["user.password_reset", "user.disabled", "user.enabled"]);
  });
});
