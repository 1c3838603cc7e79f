import { z } from "zod";
import type { AuditContext } from "@/features/audit/schema";
import { emailSchema } from "@/features/auth/schema";
import { createUserWithPassword, setPasswordByEmail } from "@/features/users/mutations";
import { disconnectDatabase } from "@/lib/db";
import { loadEnvFiles } from "@/lib/env";
import { generatePassword, hashPassword } from "@/lib/password";
import { PASSWORD_MIN_LENGTH } from "@/lib/password-policy";

const seedEnvSchema = z.object({
  DEMO_ADMIN_EMAIL: emailSchema.default("admin@tributary.local"),
  DEMO_ADMIN_PASSWORD: z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).optional(),
});

const SEED_AUDIT: AuditContext = { actor: { id: null, label: "demo seed" } };

export type SeededAdmin = { email: string; password: string | null; created: boolean };

/**
 * Ensures the demo's admin account exists. A generated password is returned only when the account is
 * created (so it can be printed exactly once); a password given in DEMO_ADMIN_PASSWORD is applied on
 * every run, so the environment stays the source of truth.
 */
export async function seedAdmin(source: Record<string, string | undefined> = process.env): Promise<SeededAdmin> {
  const parsed = seedEnvSchema.safeParse(Object.fromEntries(Object.entries(source).filter(([, value]) => value)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const { DEMO_ADMIN_EMAIL: email, DEMO_ADMIN_PASSWORD: configuredPassword } = parsed.data;
  const password = configuredPassword ?? generatePassword();
  const result = await createUserWithPassword({ email, name: "Demo Admin", role: "ADMIN", passwordHash: await hashPassword(password) }, SEED_AUDIT);
  if (result.ok) return { email, password: configuredPassword ? null : password, created: true };
  if (result.reason !== "email_taken") throw new Error(`could not create ${email}: ${result.reason}`);
  if (configuredPassword) await setPasswordByEmail(email, await hashPassword(configuredPassword), SEED_AUDIT);
  return { email, password: null, created: false };
}

export function describeSeededAdmin(admin: SeededAdmin): string {
  if (admin.password) return `Admin account created: ${admin.email} / ${admin.password}  (shown once; keep it somewhere safe)`;
  if (admin.created) return `Admin account created: ${admin.email} (password from DEMO_ADMIN_PASSWORD)`;
  return `Admin account ${admin.email} already exists; its password is unchanged unless DEMO_ADMIN_PASSWORD is set.`;
}

// Run directly (npm run db:seed), not when imported by the demo launcher.
if (process.argv[1] && /prisma[\\/]seed\.ts$/.test(process.argv[1])) {
  loadEnvFiles();
  seedAdmin()
    .then((admin) => console.log(describeSeededAdmin(admin)))
    .catch((error: unknown) => {
      console.error(`db:seed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    })
    .finally(() => void disconnectDatabase());
}
