import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { recordAudit } from "@/features/audit/mutations";
import { CLI_ACTOR, type AuditContext } from "@/features/audit/schema";
import { emailSchema } from "@/features/auth/schema";
import { countSecretsByKey } from "@/features/secrets/data";
import { rotateSecrets } from "@/features/secrets/mutations";
import { isEmailTaken } from "@/features/users/data";
import { createUserWithPassword, setPasswordByEmail } from "@/features/users/mutations";
import { newPasswordSchema, roleSchema, userNameSchema } from "@/features/users/schema";
import { disconnectDatabase } from "@/lib/db";
import { ConfigError, getEnv, loadEnvFiles } from "@/lib/env";
import { hashPassword } from "@/lib/password";
import { readPassword } from "@/scripts/lib/prompt";

const USAGE = `Usage: npx tributary <command> [options]

Commands:
  user create --email <email> --role <admin|analyst> [--name <name>]
      Creates an account that can sign in at once, e.g. the first admin of a new install.
      The password is read from standard input when it is piped, otherwise asked for twice.
  user set-password --email <email>
      Sets a user's password (recovery when no admin can sign in) and ends their sessions.
  keys status
      Counts the stored secrets sealed by each encryption key.
  keys rotate [--batch-size <n>]
      Re-encrypts every stored secret under the current key (the first in ENCRYPTION_KEYS).
      Safe to interrupt and run again. Remove an old key only after this reports nothing left.
  help
      Shows this text.
`;

/** A mistake in how the command was called: reported with the usage, exit code 2. */
class UsageError extends Error {}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "invalid value";
}

function parse<T>(schema: z.ZodType<T>, value: unknown, option: string, message?: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${option}: ${message ?? firstIssue(result.error)}`);
  return result.data;
}

function cliAudit(): AuditContext {
  // Which operating-system account ran it, since the command line has no Tributary user.
  let osUser = "unknown";
  try {
    osUser = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  return { actor: { ...CLI_ACTOR, label: `${CLI_ACTOR.label} (${osUser})` } };
}

async function askPassword(): Promise<string> {
  const password = await readPassword("Password: ", { confirmPrompt: "Repeat the password: " }).catch((error: unknown) => {
    throw new UsageError(`password: ${error instanceof Error ? error.message : String(error)}`);
  });
  const result = newPasswordSchema.safeParse(password);
  if (!result.success) throw new UsageError(`password: ${firstIssue(result.error)}`);
  return result.data;
}

async function userCreate(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" } }, strict: true });
  if (!values.email || !values.role) throw new UsageError("user create needs --email and --role");
  const email = parse(emailSchema, values.email, "--email");
  const role = parse(roleSchema, values.role.toUpperCase(), "--role", "must be admin or analyst");
  const name = parse(userNameSchema, values.name ?? email.split("@")[0], "--name");
  const alreadyExists = () => {
    console.error(`tributary: an account with the email ${email} already exists (use "user set-password" to change its password)`);
    return 1;
  };
  // Checked before asking for the password too, so nobody types one twice for nothing.
  if (await isEmailTaken(email)) return alreadyExists();
  const password = await askPassword();
  const result = await createUserWithPassword({ email, name, role, passwordHash: await hashPassword(password) }, cliAudit());
  if (!result.ok) return alreadyExists();
  out(`Created ${role === "ADMIN" ? "admin" : "analyst"} account ${email}. Sign in at ${getEnv().PUBLIC_URL}/signin`);
  return 0;
}

async function userSetPassword(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: "string" } }, strict: true });
  if (!values.email) throw new UsageError("user set-password needs --email");
  const email = parse(emailSchema, values.email, "--email");
  const password = await askPassword();
  const result = await setPasswordByEmail(email, await hashPassword(password), cliAudit());
  if (!result.ok) {
    console.error(`tributary: no account has the email ${email}`);
    return 1;
  }
  out(`Password set for ${email}; their other sessions have ended.`);
  if (result.isDisabled) out("Note: this account is disabled and cannot sign in until an admin enables it (Settings → Users).");
  return 0;
}

async function keysStatus(out: (line: string) => void): Promise<number> {
  const configured = getEnv().ENCRYPTION_KEYS.map((key) => key.id);
  const counts = await countSecretsByKey();
  out(`Current key: ${configured[0]}${configured.length > 1 ? ` (also configured: ${configured.slice(1).join(", ")})` : ""}`);
  if (counts.length === 0) out("No secrets are stored yet.");
  for (const { keyId, count } of counts) {
    const note = keyId === configured[0] ? "current" : configured.includes(keyId) ? "old: run keys rotate" : "NOT CONFIGURED: these cannot be decrypted";
    out(`  ${keyId.padEnd(20)} ${String(count).padStart(8)} secret${count === 1 ? "" : "s"}  ${note}`);
  }
  return counts.some(({ keyId }) => !configured.includes(keyId)) ? 1 : 0;
}

async function keysRotate(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { "batch-size": { type: "string" } }, strict: true });
  const batchSize = parse(z.coerce.number().int().min(1).max(10_000), values["batch-size"] ?? "500", "--batch-size");
  const report = await rotateSecrets({ batchSize, onBatch: (progress) => out(`  re-encrypted ${progress.rotated} so far`) });
  await recordAudit(cliAudit(), {
    action: "secrets.rotated",
    target: { type: "encryption_key", id: report.currentKeyId, label: report.currentKeyId },
    details: { rotated: report.rotated, skipped: report.skipped, failed: report.failures.length },
  });
  out(`Re-encrypted ${report.rotated} secret${report.rotated === 1 ? "" : "s"} under key ${report.currentKeyId}.`);
  if (report.skipped) out(`${report.skipped} changed while rotating and were left as written (they are already current or will be next run).`);
  for (const failure of report.failures) {
    console.error(`  could not re-encrypt ${failure.field} of ${failure.ownerType} ${failure.ownerId} (key ${failure.keyId}): ${failure.reason.replaceAll("_", " ")}`);
  }
  if (report.failures.length) {
    console.error(`${report.failures.length} secret${report.failures.length === 1 ? "" : "s"} could not be read. Add the missing key to ENCRYPTION_KEYS and run again, or re-enter those credentials.`);
    return 1;
  }
  return 0;
}

/** Runs one command; returns the exit code. Never prints a password, secret or key. */
export async function main(argv: string[], root = process.cwd(), out: (line: string) => void = (line) => console.log(line)): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (!noun || noun === "help" || noun === "--help" || noun === "-h") {
    out(USAGE);
    return noun ? 0 : 2;
  }
  try {
    loadEnvFiles(root);
    const command = `${noun} ${verb ?? ""}`.trim();
    switch (command) {
      case "user create":
        return await userCreate(rest, out);
      case "user set-password":
        return await userSetPassword(rest, out);
      case "keys status":
        return await keysStatus(out);
      case "keys rotate":
        return await keysRotate(rest, out);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`tributary: ${error.message}\nRun "npx tributary help" for the commands and their options.`);
      return 2;
    }
    if (error instanceof ConfigError) {
      console.error(`tributary: ${error.message}`);
      return 1;
    }
    console.error(`tributary: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await disconnectDatabase();
  }
}
