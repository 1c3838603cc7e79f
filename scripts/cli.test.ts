import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readSecret } from "@/features/secrets/data";
import { storeSecret } from "@/features/secrets/mutations";
import { envelopeKeyId, type EncryptionKey } from "@/lib/crypto";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/password";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { testEnvironment } from "@/scripts/lib/test-env";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// The command line as an operator runs it: a real process, stdin piped, a database of its own (key
// counts cover every stored secret).
const database = isolatedDatabaseForThisFile("cli");

function tributary(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, ["bin/tributary.js", ...args], {
    input: options.input ?? "",
    env: { ...process.env, ...testEnvironment(), DATABASE_URL: database.url, ...options.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const keyEntry = (key: EncryptionKey) => `${key.id}:${key.key.toString("base64")}`;

describe("npx tributary user", () => {
  it("creates the first admin from a piped password, who can then sign in", async () => {
    const email = `First.Admin-${uniqueSuffix()}@Example.test`;
    const password = "correct horse battery staple";
    const result = tributary(["user", "create", "--email", email, "--role", "admin"], { input: `${password}\n` });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Created admin account ${email.toLowerCase()}`);
    expect(result.stdout + result.stderr).not.toContain(password);

    const user = await db.user.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
    expect(user.role).toBe("ADMIN");
    expect(await verifyPassword(password, user.passwordHash!)).toBe(true);
    const audit = await db.auditTrail.findFirstOrThrow({ where: { targetId: user.id } });
    expect(audit).toMatchObject({ action: "user.created", actorId: null });
    expect(audit.actorLabel).toMatch(/^command line \(/);

    const again = tributary(["user", "create", "--email", email, "--role", "analyst"], { input: `${password}\n` });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("explains bad input without creating anything", async () => {
    const email = `bad-${uniqueSuffix()}@example.test`;
    const cases = [
      { args: ["user", "create", "--email", email, "--role", "owner"], input: "long enough password\n", message: "--role: must be admin or analyst" },
      { args: ["user", "create", "--email", "not-an-email", "--role", "admin"], input: "long enough password\n", message: "--email: Enter a valid email address" },
      { args: ["user", "create", "--email", email, "--role", "admin"], input: "short\n", message: "password: Use at least 12 characters" },
      { args: ["user", "create", "--email", email, "--role", "admin"], input: "", message: "password: no password on standard input" },
      { args: ["user", "create", "--email", email, "--role", "admin"], input: "first line\nsecond line\n", message: "password: standard input must hold only the password" },
      { args: ["user", "create", "--email", email], input: "", message: "needs --email and --role" },
      { args: ["user", "create", "--email", email, "--role", "admin", "--force"], input: "", message: "Unknown option '--force'" },
      { args: ["users", "list"], input: "", message: 'unknown command "users list"' },
    ];
    for (const { args, input, message } of cases) {
      const result = tributary(args, { input });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(message);
    }
    expect(await db.user.count({ where: { email } })).toBe(0);
  });

  it("sets a forgotten password and ends the user's sessions", async () => {
    const email = `forgot-${uniqueSuffix()}@example.test`;
    expect(tributary(["user", "create", "--email", email, "--role", "analyst"], { input: "first password 123\n" }).code).toBe(0);
    const before = await db.user.findUniqueOrThrow({ where: { email } });
    const result = tributary(["user", "set-password", "--email", email], { input: "second password 456\n" });
    expect(result.code).toBe(0);
    const after = await db.user.findUniqueOrThrow({ where: { email } });
    expect(await verifyPassword("second password 456", after.passwordHash!)).toBe(true);
    expect(after.sessionVersion).toBe(before.sessionVersion + 1);
    expect(tributary(["user", "set-password", "--email", `nobody-${uniqueSuffix()}@example.test`], { input: "second password 456\n" }).code).toBe(1);
  });
});

describe("npx tributary keys", () => {
  it("re-encrypts every secret under the new key, in batches, and is a no-op the second time", async () => {
    const oldKey: EncryptionKey = { id: "old2025", key: randomBytes(32) };
    const newKey: EncryptionKey = { id: "new2026", key: randomBytes(32) };
    const values = Array.from({ length: 7 }, (_, index) => `xoxp-token-${index}-${uniqueSuffix()}`);
    const addresses = values.map((_, index) => ({ ownerType: "source", ownerId: `src_${index}_${uniqueSuffix()}`, field: "slack.access_token" }));
    for (const [index, value] of values.entries()) await storeSecret(addresses[index]!, value, db, [oldKey]);
    const tampered = { ownerType: "source", ownerId: `src_damaged_${uniqueSuffix()}`, field: "slack.client_secret" };
    await storeSecret(tampered, "will be damaged", db, [oldKey]);
    const row = await db.secret.findUniqueOrThrow({ where: { ownerType_ownerId_field: tampered } });
    const parts = row.ciphertext.split(".");
    parts[3] = `${parts[3]!.startsWith("A") ? "B" : "A"}${parts[3]!.slice(1)}`;
    await db.secret.update({ where: { id: row.id }, data: { ciphertext: parts.join(".") } });

    const env = { ENCRYPTION_KEYS: `${keyEntry(newKey)},${keyEntry(oldKey)}` };
    const status = tributary(["keys", "status"], { env });
    expect(status.stdout).toMatch(/old2025\s+8 secrets\s+old: run keys rotate/);

    const first = tributary(["keys", "rotate", "--batch-size", "3"], { env });
    expect(first.stdout).toContain("Re-encrypted 7 secrets under key new2026.");
    expect(first.stderr).toContain(`could not re-encrypt slack.client_secret of source ${tampered.ownerId} (key old2025): authentication failed`);
    expect(first.code).toBe(1);
    for (const value of values) expect(first.stdout + first.stderr).not.toContain(value);

    for (const [index, address] of addresses.entries()) {
      const stored = await db.secret.findUniqueOrThrow({ where: { ownerType_ownerId_field: address } });
      expect(stored.keyId).toBe("new2026");
      expect(envelopeKeyId(stored.ciphertext)).toBe("new2026");
      // Readable with the new key alone: the old one can now be removed.
      expect(await readSecret(address, db, [newKey])).toBe(values[index]);
    }

    await db.secret.delete({ where: { id: row.id } });
    const second = tributary(["keys", "rotate"], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Re-encrypted 0 secrets under key new2026.");
    const rotations = await db.auditTrail.findMany({ where: { action: "secrets.rotated" }, orderBy: { at: "asc" }, select: { details: true } });
    expect(rotations.map((entry) => entry.details)).toEqual([
      { rotated: 7, skipped: 0, failed: 1 },
      { rotated: 0, skipped: 0, failed: 0 },
    ]);
  });

  it("reports secrets sealed by a key that is no longer configured", async () => {
    const gone: EncryptionKey = { id: "retired", key: randomBytes(32) };
    await storeSecret({ ownerType: "source", ownerId: `src_${uniqueSuffix()}`, field: "slack.client_secret" }, "orphan", db, [gone]);
    const result = tributary(["keys", "status"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/retired\s+1 secret\s+NOT CONFIGURED/);
  });
});
