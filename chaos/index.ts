import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import pg from "pg";
import { benchAppEnvironment, buildApp, isBuildCurrent, seedAdmin, signIn, sourceFingerprint, startApp } from "@/bench/app-server";
import { readProcess, workerCommand } from "@/bench/pipeline";
import { formatRows } from "@/bench/report";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { disconnectDatabase } from "@/lib/db";
import { createDatabaseIfMissing } from "@/lib/postgres-admin";
import { startChaosPostgres, startChaosRedis, type ChaosPostgres, type ChaosRedis } from "@/chaos/services";
import { ALARM_RECIPIENT, createChaosSources, expectedKeys, type ChaosPair } from "@/chaos/sources";
import { startSmtpCatcher, subjectOf } from "@/scripts/lib/test-smtp";
import { freePort, waitUntil } from "@/scripts/lib/test-helpers";
import { startProcess, stopProcess, type ManagedProcess } from "@/scripts/lib/processes";

// `npm run test:chaos` (and `--smoke`, its short form inside `npm test`; `npm run soak -- --minutes N`
// for hours): steady Slack traffic on three sources and all three log types, two workers, and a
// round of faults, again and again: Slack answering 429s, 5xx, HTML, truncated JSON, resets and
// silence; a worker SIGKILLed mid-pull; Redis restarted empty; Postgres crashed. Then the traffic
// stops, the pipeline drains, and what Postgres holds is compared with the emulator's ground truth:
// nothing lost, nothing twice, every fault visible where an operator looks, no alarm storm.

const PULL_INTERVAL_SECONDS = 10;
const SLACK_TIMEOUT_SECONDS = 3;
/** Slack's per-minute rate-limit windows pass in a second, on both sides. */
const SPEED_UP = 60;
const TRAFFIC = { auditPerMinute: 240, accessPerMinute: 40, integrationPerMinute: 8 };
/** How long each fault is given to meet pulls before the next; a pull starts every 2 s or so across the pairs. */
const SETTLE_MS = 8_000;
const DRAIN_TIMEOUT_MS = 180_000;
const RESULTS_DIRECTORY = "chaos/results";
const LOG_DIRECTORY = "test-results/chaos";

type Options = { rounds: number; soakMinutes: number | null; isSmoke: boolean };

function parseOptions(): Options {
  const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false }, rounds: { type: "string" }, minutes: { type: "string" }, soak: { type: "boolean", default: false } } });
  const isSoak = values.soak || values.minutes !== undefined;
  const minutes = values.minutes === undefined ? 30 : Number(values.minutes);
  const rounds = values.rounds === undefined ? (values.smoke ? 1 : 3) : Number(values.rounds);
  if (!Number.isFinite(minutes) || minutes <= 0 || !Number.isSafeInteger(rounds) || rounds < 1) {
    throw new Error("usage: chaos/index.ts [--smoke] [--rounds N] | --soak [--minutes N]");
  }
  return { rounds, soakMinutes: isSoak ? minutes : null, isSmoke: values.smoke };
}

// ---------------------------------------------------------------------------------------------
// Reading the chaos database: a fresh connection each time, since the run crashes Postgres.

async function query<Row extends pg.QueryResultRow>(databaseUrl: string, text: string, values: unknown[] = []): Promise<Row[]> {
  return waitUntil(
    async () => {
      const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
      client.on("error", () => {});
      try {
        await client.connect();
        return (await client.query<Row>(text, values)).rows;
      } catch {
        return null;
      } finally {
        await client.end().catch(() => {});
      }
    },
    60_000,
    500,
  );
}

// ---------------------------------------------------------------------------------------------
// Workers: separate processes, their logs kept for the evidence and written out for a person.

type ChaosWorker = { label: string; process: ManagedProcess; pid: number; healthUrl: string; lines: string[] };

async function startWorker(label: string, environment: Record<string, string>, log: string[]): Promise<ChaosWorker> {
  const port = await freePort();
  const { command, args } = workerCommand();
  const lines: string[] = [];
  const managed = startProcess(`worker ${label}`, command, args, {
    env: { ...process.env, ...environment, WORKER_HEALTH_PORT: String(port) },
    onLine: (line) => {
      log.push(`[${label}] ${line}`);
      if (!/"level":"(trace|debug|info)"/.test(line)) lines.push(line);
    },
    shouldEcho: () => false,
  });
  const healthUrl = `http://127.0.0.1:${port}/healthz`;
  try {
    await waitUntil(async () => (await fetch(healthUrl).catch(() => null))?.ok, 60_000, 200);
  } catch (error) {
    await stopProcess(managed, 5_000);
    throw error;
  }
  return { label, process: managed, pid: managed.child.pid!, healthUrl, lines };
}

// ---------------------------------------------------------------------------------------------
// The faults. Each says how to cause it and where an operator would see it afterwards.

type Rig = { databaseUrl: string; slack: RunningEmulator; postgres: ChaosPostgres; redis: ChaosRedis; workers: ChaosWorker[]; environment: Record<string, string>; log: string[] };
type FaultResult = { evidence: string | null };
type Fault = { name: string; cause(rig: Rig): Promise<FaultResult | void>; evidence(rig: Rig, since: Date): Promise<string | null> };

type LogLine = { time?: string; err?: string; msg?: string };

function parseLogLine(line: string): LogLine {
  try {
    return JSON.parse(line) as LogLine;
  } catch {
    return { msg: line };
  }
}

async function injectSlackFault(rig: Rig, body: Record<string, unknown>) {
  const response = await fetch(`${rig.slack.controlUrl}/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator /faults: HTTP ${response.status} ${await response.text()}`);
}

/** A pull run since the fault, with this error code and an error matching `pattern`: what the pull history shows. */
async function runEvidence(rig: Rig, since: Date, errorCode: string, pattern: RegExp): Promise<string | null> {
  const rows = await query<{ id: string; name: string; log_type: string; outcome: string; error: string | null }>(
    rig.databaseUrl,
    `SELECT r.id, s.name, r.log_type, r.outcome, r.error FROM pull_runs r JOIN sources s ON s.id = r.source_id
     WHERE r.started_at >= $1 AND r.error_code = $2 ORDER BY r.started_at`,
    [since, errorCode],
  );
  const match = rows.find((row) => pattern.test(row.error ?? ""));
  return match ? `${match.outcome} pull of ${match.name} ${match.log_type}: ${match.error}` : null;
}

function slackFault(name: string, body: Record<string, unknown>, errorCode: string, pattern: RegExp): Fault {
  return { name, cause: (rig) => injectSlackFault(rig, body), evidence: (rig, since) => runEvidence(rig, since, errorCode, pattern) };
}

const FAULTS: Fault[] = [
  // Retry-After 2 s tells the injected 429s from the emulator's own rate limiter (which says 1 s here).
  slackFault("429 storm", { kind: "ratelimited", count: 25, retryAfterSeconds: 2 }, "ratelimited", /asked to wait 2 s/),
  slackFault("HTTP 500", { kind: "server_error", count: 3 }, "slack_unreachable", /HTTP 500/),
  slackFault("HTTP 503 page", { kind: "service_unavailable", count: 3 }, "slack_unreachable", /HTTP 503/),
  slackFault("hang", { kind: "hang", count: 2 }, "slack_unreachable", new RegExp(`no answer within ${SLACK_TIMEOUT_SECONDS} s`)),
  slackFault("truncated JSON", { kind: "malformed_json", count: 3 }, "slack_unreachable", /not JSON/),
  slackFault("HTML error page", { kind: "html_error", count: 2 }, "slack_unreachable", /HTTP 502 with an HTML page/),
  slackFault("connection reset", { kind: "connection_reset", count: 2 }, "slack_unreachable", /connection failed/),
  {
    // Killed while it holds a pull: Slack is made to hang so that a pull is surely in flight.
    name: "worker SIGKILL mid-pull",
    cause: async (rig) => {
      // Any worker but the first, which the soak measures from start to end. Slack hangs until one of
      // them holds a pull (the hung calls may all go to the first worker; then again).
      let running: { id: string; index: number } | undefined;
      for (let attempt = 1; !running; attempt += 1) {
        await injectSlackFault(rig, { kind: "hang", count: 6 });
        running = await waitUntil(async () => {
          const rows = await query<{ id: string; worker_id: string | null }>(rig.databaseUrl, "SELECT id, worker_id FROM pull_runs WHERE outcome = 'RUNNING' AND worker_id IS NOT NULL");
          return rows.map((row) => ({ id: row.id, index: rig.workers.findIndex((worker) => row.worker_id!.includes(`:${worker.pid}:`)) })).find((row) => row.index > 0);
        }, 20_000, 100).catch((error: unknown) => {
          if (attempt >= 5) throw error;
          return undefined;
        });
      }
      const victim = rig.workers[running.index]!;
      victim.process.child.kill("SIGKILL");
      await victim.process.exited;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      rig.workers[running.index] = await startWorker(victim.label, rig.environment, rig.log);
      // The next run of that pair marks it abandoned; wait for that, as an operator would see it.
      const abandoned = await waitUntil(
        async () => (await query<{ outcome: string }>(rig.databaseUrl, "SELECT outcome FROM pull_runs WHERE id = $1 AND outcome = 'ABANDONED'", [running.id]))[0],
        90_000,
        500,
      ).catch(() => null);
      return { evidence: abandoned ? `pull run ${running.id} of the killed worker ${victim.label} (pid ${victim.pid}) is shown as ABANDONED` : null };
    },
    evidence: async () => null,
  },
  {
    name: "Redis restarted empty",
    cause: async (rig) => {
      await rig.redis.crash();
      // Each worker's readiness says so while Redis is away (what an orchestrator probes), once it
      // has noticed the connection is gone; its liveness does not, so nothing restarts it.
      const isUnavailable = (worker: ChaosWorker) =>
        waitUntil(async () => (await fetch(worker.healthUrl.replace(/\/healthz$/, "/readyz")).catch(() => null))?.status === 503, 5_000, 100).then(
          () => true,
          () => false,
        );
      const answers = await Promise.all(rig.workers.map(isUnavailable));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await rig.redis.start();
      return { evidence: answers.every(Boolean) ? `every worker's /readyz answered 503 (Redis not ready) while Redis was down` : null };
    },
    evidence: async () => null,
  },
  {
    name: "Postgres crash and restart",
    cause: async (rig) => {
      await rig.postgres.crash();
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await rig.postgres.start();
    },
    // Postgres cannot record its own absence: the workers' log says what failed meanwhile, and the
    // pull history shows the retried attempts (attempt 2 or later) once it is back.
    evidence: async (rig, since) => {
      const port = new URL(rig.databaseUrl).port;
      const line = rig.workers
        .flatMap((worker) => worker.lines)
        .map(parseLogLine)
        .find((entry) => Date.parse(entry.time ?? "") >= since.getTime() && new RegExp(`Can't reach database server|127\\.0\\.0\\.1:${port}|terminating connection|Connection terminated`).test(entry.err ?? ""));
      if (!line) return null;
      const [retried] = await query<{ count: number }>(rig.databaseUrl, "SELECT count(*)::int AS count FROM pull_runs WHERE started_at >= $1 AND attempt > 1", [since]);
      return `worker log: ${line.msg}: ${(line.err ?? "").trim().split("\n").at(-1)}; ${retried?.count ?? 0} pulls retried since`;
    },
  },
];

/**
 * What happened instead of the evidence, for the failure message (CI shows little more than that):
 * the pull runs since the fault, by outcome and error, and the injected faults Slack still holds.
 */
async function diagnose(rig: Rig, since: Date): Promise<string> {
  const runs = await query<{ outcome: string; error_code: string | null; count: number; error: string | null }>(
    rig.databaseUrl,
    `SELECT outcome::text, error_code, count(*)::int AS count, max(error) AS error FROM pull_runs WHERE started_at >= $1
     GROUP BY outcome, error_code ORDER BY count(*) DESC`,
    [since],
  ).catch(() => []);
  const world = (await fetch(`${rig.slack.controlUrl}/`).then((response) => response.json()).catch(() => null)) as { faults?: { kind: string; remaining: number }[] } | null;
  const faults = world?.faults?.map((fault) => `${fault.kind} ×${fault.remaining}`).join(", ") || "none";
  const summary = runs.map((row) => `${row.outcome}${row.error_code ? `/${row.error_code}` : ""} ${row.count}${row.error ? ` (${row.error.slice(0, 80)})` : ""}`).join("; ");
  return `runs since: ${summary || "none"}; faults left unspent at Slack: ${faults}`;
}

// ---------------------------------------------------------------------------------------------
// What is stored against what Slack served.

type PairCount = { pair: ChaosPair; expected: number; stored: number; lost: number; extra: number; duplicated: number };

/**
 * Slack's own identity of a stored event, from its JSON rather than from Tributary's dedupe key: the
 * unique index on the key makes a second row with the same key impossible, so a duplicate can only
 * show as two rows with different keys for one Slack record.
 */
const SLACK_IDENTITY: Record<ChaosPair["logType"], string> = {
  "Slack.AuditLogs": "event->>'id'",
  "Slack.AccessLogs": "(event->>'user_id', event->>'ip', event->>'user_agent')",
  "Slack.IntegrationLogs": "(SELECT jsonb_object_agg(key, value) FROM jsonb_each(event) WHERE key NOT LIKE 'p\\_%')",
};

async function compareWithGroundTruth(rig: Rig, pairs: ChaosPair[]): Promise<PairCount[]> {
  const counts: PairCount[] = [];
  for (const pair of pairs) {
    const served = await expectedKeys(rig.slack, pair);
    const expected = new Set(served);
    const rows = await query<{ dedupe_key: string }>(rig.databaseUrl, "SELECT dedupe_key FROM events WHERE p_source_id = $1 AND p_log_type = $2", [pair.sourceId, pair.logType]);
    const [identities] = await query<{ distinct: number }>(
      rig.databaseUrl,
      `SELECT count(DISTINCT ${SLACK_IDENTITY[pair.logType]})::int AS distinct FROM events WHERE p_source_id = $1 AND p_log_type = $2`,
      [pair.sourceId, pair.logType],
    );
    const stored = new Set(rows.map((row) => row.dedupe_key));
    counts.push({
      pair,
      expected: served.length,
      stored: rows.length,
      // Two served records with one key could only ever be stored once: counted as lost.
      lost: [...expected].filter((key) => !stored.has(key)).length + (served.length - expected.size),
      extra: [...stored].filter((key) => !expected.has(key)).length,
      duplicated: rows.length - (identities?.distinct ?? rows.length),
    });
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Soak: memory and open handles of the web server and a worker that is never killed.

type Growth = { process: string; firstRssMiB: number; lastRssMiB: number; peakRssMiB: number; firstHandles: number; lastHandles: number };
type Sample = { rss: number; handles: number };

function openHandles(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

function growthOf(name: string, samples: Sample[]): Growth {
  // Averages over the first and last tenth, after a warm-up tenth: one sample is noise.
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const mean = (slice: Sample[], key: keyof Sample) => slice.reduce((sum, sample) => sum + sample[key], 0) / Math.max(1, slice.length);
  const first = samples.slice(tenth, 2 * tenth);
  const last = samples.slice(-tenth);
  const mib = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;
  return {
    process: name,
    firstRssMiB: mib(mean(first, "rss")),
    lastRssMiB: mib(mean(last, "rss")),
    peakRssMiB: mib(Math.max(...samples.map((sample) => sample.rss))),
    firstHandles: Math.round(mean(first, "handles")),
    lastHandles: Math.round(mean(last, "handles")),
  };
}

// ---------------------------------------------------------------------------------------------

/** What to stop, newest first, however the run ends: finished, failed or interrupted (Ctrl-C, a cancelled CI job). */
const cleanups: (() => Promise<void> | void)[] = [];

async function cleanUp() {
  while (cleanups.length > 0) await Promise.resolve(cleanups.pop()!()).catch(() => {});
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping the workers, Redis and Postgres of this run…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** Unbounded growth, as far as a run of minutes can tell: a quarter more and 64 MiB, or half again as many descriptors. */
function growthProblem(entry: Growth): string | null {
  if (entry.lastRssMiB > entry.firstRssMiB * 1.25 && entry.lastRssMiB - entry.firstRssMiB > 64) return `${entry.process} grew from ${entry.firstRssMiB} to ${entry.lastRssMiB} MiB resident`;
  if (entry.lastHandles > entry.firstHandles + Math.max(20, entry.firstHandles / 2)) return `${entry.process} went from ${entry.firstHandles} to ${entry.lastHandles} open descriptors`;
  return null;
}

async function main() {
  const options = parseOptions();
  // Set by the caller to serve a build it already has (as npm test does with .next); read before the
  // chaos environment is copied into process.env below.
  const servedBuild = process.env.NEXT_DIST_DIR;
  const startedAt = Date.now();
  const log: string[] = [];
  const failures: string[] = [];
  try {
    console.log(options.soakMinutes ? `soak: faults for ${options.soakMinutes} min, memory and handles of web and worker sampled` : `chaos: ${options.rounds} round(s) of ${FAULTS.length} faults${options.isSmoke ? " (smoke)" : ""}`);
    const postgres = await startChaosPostgres();
    cleanups.push(() => postgres.stop());
    await createDatabaseIfMissing(postgres.url);
    const migrated = spawnSync("node_modules/.bin/prisma", ["migrate", "deploy"], { env: { ...process.env, DATABASE_URL: postgres.url }, encoding: "utf8" });
    if (migrated.status !== 0) throw new Error(`prisma migrate deploy failed:\n${migrated.stdout}${migrated.stderr}`);
    const redis = await startChaosRedis();
    cleanups.push(() => redis.stop());
    const smtp = await startSmtpCatcher();
    cleanups.push(() => smtp.stop());
    const slack = await startEmulator({ port: 0, seed: "chaos", speedUp: SPEED_UP, isEmpty: true, traffic: { isPaused: true, ...TRAFFIC } });
    cleanups.push(() => slack.stop());

    const webPort = await freePort();
    const environment: Record<string, string> = {
      ...benchAppEnvironment(postgres.url, webPort),
      REDIS_URL: redis.url,
      QUEUE_PREFIX: "tributary-chaos",
      LOG_LEVEL: "info",
      SLACK_API_URL: slack.slackApiUrl,
      SLACK_AUDIT_API_URL: slack.slackAuditApiUrl,
      SLACK_OAUTH_AUTHORIZE_URL: slack.slackOAuthAuthorizeUrl,
      SMTP_URL: smtp.url,
      PULL_INTERVAL_SECONDS: String(PULL_INTERVAL_SECONDS),
      SLACK_TIMEOUT_SECONDS: String(SLACK_TIMEOUT_SECONDS),
      SLACK_RATE_LIMIT_WINDOW_SECONDS: String(60 / SPEED_UP),
      ALARM_MIN_THRESHOLD_MINUTES: "1",
      WORKER_PULL_CONCURRENCY: "10",
    };
    // This process creates the sources with the console's own code, on the chaos database.
    Object.assign(process.env, environment);
    const pairs = await createChaosSources(slack);
    await disconnectDatabase();

    const rig: Rig = { databaseUrl: postgres.url, slack, postgres, redis, workers: [], environment, log };
    cleanups.push(async () => {
      for (const worker of rig.workers) await stopProcess(worker.process, 10_000);
    });
    rig.workers.push(await startWorker("a", environment, log));
    rig.workers.push(await startWorker("b", environment, log));

    let web: ManagedProcess | null = null;
    const samples: Record<string, Sample[]> = { web: [], "worker a": [] };
    let sampler: NodeJS.Timeout | null = null;
    let webLoad: NodeJS.Timeout | null = null;
    if (options.soakMinutes) {
      const fingerprint = sourceFingerprint();
      if (!servedBuild && !isBuildCurrent(fingerprint)) {
        console.log("building the console for the soak (next build)…");
        const build = buildApp(environment, fingerprint);
        if (!build.ok) throw new Error(`next build failed:\n${build.output}`);
      }
      const admin = await seedAdmin(postgres.url);
      web = await startApp({ ...environment, LOG_LEVEL: "warn" }, webPort);
      const webProcess = web;
      cleanups.push(() => stopProcess(webProcess, 10_000));
      const cookie = await signIn(`http://127.0.0.1:${webPort}`, admin);
      // A console left open on the dashboard: the requests its pages refresh with, every second.
      const paths = ["/api/sources", `/api/sources/${pairs[0]!.sourceId}`, `/api/sources/${pairs[1]!.sourceId}/pulls`, "/api/events?range=24h", "/api/system/status"];
      let next = 0;
      webLoad = setInterval(() => void fetch(`http://127.0.0.1:${webPort}${paths[next++ % paths.length]}`, { headers: { cookie } }).then((response) => response.arrayBuffer()).catch(() => {}), 1_000);
      sampler = setInterval(() => {
        for (const [name, pid] of [["web", webProcess.child.pid!], ["worker a", rig.workers[0]!.pid]] as const) {
          const sample = readProcess(pid);
          if (sample) samples[name]!.push({ rss: sample.rssBytes, handles: openHandles(pid) });
        }
      }, 10_000);
    }

    await fetch(`${slack.controlUrl}/traffic/resume`, { method: "POST" });
    console.log(`${pairs.length} source/log-type pairs, 2 workers, traffic ${TRAFFIC.auditPerMinute} audit/min, ${TRAFFIC.accessPerMinute} access and ${TRAFFIC.integrationPerMinute} integration/min per workspace`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

    const survived: { fault: string; round: number; evidence: string | null; seconds: number; diagnosis?: string }[] = [];
    const deadline = options.soakMinutes ? startedAt + options.soakMinutes * 60_000 : Number.POSITIVE_INFINITY;
    for (let round = 1; options.soakMinutes ? Date.now() < deadline : round <= options.rounds; round += 1) {
      for (const fault of FAULTS) {
        if (Date.now() >= deadline) break;
        const since = new Date();
        const caused = await fault.cause(rig);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const evidence = caused?.evidence ?? (await waitUntil(() => fault.evidence(rig, since), 30_000, 1_000).catch(() => null));
        const seconds = Math.round((Date.now() - since.getTime()) / 1000);
        survived.push({ fault: fault.name, round, evidence, seconds, ...(evidence ? {} : { diagnosis: await diagnose(rig, since) }) });
        console.log(`  round ${round}: ${fault.name.padEnd(26)} ${String(seconds).padStart(3)} s  ${evidence ? `seen: ${evidence.slice(0, 140)}` : "NOT SEEN in the pull history or the workers' health"}`);
      }
    }
    if (sampler) clearInterval(sampler);
    if (webLoad) clearInterval(webLoad);

    // Slack goes quiet; every pair must catch up with everything it served.
    await fetch(`${slack.controlUrl}/traffic/pause`, { method: "POST" });
    await fetch(`${slack.controlUrl}/faults`, { method: "DELETE" });
    const drainStartedAt = Date.now();
    let counts = await compareWithGroundTruth(rig, pairs);
    while (counts.some((count) => count.lost > 0) && Date.now() - drainStartedAt < DRAIN_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      counts = await compareWithGroundTruth(rig, pairs);
    }
    const drainSeconds = Math.round((Date.now() - drainStartedAt) / 1000);

    // Alarms: Slack never went quiet for the threshold, so no source may have alarmed.
    const alarmEmails = smtp.messages.filter((mail) => mail.to.includes(ALARM_RECIPIENT) && /ALARM/.test(subjectOf(mail))).length;
    const [alarmRows] = await query<{ alarms: number; incidents: number }>(
      postgres.url,
      "SELECT (SELECT count(*)::int FROM alarm_history WHERE kind = 'alarm') AS alarms, (SELECT count(*)::int FROM system_incidents) AS incidents",
    );
    const runs = await query<{ outcome: string; count: number }>(postgres.url, "SELECT outcome::text, count(*)::int FROM pull_runs GROUP BY outcome ORDER BY outcome");
    // Rows Slack served again (overlapping windows, retried pages, pulls resumed after a kill), each recognised and skipped.
    const [redelivered] = await query<{ rows: number }>(postgres.url, "SELECT coalesce(sum(duplicates), 0)::int AS rows FROM pull_runs");

    const totals = {
      expected: counts.reduce((sum, count) => sum + count.expected, 0),
      stored: counts.reduce((sum, count) => sum + count.stored, 0),
      lost: counts.reduce((sum, count) => sum + count.lost, 0),
      extra: counts.reduce((sum, count) => sum + count.extra, 0),
      duplicated: counts.reduce((sum, count) => sum + count.duplicated, 0),
    };
    const unseen = survived.filter((entry) => !entry.evidence);
    if (totals.lost > 0) failures.push(`${totals.lost} events Slack served were never stored (after ${drainSeconds} s of draining)`);
    if (totals.duplicated > 0) failures.push(`${totals.duplicated} events were stored more than once`);
    if (totals.extra > 0) failures.push(`${totals.extra} stored events are not in the emulator's ground truth`);
    for (const entry of unseen) failures.push(`fault "${entry.fault}" (round ${entry.round}) left no trace in the pull history or health; ${entry.diagnosis}`);
    if (alarmEmails > 0 || (alarmRows?.alarms ?? 0) > 0) failures.push(`${alarmEmails} alarm emails (${alarmRows?.alarms ?? 0} alarms) although Slack never went quiet`);
    const wholeFaults = survived.filter((entry) => /Redis|Postgres/.test(entry.fault)).length;
    if ((alarmRows?.incidents ?? 0) > wholeFaults) failures.push(`${alarmRows?.incidents} system incidents for ${wholeFaults} outages of Redis or Postgres`);

    console.log("");
    console.log(
      formatRows([
        ["source", "log type", "served", "stored", "lost", "twice", "not served"],
        ...counts.map((count) => [count.pair.name, count.pair.logType.replace("Slack.", ""), count.expected, count.stored, count.lost, count.duplicated, count.extra].map(String)),
      ]),
    );
    console.log(`\npull runs: ${runs.map((row) => `${row.outcome} ${row.count}`).join(", ")}; rows served again and skipped: ${redelivered?.rows ?? 0}; drained in ${drainSeconds} s`);
    console.log(`faults injected ${survived.length}, seen ${survived.length - unseen.length}; alarm emails ${alarmEmails}; system incidents ${alarmRows?.incidents ?? 0}`);

    const growth = options.soakMinutes ? Object.entries(samples).map(([name, list]) => growthOf(name, list)) : [];
    for (const entry of growth) {
      const problem = growthProblem(entry);
      if (problem) failures.push(problem);
    }
    if (growth.length > 0) {
      console.log("");
      console.log(
        formatRows([
          ["process", "RSS first MiB", "RSS last MiB", "peak MiB", "handles first", "handles last"],
          ...growth.map((entry) => [entry.process, entry.firstRssMiB, entry.lastRssMiB, entry.peakRssMiB, entry.firstHandles, entry.lastHandles].map(String)),
        ]),
      );
    }

    mkdirSync(RESULTS_DIRECTORY, { recursive: true });
    const name = options.soakMinutes ? "soak" : options.isSmoke ? "chaos.smoke" : "chaos";
    const result = {
      scenario: name,
      ranAt: new Date().toISOString(),
      minutes: Math.round((Date.now() - startedAt) / 600) / 100,
      rounds: Math.max(0, ...survived.map((entry) => entry.round)),
      faults: survived,
      events: totals,
      pairs: counts.map((count) => ({ source: count.pair.name, logType: count.pair.logType, served: count.expected, stored: count.stored, lost: count.lost, duplicated: count.duplicated, extra: count.extra })),
      pullRuns: Object.fromEntries(runs.map((row) => [row.outcome, row.count])),
      redeliveredRowsSkipped: redelivered?.rows ?? 0,
      drainSeconds,
      alarmEmails,
      systemIncidents: alarmRows?.incidents ?? 0,
      growth,
      failures,
    };
    writeFileSync(`${RESULTS_DIRECTORY}/${name}.json`, `${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(LOG_DIRECTORY, { recursive: true });
    writeFileSync(`${LOG_DIRECTORY}/${name}.workers.log`, `${log.join("\n")}\n`);
    console.log(`\nwrote ${RESULTS_DIRECTORY}/${name}.json (workers' log: ${LOG_DIRECTORY}/${name}.workers.log)`);
  } finally {
    await cleanUp();
  }
  if (failures.length > 0) {
    console.log(`\n✗ ${failures.length} problem(s):`);
    for (const failure of failures) console.log(`  - ${failure}`);
    process.exitCode = 1;
  } else {
    console.log("\n✓ nothing lost, nothing stored twice, every fault seen, no alarm storm");
  }
}

main().catch((error: unknown) => {
  console.error(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
