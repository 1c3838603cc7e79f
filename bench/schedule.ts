import pg from "pg";
import { benchDatabaseUrl, readPostgresFacts, recreateDatabase } from "@/bench/database";
import { clearBenchQueues, postgresCpuSeconds, runScript, sampleProcess, startEmulator, startWorker, stopProcess, toMiB, workerEnvironment, type Emulator } from "@/bench/pipeline";
import { scheduledDueTime } from "@/lib/metrics/worker";

// Issue 10 scenario 2: thousands of active sources, one audit-log pull each per interval, one
// worker process. Each scheduled pull is a BullMQ job whose ID carries its due time
// ("repeat:<scheduler>:<due ms>") and whose pull run records when it started, so lag and missed
// intervals are read afterwards from Postgres, with nothing added to the worker for the bench.

export const SCHEDULE_DEFAULTS = { sources: 10_000, minutes: 5, intervalSeconds: 60, latencyMs: 150, searchMinutes: 3, searchLimit: 40_000 } as const;
export const SCHEDULE_SMOKE_DEFAULTS = { sources: 40, minutes: 0.25, intervalSeconds: 10, latencyMs: 20, searchMinutes: 0, searchLimit: 0 } as const;
export const SCHEDULE_TARGETS = { p99LagSeconds: 10, missedIntervals: 0, peakRssMiB: 300 } as const;

const DATABASE = "tributary_bench_schedule";

export type ScheduleOptions = {
  isSmoke: boolean;
  sources: number;
  minutes: number;
  intervalSeconds: number;
  /** How long the emulator takes to answer each call (Slack is not instant). */
  latencyMs: number;
  /** Minutes measured per step of the search for the largest fleet; 0 skips the search. */
  searchMinutes: number;
  /** The search stops here even if the worker still keeps up. */
  searchLimit: number;
  log: (line: string) => void;
};

export type SchedulePass = {
  sources: number;
  minutes: number;
  intervalSeconds: number;
  due: number;
  done: number;
  missed: number;
  /** Sources with at least one missed interval. */
  sourcesMissing: number;
  lagSeconds: { p50: number; p90: number; p99: number; max: number } | null;
  /** Pulls that ended otherwise than SUCCEEDED in the window (they still count as done). */
  failedPulls: number;
  worker: { peakRssMiB: number; meanRssMiB: number; cpuCores: number };
  emulatorCpuCores: number;
  postgresCpuCores: number;
  isWithinTargets: boolean;
};

export type ScheduleRun = {
  database: string;
  postgres: Awaited<ReturnType<typeof readPostgresFacts>>;
  settings: { intervalSeconds: number; latencyMs: number; minutes: number; searchMinutes: number; pullConcurrency: string };
  main: SchedulePass;
  search: { passes: SchedulePass[]; largestSustained: number | null; firstFailing: number | null; stoppedAtLimit: boolean };
  targets: typeof SCHEDULE_TARGETS;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

type RunRow = { source_id: string; job_id: string; started_at: Date; outcome: string };

/**
 * Due vs done in [from, to): every source's slots are its phase (read from any of its job IDs)
 * plus whole intervals; a slot is done when a pull run carries its job ID. A source never pulled
 * in the whole pass has every slot missed.
 */
function tally(runs: readonly RunRow[], sourceIds: readonly string[], window: { from: number; to: number }, intervalMs: number) {
  const phases = new Map<string, number>();
  const doneSlots = new Map<string, Set<number>>();
  const lags: number[] = [];
  let failedPulls = 0;
  for (const run of runs) {
    const due = scheduledDueTime(run.job_id);
    if (due === null) continue;
    phases.set(run.source_id, ((due % intervalMs) + intervalMs) % intervalMs);
    if (due < window.from || due >= window.to) continue;
    const slots = doneSlots.get(run.source_id) ?? new Set<number>();
    if (slots.has(due)) continue;
    slots.add(due);
    doneSlots.set(run.source_id, slots);
    lags.push((run.started_at.getTime() - due) / 1000);
    if (run.outcome !== "SUCCEEDED") failedPulls += 1;
  }
  const slotsPerSource = (phase: number) => {
    const first = Math.ceil((window.from - phase) / intervalMs) * intervalMs + phase;
    return first >= window.to ? 0 : Math.floor((window.to - 1 - first) / intervalMs) + 1;
  };
  let due = 0;
  let done = 0;
  let sourcesMissing = 0;
  for (const sourceId of sourceIds) {
    const phase = phases.get(sourceId);
    const expected = phase === undefined ? Math.round((window.to - window.from) / intervalMs) : slotsPerSource(phase);
    const got = doneSlots.get(sourceId)?.size ?? 0;
    due += expected;
    done += Math.min(got, expected);
    if (got < expected) sourcesMissing += 1;
  }
  lags.sort((a, b) => a - b);
  const lagSeconds = lags.length === 0 ? null : { p50: percentile(lags, 0.5), p90: percentile(lags, 0.9), p99: percentile(lags, 0.99), max: lags[lags.length - 1]! };
  return { due, done, missed: due - done, sourcesMissing, lagSeconds, failedPulls };
}

async function countSources(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ count: number }>("SELECT count(*)::int AS count FROM sources");
  return rows[0]?.count ?? 0;
}

/** One measured pass: a fresh worker (and fresh queues) over `sources` sources for `minutes`. */
async function runPass(context: { client: pg.Client; databaseUrl: string; redisUrl: string; emulator: Emulator; environment: Record<string, string>; log: (line: string) => void }, sources: number, minutes: number, intervalSeconds: number): Promise<SchedulePass> {
  const { client, log } = context;
  const existing = await countSources(client);
  if (existing < sources) {
    const startedAt = performance.now();
    await runScript(["bench/create-sources.ts", "--control", context.emulator.controlUrl, "--count", String(sources - existing), "--first", String(existing + 1), "--backfill-minutes", "5"], context.environment);
    log(`  created ${(sources - existing).toLocaleString("en-US")} sources in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
  }
  // The first `sources` by name are active, the rest paused: a downward search step pulls fewer.
  await client.query(
    `UPDATE sources SET status = CASE WHEN ranked.position <= $1 THEN 'ACTIVE' ELSE 'PAUSED' END::"SourceStatus"
     FROM (SELECT id, row_number() OVER (ORDER BY name) AS position FROM sources) AS ranked WHERE sources.id = ranked.id`,
    [sources],
  );
  await client.query("TRUNCATE pull_runs");
  await clearBenchQueues(context.redisUrl);
  const intervalMs = intervalSeconds * 1000;
  const worker = await startWorker(context.environment);
  try {
    // The worker schedules every source at boot; the first round (one interval, plus the boot's
    // own catching up) is warm-up, then `minutes` are measured.
    await sleep(intervalMs + Math.min(intervalMs, 30_000));
    const from = Date.now();
    const postgresBefore = postgresCpuSeconds();
    const emulatorSampler = sampleProcess(context.emulator.process.child.pid!);
    const workerSampler = sampleProcess(worker.pid, 1000);
    log(`  measuring ${sources.toLocaleString("en-US")} sources for ${minutes} min`);
    await sleep(minutes * 60_000);
    const to = Date.now();
    const workerCost = workerSampler.stop();
    const emulatorCost = emulatorSampler.stop();
    const postgresSeconds = postgresCpuSeconds() - postgresBefore;
    // A slot due just before the end still gets one interval to start; later than that it is missed.
    await sleep(intervalMs);
    const { rows: runs } = await client.query<RunRow>("SELECT source_id, job_id, started_at, outcome FROM pull_runs WHERE job_id LIKE 'repeat:%' ORDER BY started_at");
    const { rows: sourceRows } = await client.query<{ id: string }>("SELECT id FROM sources WHERE status = 'ACTIVE'");
    const counts = tally(runs, sourceRows.map((row) => row.id), { from, to }, intervalMs);
    const seconds = (to - from) / 1000;
    const pass: SchedulePass = {
      sources,
      minutes,
      intervalSeconds,
      ...counts,
      worker: { peakRssMiB: toMiB(workerCost.peakRssBytes), meanRssMiB: toMiB(workerCost.meanRssBytes), cpuCores: workerCost.cpuSeconds / seconds },
      emulatorCpuCores: emulatorCost.cpuSeconds / seconds,
      postgresCpuCores: postgresSeconds / seconds,
      isWithinTargets: false,
    };
    pass.isWithinTargets = pass.missed <= SCHEDULE_TARGETS.missedIntervals && pass.lagSeconds !== null && pass.lagSeconds.p99 < SCHEDULE_TARGETS.p99LagSeconds;
    log(
      `  due ${pass.due.toLocaleString("en-US")}, done ${pass.done.toLocaleString("en-US")}, missed ${pass.missed.toLocaleString("en-US")}; lag p50 ${pass.lagSeconds?.p50.toFixed(2) ?? "—"} s, p99 ${pass.lagSeconds?.p99.toFixed(2) ?? "—"} s; worker ${pass.worker.peakRssMiB} MiB peak, ${pass.worker.cpuCores.toFixed(2)} cores`,
    );
    return pass;
  } finally {
    await stopProcess(worker.process, 30_000);
  }
}

/** Sizes tried after the main pass: upward while the worker keeps up, downward if it did not. */
function nextSize(current: number, passed: boolean): number {
  return passed ? Math.round((current * 1.5) / 1000) * 1000 || current * 2 : Math.max(1, Math.round((current * 0.6) / 500) * 500);
}

export async function runSchedule(options: ScheduleOptions): Promise<ScheduleRun> {
  const { log } = options;
  const databaseUrl = benchDatabaseUrl(DATABASE);
  log(`creating the bench database ${DATABASE}`);
  await recreateDatabase(databaseUrl);
  const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";
  // Every source here is in the emulator's one organization; in life each is its own org with its
  // own Tier 3 budget, so the org-wide budget is sped up out of the way.
  const emulator = await startEmulator({ speedUp: 100_000, latencyMs: options.latencyMs });
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const environment = workerEnvironment(databaseUrl, emulator, { PULL_INTERVAL_SECONDS: String(options.intervalSeconds), REDIS_URL: redisUrl });
    const context = { client, databaseUrl, redisUrl, emulator, environment, log };
    log(`${options.sources.toLocaleString("en-US")} sources × 1 log type every ${options.intervalSeconds} s for ${options.minutes} min (Slack answering in ${options.latencyMs} ms)`);
    const main = await runPass(context, options.sources, options.minutes, options.intervalSeconds);
    const passes: SchedulePass[] = [];
    let largestSustained: number | null = main.isWithinTargets ? main.sources : null;
    let firstFailing: number | null = main.isWithinTargets ? null : main.sources;
    let stoppedAtLimit = false;
    if (options.searchMinutes > 0) {
      let size = nextSize(main.sources, main.isWithinTargets);
      for (;;) {
        if (main.isWithinTargets && size > options.searchLimit) {
          stoppedAtLimit = true;
          break;
        }
        log(`search: ${size.toLocaleString("en-US")} sources`);
        const pass = await runPass(context, size, options.searchMinutes, options.intervalSeconds);
        passes.push(pass);
        if (pass.isWithinTargets) largestSustained = Math.max(largestSustained ?? 0, size);
        else firstFailing = Math.min(firstFailing ?? Infinity, size);
        // Upward until the first failure; downward (from a failing main pass) until the first success.
        if (main.isWithinTargets ? !pass.isWithinTargets : pass.isWithinTargets || size <= 500) break;
        size = nextSize(size, pass.isWithinTargets);
      }
      // One step between the last size held and the first that was not narrows the headline.
      const between = largestSustained !== null && firstFailing !== null ? Math.round((largestSustained + firstFailing) / 1000) * 500 : null;
      if (between !== null && between > largestSustained! && between < firstFailing!) {
        log(`search: ${between.toLocaleString("en-US")} sources (between the last held and the first not)`);
        const pass = await runPass(context, between, options.searchMinutes, options.intervalSeconds);
        passes.push(pass);
        if (pass.isWithinTargets) largestSustained = between;
        else firstFailing = between;
      }
    }
    return {
      database: DATABASE,
      postgres: await readPostgresFacts(databaseUrl),
      settings: { intervalSeconds: options.intervalSeconds, latencyMs: options.latencyMs, minutes: options.minutes, searchMinutes: options.searchMinutes, pullConcurrency: context.environment.WORKER_PULL_CONCURRENCY ?? "default" },
      main,
      search: { passes, largestSustained, firstFailing, stoppedAtLimit },
      targets: SCHEDULE_TARGETS,
    };
  } finally {
    await client.end().catch(() => {});
    await stopProcess(emulator.process, 5_000);
  }
}
