import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { readSecret } from "@/features/secrets/data";
import { SOURCE_SECRET, sourceSecretAddress } from "@/features/sources/schema";
import { db } from "@/lib/db";
import { createRedisConnection } from "@/lib/queue/connection";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { testEnvironment } from "@/scripts/lib/test-env";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { auditGroundTruth, emulatorControl } from "@/scripts/lib/test-sources";

// The headless commands as automation runs them: real processes with piped standard input, against
// the emulator (in this process, so the commands run asynchronously) and a database of their own.
const database = isolatedDatabaseForThisFile("cli_pulls");
const queuePrefix = `tributary-test-${uniqueSuffix()}`;
let slack: RunningEmulator;

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "cli-pulls", traffic: { isPaused: true }, isEmpty: true });
});
afterAll(async () => {
  const redis = createRedisConnection(process.env.REDIS_URL!);
  const queue = new Queue("pulls", { connection: redis, prefix: queuePrefix });
  await queue.obliterate({ force: true });
  await queue.close();
  redis.disconnect();
  await slack?.stop();
});

function tributary(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["bin/tributary.js", ...args], {
    env: { ...process.env, ...testEnvironment(), DATABASE_URL: database.url, QUEUE_PREFIX: queuePrefix, SLACK_API_URL: slack.slackApiUrl, SLACK_AUDIT_API_URL: slack.slackAuditApiUrl },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const actor = { type: "user", user: { id: "W012A3CDE", name: "Charlie Parker", email: "Bird@Slack.com" } };
const auditRecord = (id: string, dateCreate: number) => ({
  id,
  date_create: dateCreate,
  action: "user_login",
  actor,
  entity: { type: "user", user: actor.user },
  context: { location: { type: "enterprise", id: "E1701NCCA", name: "Birdland", domain: "birdland" }, ua: "Mozilla/5.0", ip_address: "1.23.45.67" },
});

describe("npx tributary parse", () => {
  it("prints normalized events as NDJSON and reports records that do not fit on stderr, exiting 1", async () => {
    const directory = await mkdtemp(join(tmpdir(), "tributary-parse-"));
    const file = join(directory, "audit.json");
    const broken = { ...auditRecord("c", 1_700_000_002), actor: { type: "user", user: { name: "No ID" } } };
    await writeFile(file, JSON.stringify([auditRecord("a", 1_700_000_000), auditRecord("b", 1_700_000_001), broken]));
    const result = await tributary(["parse", "--log-type", "Slack.AuditLogs", file]);
    expect(result.code).toBe(1);
    const events = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.id)).toEqual(["a", "b"]);
    expect(events[0]).toMatchObject({
      p_log_type: "Slack.AuditLogs",
      p_event_time: "2023-11-14T22:13:20Z",
      date_create: "2023-11-14T22:13:20Z",
      p_any_ip_addresses: ["1.23.45.67"],
      p_any_emails: ["bird@slack.com"],
      p_any_usernames: ["Charlie Parker"],
    });
    expect(result.stderr).toContain("record 3: actor.user.id: required field is missing");
    expect(result.stderr).toContain("1 of 3 records did not match Slack.AuditLogs");
  });

  it("reads a Slack API response body from standard input", async () => {
    const body = { ok: true, logs: [{ user_id: "U1", user_name: "ada", service_id: 1234, service_type: "Google Calendar", date: "1392163200", change_type: "enabled", scope: "bot" }] };
    const result = await tributary(["parse", "--log-type", "Slack.IntegrationLogs"], JSON.stringify(body));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ service_id: "1234", date: "2014-02-12T00:00:00Z", p_event_time: "2014-02-12T00:00:00Z", p_any_usernames: ["ada"] });
  });

  it("names the known log types when given an unknown one", async () => {
    const result = await tributary(["parse", "--log-type", "Slack.Messages"], "[]");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown log type "Slack.Messages" (known: Slack.AccessLogs, Slack.AuditLogs, Slack.IntegrationLogs)');
  });
});

describe("npx tributary sources add-slack, pull --once and events export", () => {
  async function grantedApp(isEnterpriseInstall: boolean) {
    const app = await emulatorControl<{ clientId: string; clientSecret: string }>(slack, "/apps", {
      name: `CLI ${uniqueSuffix()}`,
      redirectUrls: ["http://127.0.0.1/api/oauth/slack/callback"],
      userScopes: ["auditlogs:read", "admin"],
      botScopes: [],
    });
    const world = (await (await fetch(slack.controlUrl)).json()) as { workspaces: { id: string; plan: string }[] };
    const teamId = world.workspaces.find((workspace) => workspace.plan === "enterprise")!.id;
    const token = await emulatorControl<{ value: string }>(slack, "/tokens", { clientId: app.clientId, isEnterpriseInstall, ...(isEnterpriseInstall ? {} : { teamId }) });
    return { ...app, token: token.value };
  }
  const addArgs = (name: string, clientId: string) => ["sources", "add-slack", "--name", name, "--plan", "enterprise-grid", "--log-types", "Slack.AuditLogs", "--client-id", clientId, "--backfill-hours", "2"];

  it("refuses secrets on the command line and tokens from the wrong install", async () => {
    const app = await grantedApp(false);
    const withoutStdin = await tributary(addArgs(`CLI ${uniqueSuffix()}`, app.clientId), `${app.clientSecret}\n${app.token}\n`);
    expect(withoutStdin.code).toBe(2);
    expect(withoutStdin.stderr).toContain("--client-secret-stdin --token-stdin");

    const workspaceToken = await tributary([...addArgs(`CLI ${uniqueSuffix()}`, app.clientId), "--client-secret-stdin", "--token-stdin"], `${app.clientSecret}\n${app.token}\n`);
    expect(workspaceToken.code).toBe(1);
    expect(workspaceToken.stderr).toContain("audit logs need the app installed on the Enterprise organization");
    expect(await db.source.count()).toBe(0);
  });

  it("creates an active source, pulls it once and exports exactly what the emulator served", async () => {
    const now = Math.floor(Date.now() / 1000);
    await emulatorControl(slack, "/bulk-audit", { count: 1500, oldest: now - 3600, latest: now - 60, seed: "cli" });
    const app = await grantedApp(true);
    const name = `CLI audit ${uniqueSuffix()}`;
    const added = await tributary([...addArgs(name, app.clientId), "--client-secret-stdin", "--token-stdin"], `${app.clientSecret}\n${app.token}\n`);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const sourceId = added.stdout.trim();
    const source = await db.source.findUniqueOrThrow({ where: { id: sourceId } });
    expect(source).toMatchObject({ name, status: "ACTIVE", isEnterpriseInstall: true, backfillMinutes: 120, clientId: app.clientId });
    expect(await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken))).toBe(app.token);
    // The worker's schedule exists at once, under this run's queue prefix.
    const redis = createRedisConnection(process.env.REDIS_URL!);
    const queue = new Queue("pulls", { connection: redis, prefix: queuePrefix });
    expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key)).toEqual([`pull:${sourceId}:Slack.AuditLogs`]);
    await queue.close();
    redis.disconnect();

    const pulled = await tributary(["pull", "--source", sourceId, "--once"]);
    expect(pulled.stderr).toBe("");
    expect(pulled.code).toBe(0);
    const run = JSON.parse(pulled.stdout) as Record<string, unknown>;
    expect(run).toMatchObject({ sourceId, logType: "Slack.AuditLogs", trigger: "MANUAL", outcome: "SUCCEEDED", fetched: 1500, stored: 1500, duplicates: 0, failures: 0 });
    for (const output of [added, pulled]) {
      expect(output.stdout + output.stderr).not.toContain(app.token);
      expect(output.stdout + output.stderr).not.toContain(app.clientSecret);
    }

    const exported = await tributary(["events", "export", "--source", sourceId]);
    expect(exported.code).toBe(0);
    const events = exported.stdout.trim().split("\n").map((line) => JSON.parse(line) as { id: string; p_event_time: string; p_source_label: string });
    const truth = await auditGroundTruth(slack);
    expect(events.map((event) => event.id).sort()).toEqual(truth.map((event) => event.id).sort());
    expect(events.every((event) => event.p_source_label === name)).toBe(true);
    // Oldest first, so an export can be resumed from its last time.
    expect(events.map((event) => event.p_event_time)).toEqual(events.map((event) => event.p_event_time).sort());

    const from = new Date((now - 1800) * 1000).toISOString();
    const to = new Date((now - 900) * 1000).toISOString();
    const slice = await tributary(["events", "export", "--source", sourceId, "--log-type", "Slack.AuditLogs", "--from", from, "--to", to]);
    const inSlice = truth.filter((event) => event.date_create >= now - 1800 && event.date_create < now - 900);
    expect(slice.stdout.trim().split("\n")).toHaveLength(inSlice.length);

    const badTime = await tributary(["events", "export", "--source", sourceId, "--from", "yesterday"]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain("--from: must be an ISO-8601 time");
  });
});
