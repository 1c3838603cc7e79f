import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { benchDatabaseUrl, readPostgresFacts, recreateDatabase } from "@/bench/database";
import { BENCH_QUEUE_PREFIX, clearBenchQueues, emulatorCall, postgresCpuSeconds, runScript, sampleProcess, startEmulator, startWorker, stopProcess, toMiB, workerEnvironment, type Emulator, type Worker } from "@/bench/pipeline";
import { queuePullNow } from "@/scripts/lib/test-helpers";

// Issue 10 scenario 1: one source whose first pull finds millions of audit events in its backfill
// window, served by the emulator's bulk mode; one worker process pulls them. End to end (from the
// run's start, before its first request, to the commit of its last page) against the same rows
// loaded with COPY into an identical empty table (same columns, same indexes) in the same run.

export const INGEST_DEFAULTS = { events: 2_000_000 } as const;
export const INGEST_SMOKE_DEFAULTS = { events: 20_000 } as const;
export const INGEST_TARGETS = { eventsPerSecond: 30_000, ratioToCopy: 0.75, peakRssMiB: 300 } as const;

const DATABASE = "tributary_bench_ingest";
/** The bulk window ends this long before now, so "now" traffic can never land in it. */
const WINDOW_END_BEFORE_NOW_SECONDS = 3600;
const WINDOW_SECONDS = 3600;
const POLL_MS = 100;

export type IngestOptions = { isSmoke: boolean; events: number; log: (line: string) => void };

export type IngestRun = {
  database: string;
  postgres: Awaited<ReturnType<typeof readPostgresFacts>>;
  events: number;
  pull: {
    outcome: string;
    pages: number;
    fetched: number;
    stored: number;
    duplicates: number;
    failures: number;
    seconds: number;
    eventsPerSecond: number;
    storedInTable: number;
    servedDistinct: number;
    servedRows: number;
  };
  copy: { rows: number; seconds: number; rowsPerSecond: number; fileMiB: number };
  ratioToCopy: number;
  worker: { peakRssMiB: number; meanRssMiB: number; cpuSeconds: number; cpuCores: number };
  emulator: { cpuSeconds: number; cpuCores: number };
  postgresCpu: { seconds: number; cores: number };
  targets: typeof INGEST_TARGETS;
  verdicts: { eventsPerSecond: boolean; ratioToCopy: boolean; peakRss: boolean; exactlyOnce: boolean };
};

type RunRow = { outcome: string; pages: number; fetched: number; stored: number; duplicates: number; failures: number; started_at: Date; error: string | null };

async function waitForRun(client: pg.Client, timeoutMs: number): Promise<{ run: RunRow; endedAt: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<RunRow>("SELECT outcome, pages, fetched, stored, duplicates, failures, started_at, error FROM pull_runs ORDER BY started_at LIMIT 1");
    const run = rows[0];
    if (run && run.outcome !== "RUNNING") return { run, endedAt: Date.now() };
    if (Date.now() > deadline) throw new Error(`the pull did not finish within ${Math.round(timeoutMs / 1000)} s${run ? ` (${run.stored} events stored so far)` : " (it never started)"}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const COLUMNS = "p_source_id, p_source_label, p_log_type, p_row_id, p_event_time, p_parse_time, p_any_ip_addresses, p_any_emails, p_any_usernames, dedupe_key, event, pull_run_id, action";

function psql(databaseUrl: string, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("psql", ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", "-d", databaseUrl, "-c", command], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`psql failed (${code}): ${stderr.trim()}`))));
  });
}

/**
 * The physical reference: the rows the pull stored, written to a file (untimed), then loaded with a
 * client-side COPY into a new table created LIKE events INCLUDING ALL, i.e. with every index the
 * pull had to maintain: an unpartitioned table, like the one monthly partition a backfill window
 * lands in.
 */
async function copyReference(databaseUrl: string, client: pg.Client, rows: number): Promise<IngestRun["copy"]> {
  const directory = mkdtempSync(join(tmpdir(), "tributary-bench-"));
  const file = join(directory, "events.copy");
  try {
    await psql(databaseUrl, `\\copy (SELECT ${COLUMNS} FROM events ORDER BY id) TO '${file}'`);
    await client.query("DROP TABLE IF EXISTS bench_copy_events");
    await client.query("CREATE TABLE bench_copy_events (LIKE events INCLUDING ALL)");
    await client.query("CHECKPOINT");
    const startedAt = performance.now();
    await psql(databaseUrl, `\\copy bench_copy_events (${COLUMNS}) FROM '${file}'`);
    const seconds = (performance.now() - startedAt) / 1000;
    const { rows: counted } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM bench_copy_events");
    if (counted[0]?.count !== rows) throw new Error(`COPY loaded ${counted[0]?.count} rows, expected ${rows}`);
    return { rows, seconds, rowsPerSecond: rows / seconds, fileMiB: toMiB(statSync(file).size) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await client.query("DROP TABLE IF EXISTS bench_copy_events").catch(() => {});
  }
}

export async function runIngest(options: IngestOptions): Promise<IngestRun> {
  const { log } = options;
  const databaseUrl = benchDatabaseUrl(DATABASE);
  log(`creating the bench database ${DATABASE}`);
  await recreateDatabase(databaseUrl);
  const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";
  await clearBenchQueues(redisUrl);
  let emulator: Emulator | null = null;
  let worker: Worker | null = null;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Slack's Tier 3 (50 audit calls a minute per org) would bound the pull at ~8,300 events/s:
    // the emulator's windows and Tributary's own budget run 60 times faster, so what is measured is
    // Tributary, not the budget.
    emulator = await startEmulator({ speedUp: 60 });
    const now = Math.floor(Date.now() / 1000);
    const latest = now - WINDOW_END_BEFORE_NOW_SECONDS;
    const oldest = latest - WINDOW_SECONDS + 1;
    await emulatorCall(emulator, "POST", "/bulk-audit", { count: options.events, oldest, latest, seed: "bench-ingest" });
    const environment = workerEnvironment(databaseUrl, emulator, { SLACK_RATE_LIMIT_WINDOW_SECONDS: "1", REDIS_URL: redisUrl });
    // The backfill reaches past the bulk window's start, so the first pull is that whole window.
    await runScript(["bench/create-sources.ts", "--control", emulator.controlUrl, "--count", "1", "--backfill-minutes", String(Math.ceil((now - oldest) / 60) + 5)], environment);
    await client.query("CHECKPOINT");
    log(`pulling ${options.events.toLocaleString("en-US")} audit events (one backfill window of ${WINDOW_SECONDS / 60} min) with one worker`);
    const postgresBefore = postgresCpuSeconds();
    const emulatorSampler = sampleProcess(emulator.process.child.pid!);
    worker = await startWorker(environment);
    const workerSampler = sampleProcess(worker.pid, 250);
    const { rows: sources } = await client.query<{ id: string }>("SELECT id FROM sources");
    // Now, not at the schedule's phase (up to a minute away): the run is timed from its own start anyway.
    await queuePullNow(redisUrl, BENCH_QUEUE_PREFIX, { sourceId: sources[0]!.id, logType: "Slack.AuditLogs" });
    const { run, endedAt } = await waitForRun(client, options.isSmoke ? 120_000 : 30 * 60_000);
    const workerCost = workerSampler.stop();
    const emulatorCost = emulatorSampler.stop();
    const postgresSeconds = postgresCpuSeconds() - postgresBefore;
    await stopProcess(worker.process, 10_000);
    worker = null;
    if (run.outcome !== "SUCCEEDED") throw new Error(`the pull ended ${run.outcome}: ${run.error ?? "no error recorded"}`);
    const seconds = (endedAt - run.started_at.getTime()) / 1000;
    const { rows: counted } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM events");
    const storedInTable = counted[0]?.count ?? 0;
    const truth = await emulatorCall<{ served: { bulk: { distinct: number; rows: number } } }>(emulator, "GET", `/ground-truth?kind=audit&limit=1`);
    const pull = {
      outcome: run.outcome,
      pages: run.pages,
      fetched: run.fetched,
      stored: run.stored,
      duplicates: run.duplicates,
      failures: run.failures,
      seconds,
      eventsPerSecond: run.stored / seconds,
      storedInTable,
      servedDistinct: truth.served.bulk.distinct,
      servedRows: truth.served.bulk.rows,
    };
    log(`pulled in ${seconds.toFixed(1)} s: ${Math.round(pull.eventsPerSecond).toLocaleString("en-US")} events/s; worker peak RSS ${toMiB(workerCost.peakRssBytes)} MiB`);
    log("loading the same rows with COPY into an identical empty table");
    const copy = await copyReference(databaseUrl, client, storedInTable);
    log(`COPY: ${copy.seconds.toFixed(1)} s, ${Math.round(copy.rowsPerSecond).toLocaleString("en-US")} rows/s`);
    const ratioToCopy = pull.eventsPerSecond / copy.rowsPerSecond;
    const workerReport = { peakRssMiB: toMiB(workerCost.peakRssBytes), meanRssMiB: toMiB(workerCost.meanRssBytes), cpuSeconds: workerCost.cpuSeconds, cpuCores: workerCost.cpuSeconds / seconds };
    return {
      database: DATABASE,
      postgres: await readPostgresFacts(databaseUrl),
      events: options.events,
      pull,
      copy,
      ratioToCopy,
      worker: workerReport,
      emulator: { cpuSeconds: emulatorCost.cpuSeconds, cpuCores: emulatorCost.cpuSeconds / seconds },
      postgresCpu: { seconds: postgresSeconds, cores: postgresSeconds / seconds },
      targets: INGEST_TARGETS,
      verdicts: {
        eventsPerSecond: pull.eventsPerSecond >= INGEST_TARGETS.eventsPerSecond,
        ratioToCopy: ratioToCopy >= INGEST_TARGETS.ratioToCopy,
        peakRss: workerReport.peakRssMiB < INGEST_TARGETS.peakRssMiB,
        exactlyOnce: storedInTable === options.events && pull.servedDistinct === options.events,
      },
    };
  } finally {
    if (worker) await stopProcess(worker.process, 5_000);
    if (emulator) await stopProcess(emulator.process, 5_000);
    await client.end().catch(() => {});
  }
}
