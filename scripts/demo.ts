import { spawnSync } from "node:child_process";
import { ConfigError, loadEnvFiles, parseEnv } from "@/lib/env";
import { disconnectDatabase } from "@/lib/db";
import { describeSeededAdmin, seedAdmin } from "@/prisma/seed";
import { isPortFree, startProcess, stopProcess, waitForHttp, type ManagedProcess } from "@/scripts/lib/processes";
import { ensureLocalSecrets } from "@/scripts/lib/secrets";
import { ensureServices } from "@/scripts/lib/services";

// `npm run demo`: from a fresh clone (after npm ci) to a running console in one command — services,
// migrations, an admin account, a production build, then the Slack emulator, a mail catcher, web and
// worker side by side. Ctrl-C stops everything.

const BIN = "node_modules/.bin";

const isBuildSkipped = process.argv.includes("--no-build");

class DemoError extends Error {}

type DemoApp = { clientId: string; clientSecret: string };

/**
 * A Slack app registered in the emulator with Tributary's redirect URL and both scope sets, so the
 * onboarding wizard can be walked end to end (its credentials are the emulator's, not secrets).
 */
async function registerDemoApp(emulatorUrl: string, redirectUrl: string): Promise<DemoApp> {
  const response = await fetch(`${emulatorUrl}/_emulator/apps`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Tributary (demo)", redirectUrls: [redirectUrl], userScopes: ["auditlogs:read", "admin"], botScopes: [] }),
  });
  if (!response.ok) throw new DemoError(`The Slack emulator refused the demo app (HTTP ${response.status}).`);
  return (await response.json()) as DemoApp;
}

function step(message: string) {
  console.log(`\x1b[1m▸ ${message}\x1b[0m`);
}

/** Runs a step; a quiet step's output is shown only when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, failure: string, options: { quiet?: boolean } = {}) {
  const result = spawnSync(command, args, { env, stdio: options.quiet ? "pipe" : "inherit", encoding: "utf8" });
  if (result.status === 0) return;
  if (options.quiet) process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  throw new DemoError(failure);
}

async function main() {
  // The demo serves a production build, so it reads the same env files as `next start`.
  Object.assign(process.env, { NODE_ENV: "production" });
  const written = ensureLocalSecrets();
  if (written.length > 0) {
    console.warn(`⚠ ${written.join(" and ")} were not set: generated into .env.local. Keep that file private.`);
    if (written.includes("ENCRYPTION_KEYS")) console.warn("  Back it up too: without that key the Slack credentials stored in the database cannot be decrypted.");
  }
  loadEnvFiles();
  const env = parseEnv(process.env);
  const EMULATOR_PORT = Number(process.env.EMULATOR_PORT || 3400);
  // Nothing here can reach Slack, so the demo talks to the emulator unless Slack's URLs are set.
  const isUsingEmulator = !process.env.SLACK_API_URL && !process.env.SLACK_AUDIT_API_URL && !process.env.SLACK_OAUTH_AUTHORIZE_URL;
  // Alarm emails need somewhere to land that a new user can watch: unless SMTP_URL is set, MailDev
  // catches them on SMTP_URL's default port and shows them in its web inbox.
  const isUsingMailCatcher = !process.env.SMTP_URL;
  const MAIL_SMTP_PORT = Number(new URL(env.SMTP_URL).port);
  const MAIL_INBOX_PORT = Number(process.env.MAIL_INBOX_PORT || 1080);

  const portsToCheck: { name: string; port: number; remedy?: string }[] = [
    { name: "PORT", port: env.PORT },
    { name: "WORKER_HEALTH_PORT", port: env.WORKER_HEALTH_PORT },
    ...(isUsingEmulator ? [{ name: "EMULATOR_PORT", port: EMULATOR_PORT }] : []),
    ...(isUsingMailCatcher
      ? [
          // Moving MailDev's SMTP port would mean setting SMTP_URL, which turns MailDev off: the way out
          // is to send the emails to whatever already listens there.
          { name: "SMTP_URL", port: MAIL_SMTP_PORT, remedy: `send alarm emails to what listens there: SMTP_URL=${env.SMTP_URL} npm run demo` },
          { name: "MAIL_INBOX_PORT", port: MAIL_INBOX_PORT },
        ]
      : []),
  ];
  for (const { name, port, remedy = `choose another: ${name}=${port + 100} npm run demo` } of portsToCheck) {
    if (!(await isPortFree(port))) {
      throw new DemoError(`Port ${port} (${name}) is already in use, perhaps by another Tributary. Stop it, or ${remedy}`);
    }
  }

  step("Checking Postgres and Redis");
  const services = await ensureServices(env);
  for (const line of services.lines) console.log(`  ${line}`);
  if (!services.ok) throw new DemoError("Postgres and Redis must answer before the demo can start (see above).");

  step("Applying database migrations");
  run(`${BIN}/prisma`, ["migrate", "deploy"], process.env, "Migrations failed (see above).", { quiet: true });
  console.log("  ✓ The database schema is up to date");

  step("Preparing the admin account");
  const admin = await seedAdmin();
  await disconnectDatabase();
  // The credentials are printed once, in the banner below, where they stay visible.
  console.log(`  ✓ ${admin.created ? "Created" : "Found"} the admin account ${admin.email}`);

  if (isBuildSkipped) {
    step("Skipping the production build (--no-build)");
  } else {
    step("Building the console (next build)");
    run(`${BIN}/next`, ["build"], { ...process.env, NEXT_TELEMETRY_DISABLED: "1" }, "The build failed (see above).");
  }

  const startedFirst = [isUsingEmulator ? "the Slack emulator" : null, isUsingMailCatcher ? "MailDev" : null].filter((name) => name !== null);
  step(`Starting ${[...startedFirst, "web and worker"].join(", ")}${isUsingEmulator ? "" : " (Slack URLs from the environment)"}`);
  const emulatorUrl = `http://127.0.0.1:${EMULATOR_PORT}`;
  const mailInboxUrl = `http://127.0.0.1:${MAIL_INBOX_PORT}`;
  const slackUrls = isUsingEmulator
    ? { SLACK_API_URL: `${emulatorUrl}/api`, SLACK_AUDIT_API_URL: `${emulatorUrl}/audit/v1`, SLACK_OAUTH_AUTHORIZE_URL: `${emulatorUrl}/oauth/v2/authorize` }
    : {};
  const childEnv = {
    ...process.env,
    ...slackUrls,
    // A one-minute drop-off alarm lets a demo user pause the emulator's traffic and watch the email arrive.
    ALARM_MIN_THRESHOLD_MINUTES: process.env.ALARM_MIN_THRESHOLD_MINUTES || "1",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const webEnv = isUsingMailCatcher ? { ...childEnv, DEMO_MAIL_INBOX_URL: mailInboxUrl } : childEnv;
  const processes: ManagedProcess[] = [];
  let demoApp: DemoApp | null = null;
  if (isUsingMailCatcher) {
    // MailDev 2 has no purely in-memory store; without --mail-directory it writes to a new
    // /tmp/maildev-<pid>, so every demo opens on an empty inbox.
    const mailDevArgs = ["--smtp", String(MAIL_SMTP_PORT), "--web", String(MAIL_INBOX_PORT), "--ip", "127.0.0.1", "--web-ip", "127.0.0.1"];
    processes.push(startProcess("mail", `${BIN}/maildev`, mailDevArgs, { env: childEnv, colorIndex: 3 }));
  }
  if (isUsingEmulator) {
    processes.push(startProcess("slack", `${BIN}/tsx`, ["emulator/index.ts", "--port", String(EMULATOR_PORT)], { env: childEnv, colorIndex: 2 }));
    // Web and worker start once the emulator answers, so their first Slack calls do not fail.
    if (!(await waitForHttp(`${emulatorUrl}/_emulator`, 30_000))) {
      await Promise.all(processes.map((managed) => stopProcess(managed)));
      throw new DemoError(`The Slack emulator did not answer on port ${EMULATOR_PORT} within 30 s (see the [slack] lines above).`);
    }
    demoApp = await registerDemoApp(emulatorUrl, `${env.PUBLIC_URL}/api/oauth/slack/callback`).catch(async (error: unknown) => {
      await Promise.all(processes.map((managed) => stopProcess(managed)));
      throw error;
    });
  }
  // The worker's first alarm email must not be refused because MailDev is still starting.
  if (isUsingMailCatcher && !(await waitForHttp(`${mailInboxUrl}/`, 30_000))) {
    await Promise.all(processes.map((managed) => stopProcess(managed)));
    throw new DemoError(`MailDev did not answer on port ${MAIL_INBOX_PORT} within 30 s (see the [mail] lines above).`);
  }
  processes.push(
    startProcess("web", `${BIN}/next`, ["start", "--port", String(env.PORT)], { env: webEnv, colorIndex: 0 }),
    startProcess("worker", `${BIN}/tsx`, ["worker/index.ts"], { env: childEnv, colorIndex: 1 }),
  );

  let isStopping = false;
  const stopAll = async (exitCode: number) => {
    if (isStopping) return;
    isStopping = true;
    console.log(`\nStopping ${processes.map((managed) => managed.name).join(", ")}…`);
    await Promise.all(processes.map((managed) => stopProcess(managed)));
    console.log("Stopped. Nothing is left running.");
    process.exit(exitCode);
  };
  // Detached children do not get the terminal's signals: forward every way the demo can be told to stop.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAll(0));
  for (const managed of processes) {
    void managed.exited.then((code) => {
      if (isStopping) return;
      console.error(`\n${managed.name} exited unexpectedly (code ${code}); stopping the demo.`);
      void stopAll(1);
    });
  }

  const isUp = await waitForHttp(`http://127.0.0.1:${env.PORT}/api/healthz`, 60_000, () => !isStopping);
  if (!isUp) {
    if (!isStopping) {
      console.error(`\nThe console did not answer on port ${env.PORT} within 60 s (see the [web] lines above); stopping the demo.`);
      await stopAll(1);
    }
    return;
  }
  console.log(`
\x1b[1mTributary is running at ${env.PUBLIC_URL}\x1b[0m
  ${describeSeededAdmin(admin)}
  Worker health: http://127.0.0.1:${env.WORKER_HEALTH_PORT}/healthz
  ${isUsingEmulator ? `Slack emulator: ${emulatorUrl} (world and controls: ${emulatorUrl}/_emulator)` : "Slack: the URLs set in the environment"}${
    demoApp ? `\n  Emulated Slack app for the wizard: client ID ${demoApp.clientId}, client secret ${demoApp.clientSecret}` : ""
  }
  ${isUsingMailCatcher ? `Mail inbox (alarm emails): ${mailInboxUrl}` : "Alarm emails: through the SMTP_URL set in the environment"}
  Press Ctrl-C to stop.
`);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof DemoError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`;
  console.error(`demo: ${message}`);
  process.exit(1);
});
