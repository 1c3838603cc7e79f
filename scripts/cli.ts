import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { z } from "zod";
import { recordAudit } from "@/features/audit/mutations";
import { CLI_ACTOR, type AuditContext } from "@/features/audit/schema";
import { emailSchema } from "@/features/auth/schema";
import { streamEvents } from "@/features/events/data";
import { getLogSchema, listLogSchemaNames } from "@/features/events/log-schema";
import { normalizeRecord } from "@/features/events/normalize";
import { parseRawRecords } from "@/features/events/records";
import { runPull, runReplay } from "@/features/pulls/jobs";
import { createReplay } from "@/features/pulls/mutations";
import { REPLAY_REFUSAL_MESSAGES, startReplay } from "@/features/pulls/replays";
import { PULL_SKIP_MESSAGES, replayRequestSchema } from "@/features/pulls/schema";
import { countSecretsByKey } from "@/features/secrets/data";
import { rotateSecrets } from "@/features/secrets/mutations";
import { findSource } from "@/features/sources/data";
import { createGrantedSource, pauseSource, resumeSource } from "@/features/sources/mutations";
import { ALARM_DEFAULT_MINUTES, BACKFILL_DEFAULT_MINUTES, backfillMinutesSchema, clientIdSchema, clientSecretSchema, LOG_TYPES, recipientsSchema, sourceConfigSchema } from "@/features/sources/schema";
import { isEmailTaken } from "@/features/users/data";
import { createUserWithPassword, setPasswordByEmail } from "@/features/users/mutations";
import { newPasswordSchema, roleSchema, userNameSchema } from "@/features/users/schema";
import { inspectUserToken } from "@/features/wizard/slack-grant";
import { disconnectDatabase } from "@/lib/db";
import { ConfigError, getEnv, loadEnvFiles } from "@/lib/env";
import { hashPassword } from "@/lib/password";
import { closeProducerQueues, removePullSchedulesNow, schedulePullsNow } from "@/lib/queue/producer";
import { closeSharedSlackRateLimiter } from "@/lib/slack/rate-limiter";
import { readHidden, readPassword } from "@/scripts/lib/prompt";

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
  parse --log-type <type> [FILE]
      Normalizes raw Slack records (a JSON array, NDJSON, or a Slack API response body) from FILE
      or standard input and prints the events as NDJSON. Records that do not fit the log type's
      schema are reported on standard error with the reason; the exit code is then 1.
  sources add-slack --name <name> --plan <enterprise-grid|paid> --log-types <type,...>
                    --client-id <id> --client-secret-stdin --token-stdin
                    [--backfill-hours <n>] [--alarm-recipients <email,...>]
      Creates a source that is already granted and active, for automation: the client secret and a
      user token (xoxp-) are read from standard input, one per line, in that order (asked without
      echo on a terminal), and the token is checked with Slack's auth.test. Prints the source's ID.
  pull --source <id> [--log-type <type>] --once
      Runs one pull of each (or the given) log type of a source now, in the foreground, and prints
      each run's record as JSON. Exit code 1 if a run did not succeed.
  sources pause --source <id>
  sources resume --source <id>
      Stops pulling a source without losing its place, or pulls it again from where each log type
      stopped (the time missed is pulled). Resuming clears an error; it shows again if Slack still refuses.
  replay --source <id> --log-type <type> --from <ISO time> --to <ISO time> [--once]
      Reads one log type of a source again over [from, to]; what is stored already is skipped.
      Queued for the worker and its ID printed; with --once, run now in the foreground instead,
      printing each run as JSON until the replay ends (it waits out Slack's rate limits).
  events export --source <id> [--log-type <type>] [--from <ISO time>] [--to <ISO time>]
      Streams the source's stored events as NDJSON, oldest first (--from inclusive, --to exclusive).
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

/** Writes one line to standard output, waiting when the reader is slower than we are (exports can be huge). */
async function writeLine(line: string) {
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, "drain");
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseLogType(value: string | undefined, option = "--log-type"): string {
  if (!value) throw new UsageError(`${option} is required`);
  if (!getLogSchema(value)) throw new UsageError(`${option}: unknown log type "${value}" (known: ${listLogSchemaNames().join(", ")})`);
  return value;
}

async function parseRecords(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { "log-type": { type: "string" } }, allowPositionals: true, strict: true });
  const schema = getLogSchema(parseLogType(values["log-type"]))!;
  if (positionals.length > 1) throw new UsageError("parse reads one FILE (or standard input)");
  const file = positionals[0];
  let text: string;
  try {
    text = file && file !== "-" ? await readFile(file, "utf8") : await readStandardInput();
  } catch (error) {
    console.error(`tributary: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 1;
  }
  const input = parseRawRecords(text);
  if (!input.ok) {
    console.error(`tributary: ${input.reason}`);
    return 1;
  }
  const parseTime = new Date();
  let failed = 0;
  for (const [index, raw] of input.records.entries()) {
    const result = normalizeRecord(schema, raw, { parseTime });
    if (result.ok) {
      await writeLine(JSON.stringify(result.event));
    } else {
      failed += 1;
      console.error(`record ${index + 1}: ${result.reason}`);
    }
  }
  if (failed) console.error(`${failed} of ${input.records.length} record${input.records.length === 1 ? "" : "s"} did not match ${schema.name}`);
  return failed ? 1 : 0;
}

const PLAN_ARGUMENTS: Record<string, string> = { "enterprise-grid": "ENTERPRISE_GRID", paid: "PAID" };

async function sourcesAddSlack(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: "string" },
      plan: { type: "string" },
      "log-types": { type: "string" },
      "client-id": { type: "string" },
      "client-secret-stdin": { type: "boolean" },
      "token-stdin": { type: "boolean" },
      "backfill-hours": { type: "string" },
      "alarm-recipients": { type: "string" },
    },
    strict: true,
  });
  for (const option of ["name", "plan", "log-types", "client-id"] as const) if (!values[option]) throw new UsageError(`sources add-slack needs --${option}`);
  // Secrets on the command line end up in shell history and in every process listing.
  if (!values["client-secret-stdin"] || !values["token-stdin"]) throw new UsageError("sources add-slack reads the client secret and the token from standard input: pass --client-secret-stdin --token-stdin");
  const plan = PLAN_ARGUMENTS[values.plan!];
  if (!plan) throw new UsageError("--plan: must be enterprise-grid or paid");
  const logTypes = values["log-types"]!.split(",").map((type) => type.trim()).filter(Boolean);
  for (const type of logTypes) if (!(LOG_TYPES as readonly string[]).includes(type)) throw new UsageError(`--log-types: unknown log type "${type}" (known: ${LOG_TYPES.join(", ")})`);
  const backfillMinutes = parse(backfillMinutesSchema, values["backfill-hours"] === undefined ? BACKFILL_DEFAULT_MINUTES : Number(values["backfill-hours"]) * 60, "--backfill-hours", "must be a number of hours from 0 to 720");
  const config = parse(sourceConfigSchema, { name: values.name, plan, logTypes, backfillMinutes }, "--name/--plan/--log-types");
  const clientId = parse(clientIdSchema, values["client-id"], "--client-id");
  const recipients = parse(recipientsSchema, values["alarm-recipients"] ?? "", "--alarm-recipients");

  // On a terminal both are asked without echo; piped, they are the first two lines.
  const [secretLine = "", tokenLine = ""] = process.stdin.isTTY
    ? [await readHidden("Client secret: "), await readHidden("User token (xoxp-…): ")]
    : (await readStandardInput()).split(/\r?\n/);
  const clientSecret = parse(clientSecretSchema, secretLine, "client secret (line 1 of standard input)");
  if (!clientSecret) throw new UsageError("client secret (line 1 of standard input) is empty");
  const token = tokenLine.trim();
  if (!token) throw new UsageError("token (line 2 of standard input) is empty");

  const inspection = await inspectUserToken(token, config.logTypes);
  if (!inspection.ok) {
    console.error(`tributary: the token was not accepted: ${inspection.reason}`);
    return 1;
  }
  const created = await createGrantedSource(
    { config, clientId, clientSecret, alarm: { isEnabled: recipients.length > 0, thresholdMinutes: ALARM_DEFAULT_MINUTES, recipients }, grant: inspection.grant },
    cliAudit(),
  );
  if (!created.ok) {
    console.error(`tributary: ${created.reason === "name_taken" ? `a source named "${config.name}" already exists` : created.reason}`);
    return 1;
  }
  out(created.sourceId);
  const isScheduled = await schedulePullsNow(config.logTypes.map((logType) => ({ sourceId: created.sourceId, logType })), created.sourceId);
  if (!isScheduled) console.error("tributary: Redis did not answer; a running worker schedules the new source's pulls within 5 minutes");
  return 0;
}

async function pullOnce(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { source: { type: "string" }, "log-type": { type: "string" }, once: { type: "boolean" } }, strict: true });
  if (!values.once) throw new UsageError("pull runs in the foreground only with --once (the worker pulls on a schedule)");
  if (!values.source) throw new UsageError("pull needs --source");
  const source = await findSource(values.source);
  if (!source) {
    console.error(`tributary: no source has the ID ${values.source}`);
    return 1;
  }
  const logTypes = values["log-type"] ? [parseLogType(values["log-type"])] : source.logTypes;
  const logger = pino({ level: process.env.LOG_LEVEL === "debug" ? "debug" : "warn" }, pino.destination(2));
  let exitCode = 0;
  for (const logType of logTypes) {
    const result = await runPull({ sourceId: source.id, logType, trigger: "MANUAL" }, logger);
    if (result.status === "skipped") {
      console.error(`tributary: ${logType} not pulled: ${PULL_SKIP_MESSAGES[result.reason]}`);
      exitCode = 1;
      continue;
    }
    out(JSON.stringify(result.run, null, 2));
    if (result.run.outcome !== "SUCCEEDED") exitCode = 1;
  }
  return exitCode;
}

async function sourcesPauseOrResume(verb: "pause" | "resume", args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { source: { type: "string" } }, strict: true });
  if (!values.source) throw new UsageError(`sources ${verb} needs --source`);
  const result = verb === "pause" ? await pauseSource(values.source, cliAudit()) : await resumeSource(values.source, cliAudit());
  if (!result.ok) {
    console.error(`tributary: ${result.reason === "not_found" ? `no source has the ID ${values.source}` : `the source cannot be ${verb}d in its current state`}`);
    return 1;
  }
  const targets = result.logTypes.map((logType) => ({ sourceId: values.source!, logType }));
  const isQueued = verb === "pause" ? await removePullSchedulesNow(targets) : await schedulePullsNow(targets, `resume${Date.now()}`);
  out(verb === "pause" ? "Paused." : "Resumed; the time missed is pulled now.");
  if (!isQueued) console.error("tributary: the queue did not answer; the worker applies the change at its next reconciliation (within 5 minutes).");
  return 0;
}

async function replay(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { source: { type: "string" }, "log-type": { type: "string" }, from: { type: "string" }, to: { type: "string" }, once: { type: "boolean" } }, strict: true });
  if (!values.source || !values["log-type"] || !values.from || !values.to) throw new UsageError("replay needs --source, --log-type, --from and --to");
  const from = parse(isoTimeSchema, values.from, "--from", "must be an ISO-8601 time such as 2026-11-25T00:00:00Z");
  const to = parse(isoTimeSchema, values.to, "--to", "must be an ISO-8601 time such as 2026-11-25T00:00:00Z");
  const request = { sourceId: values.source, logType: parseLogType(values["log-type"]), from, to };
  if (!values.once) {
    const started = await startReplay(request, cliAudit());
    if (!started.ok) throw new UsageError(`${started.field ? `--${started.field === "logType" ? "log-type" : started.field === "sourceId" ? "source" : started.field}: ` : ""}${started.message}`);
    out(started.replayId);
    if (!started.isQueued) console.error("tributary: the queue did not answer; the worker queues the replay at its next reconciliation (within 5 minutes).");
    return 0;
  }
  const parsed = replayRequestSchema.safeParse(request);
  if (!parsed.success) throw new UsageError(firstIssue(parsed.error));
  const created = await createReplay(parsed.data, cliAudit());
  if (!created.ok) {
    console.error(`tributary: ${REPLAY_REFUSAL_MESSAGES[created.reason]}`);
    return 1;
  }
  const logger = pino({ level: process.env.LOG_LEVEL === "debug" ? "debug" : "warn" }, pino.destination(2));
  for (let attempt = 1; ; attempt += 1) {
    const result = await runReplay(created.replayId, { attempt }, logger);
    if (result.status === "skipped") {
      console.error(`tributary: replay not run: ${PULL_SKIP_MESSAGES[result.reason]}`);
      return 1;
    }
    if (result.run) out(JSON.stringify(result.run, null, 2));
    const { end } = result;
    if (end.outcome === "SUCCEEDED") return 0;
    // The foreground stands in for the queue: it waits out Slack's (or the budget's) Retry-After.
    if (!end.retry || attempt >= 100) return 1;
    const waitSeconds = Math.max(1, end.retry.afterSeconds);
    await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
  }
}

const isoTimeSchema = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

async function eventsExport(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { source: { type: "string" }, "log-type": { type: "string" }, from: { type: "string" }, to: { type: "string" } }, strict: true });
  if (!values.source) throw new UsageError("events export needs --source");
  const logType = values["log-type"] === undefined ? undefined : parseLogType(values["log-type"]);
  const from = values.from === undefined ? undefined : parse(isoTimeSchema, values.from, "--from", "must be an ISO-8601 time such as 2026-11-25T00:00:00Z");
  const to = values.to === undefined ? undefined : parse(isoTimeSchema, values.to, "--to", "must be an ISO-8601 time such as 2026-11-25T00:00:00Z");
  if (!(await findSource(values.source))) {
    console.error(`tributary: no source has the ID ${values.source}`);
    return 1;
  }
  const filter = { sourceId: values.source, ...(logType ? { logType } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
  for await (const row of streamEvents(filter, { order: "oldest" })) await writeLine(JSON.stringify(row.event));
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
      case "sources add-slack":
        return await sourcesAddSlack(rest, out);
      case "sources pause":
      case "sources resume":
        return await sourcesPauseOrResume(verb as "pause" | "resume", rest, out);
      case "events export":
        return await eventsExport(rest);
      default:
        break;
    }
    // One-word commands take their options right after the noun.
    switch (noun) {
      case "parse":
        return await parseRecords(argv.slice(1));
      case "pull":
        return await pullOnce(argv.slice(1), out);
      case "replay":
        return await replay(argv.slice(1), out);
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
    await closeProducerQueues();
    await closeSharedSlackRateLimiter();
    await disconnectDatabase();
  }
}
