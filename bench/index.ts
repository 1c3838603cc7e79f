import { parseArgs } from "node:util";
import { DASHBOARD_DEFAULTS, DASHBOARD_SMOKE_DEFAULTS, runDashboard, type DashboardRun } from "@/bench/dashboard";
import { INGEST_DEFAULTS, INGEST_SMOKE_DEFAULTS, runIngest, type IngestRun } from "@/bench/ingest";
import { formatRows, formatTable, readGitFacts, readMachineFacts, writeResultFile } from "@/bench/report";
import { stopEverything } from "@/bench/pipeline";
import { runSchedule, SCHEDULE_DEFAULTS, SCHEDULE_SMOKE_DEFAULTS, type SchedulePass, type ScheduleRun } from "@/bench/schedule";

// `npm run bench -- [ingest|schedule|dashboard|all] [options]`: runs each scenario against its own
// database, emulator and processes, prints a table and writes bench/results/<scenario>.json (the
// smoke variant writes <scenario>.smoke.json and other sizes <scenario>.custom.json, both ignored
// by git, so they never replace the published figures).

const SCENARIOS = ["ingest", "schedule", "dashboard"] as const;
type Scenario = (typeof SCENARIOS)[number];

const USAGE = `usage: npm run bench -- [ingest|schedule|dashboard|all] [options]

  --smoke            small sizes: checks that every figure is produced (seconds per scenario)
  ingest
    --events N       audit events in the backfill window (${INGEST_DEFAULTS.events.toLocaleString("en-US")})
  schedule
    --sources N      active sources (${SCHEDULE_DEFAULTS.sources.toLocaleString("en-US")})
    --minutes N      minutes measured (${SCHEDULE_DEFAULTS.minutes})
    --search-minutes N  minutes per step of the search for the largest fleet (${SCHEDULE_DEFAULTS.searchMinutes}; 0 skips it)
    --latency-ms N   how long the emulator takes to answer each call (${SCHEDULE_DEFAULTS.latencyMs})
  dashboard
    --sources N      sources to seed (${DASHBOARD_DEFAULTS.sources.toLocaleString("en-US")})
    --events N       events to seed (${DASHBOARD_DEFAULTS.events.toLocaleString("en-US")})
    --keep           reuse the bench database if it was seeded with the same parameters
    --no-build       serve the existing .next-bench build instead of building when the source changed
    --requests N     timed requests per endpoint (${DASHBOARD_DEFAULTS.requests}; smoke ${DASHBOARD_SMOKE_DEFAULTS.requests})
    --concurrency N  a second pass with N requests in flight (${DASHBOARD_DEFAULTS.concurrency}; 0 skips it)`;

function wholeNumber(name: string, value: string | undefined): number | undefined {
  const number = positiveNumber(name, value);
  if (number !== undefined && !Number.isSafeInteger(number)) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return number;
}

/** Minutes may be fractional (the smoke run measures a quarter of a minute). */
function positiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isFinite(number) || number < 0) throw new Error(`--${name} must be a number, 0 or more, got "${value}"`);
  return number;
}

function parseCommandLine(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      smoke: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
      sources: { type: "string" },
      events: { type: "string" },
      requests: { type: "string" },
      concurrency: { type: "string" },
      minutes: { type: "string" },
      "search-minutes": { type: "string" },
      "latency-ms": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const requested = positionals.length === 0 ? ["all"] : positionals;
  for (const name of requested) {
    if (name !== "all" && !(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n\n${USAGE}`);
  }
  const scenarios = requested.includes("all") ? [...SCENARIOS] : (requested as Scenario[]);
  const isSmoke = values.smoke;
  const dashboard = isSmoke ? DASHBOARD_SMOKE_DEFAULTS : DASHBOARD_DEFAULTS;
  const ingest = isSmoke ? INGEST_SMOKE_DEFAULTS : INGEST_DEFAULTS;
  const schedule = isSmoke ? SCHEDULE_SMOKE_DEFAULTS : SCHEDULE_DEFAULTS;
  const sources = wholeNumber("sources", values.sources);
  const events = wholeNumber("events", values.events);
  return {
    isHelp: values.help,
    scenarios: [...new Set(scenarios)],
    isSmoke,
    dashboard: {
      isSmoke,
      shouldKeep: values.keep,
      shouldBuild: !values["no-build"],
      sources: sources ?? dashboard.sources,
      events: events ?? dashboard.events,
      days: dashboard.days,
      requests: wholeNumber("requests", values.requests) ?? dashboard.requests,
      warmup: dashboard.warmup,
      concurrency: wholeNumber("concurrency", values.concurrency) ?? dashboard.concurrency,
    },
    ingest: { isSmoke, events: events ?? ingest.events },
    schedule: {
      isSmoke,
      sources: sources ?? schedule.sources,
      minutes: positiveNumber("minutes", values.minutes) ?? schedule.minutes,
      intervalSeconds: schedule.intervalSeconds,
      latencyMs: wholeNumber("latency-ms", values["latency-ms"]) ?? schedule.latencyMs,
      searchMinutes: positiveNumber("search-minutes", values["search-minutes"]) ?? schedule.searchMinutes,
      searchLimit: schedule.searchLimit,
    },
  };
}

type Options = ReturnType<typeof parseCommandLine>;

/**
 * The published figures are bench/results/<scenario>.json, from the default sizes only; a smoke run
 * or one with other sizes writes beside it (both gitignored) rather than over it.
 */
function resultPath(scenario: Scenario, options: Options): string {
  const isDefaultSize =
    scenario === "dashboard"
      ? options.dashboard.sources === DASHBOARD_DEFAULTS.sources && options.dashboard.events === DASHBOARD_DEFAULTS.events
      : scenario === "ingest"
        ? options.ingest.events === INGEST_DEFAULTS.events
        : options.schedule.sources === SCHEDULE_DEFAULTS.sources && options.schedule.minutes === SCHEDULE_DEFAULTS.minutes && options.schedule.latencyMs === SCHEDULE_DEFAULTS.latencyMs;
  const variant = options.isSmoke ? ".smoke" : isDefaultSize ? "" : ".custom";
  return `bench/results/${scenario}${variant}.json`;
}

function printDashboard(run: DashboardRun) {
  console.log(`\ndashboard: ${run.seed.parameters.sources} sources, ${Number(run.seed.parameters.events).toLocaleString("en-US")} events, ${run.settings.requests} requests each, one at a time`);
  console.log(formatTable(run.sequential));
  if (run.concurrent.length > 0) {
    console.log(`\n${run.settings.concurrency} requests in flight (for information; the target is for one at a time)`);
    console.log(formatTable(run.concurrent));
  }
}

const whole = (value: number) => Math.round(value).toLocaleString("en-US");
const verdict = (isMet: boolean) => (isMet ? "ok" : "MISSED");

function printIngest(run: IngestRun) {
  const { pull, copy, worker, targets, verdicts } = run;
  console.log(`\ningest: ${whole(run.events)} audit events in one backfill window, one worker`);
  console.log(
    formatRows([
      ["figure", "measured", "target", "verdict"],
      ["pull, events/s (first request to last commit)", whole(pull.eventsPerSecond), `≥ ${whole(targets.eventsPerSecond)}`, verdict(verdicts.eventsPerSecond)],
      ["COPY of the same rows, rows/s", whole(copy.rowsPerSecond), "reference", ""],
      ["pull ÷ COPY", run.ratioToCopy.toFixed(2), `≥ ${targets.ratioToCopy}`, verdict(verdicts.ratioToCopy)],
      ["worker peak RSS, MiB", worker.peakRssMiB.toFixed(0), `< ${targets.peakRssMiB}`, verdict(verdicts.peakRss)],
      ["stored / served distinct / expected", `${whole(pull.storedInTable)} / ${whole(pull.servedDistinct)} / ${whole(run.events)}`, "equal", verdict(verdicts.exactlyOnce)],
    ]),
  );
  console.log(
    `CPU while pulling (cores of ${readMachineFacts().cores}): worker ${worker.cpuCores.toFixed(2)}, Postgres ${run.postgresCpu.cores.toFixed(2)}, emulator ${run.emulator.cpuCores.toFixed(2)}; ${pull.pages} pages in ${pull.seconds.toFixed(1)} s`,
  );
}

function passRow(pass: SchedulePass): string[] {
  return [
    whole(pass.sources),
    `${pass.minutes} min`,
    `${whole(pass.done)} / ${whole(pass.due)}`,
    whole(pass.missed),
    pass.lagSeconds ? pass.lagSeconds.p50.toFixed(2) : "—",
    pass.lagSeconds ? pass.lagSeconds.p99.toFixed(2) : "—",
    pass.worker.peakRssMiB.toFixed(0),
    pass.worker.cpuCores.toFixed(2),
    pass.isWithinTargets ? "ok" : "MISSED",
  ];
}

function printSchedule(run: ScheduleRun) {
  console.log(`\nschedule: one audit-log pull per source every ${run.settings.intervalSeconds} s, Slack answering in ${run.settings.latencyMs} ms, one worker`);
  console.log(
    formatRows([
      ["sources", "measured", "done / due", "missed", "lag p50 s", "lag p99 s", "peak RSS MiB", "worker cores", "verdict"],
      passRow(run.main),
      ...run.search.passes.map(passRow),
    ]),
  );
  const { largestSustained, firstFailing, stoppedAtLimit } = run.search;
  if (run.search.passes.length > 0 || !run.main.isWithinTargets) {
    const limit = stoppedAtLimit ? " (the search stopped at its limit)" : firstFailing ? `; ${whole(firstFailing)} did not` : "";
    console.log(largestSustained ? `largest fleet held at p99 lag < ${run.targets.p99LagSeconds} s with no missed interval: ${whole(largestSustained)} sources${limit}` : `no size tried was held within the targets`);
  }
}

async function runScenario(scenario: Scenario, options: Options): Promise<{ content: Record<string, unknown>; isBroken: boolean }> {
  const log = (line: string) => console.log(line);
  if (scenario === "dashboard") {
    const run = await runDashboard({ ...options.dashboard, log });
    printDashboard(run);
    const { postgres, database, seed, build, settings, sequential, concurrent } = run;
    // Slow is a finding, reported above; an endpoint that could not be measured fails the run (and
    // the smoke run in `npm test` with it).
    const isBroken = sequential.some((result) => result.outcome === "errors" || result.outcome === "missing");
    return { content: { postgres, database, seed, build, settings, targetMs: sequential[0]?.targetMs ?? null, results: sequential, concurrent }, isBroken };
  }
  if (scenario === "ingest") {
    const run = await runIngest({ ...options.ingest, log });
    printIngest(run);
    // Fewer or more events stored than served is a broken pipeline, not a slow one.
    return { content: { ...run }, isBroken: !run.verdicts.exactlyOnce };
  }
  const run = await runSchedule({ ...options.schedule, log });
  printSchedule(run);
  // A pass that pulled nothing measured nothing.
  return { content: { ...run }, isBroken: run.main.done === 0 || run.main.lagSeconds === null };
}

// Ctrl-C stops the worker and emulator too: they run in process groups of their own.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping what it started`);
    void stopEverything().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const options = parseCommandLine(process.argv.slice(2));
  if (options.isHelp) {
    console.log(USAGE);
    return 0;
  }
  let exitCode = 0;
  for (const scenario of options.scenarios) {
    const machine = readMachineFacts();
    const startedAt = new Date();
    console.log(`\n━━ ${scenario}${options.isSmoke ? " (smoke)" : ""} ━━`);
    const { content, isBroken } = await runScenario(scenario, options);
    const path = resultPath(scenario, options);
    writeResultFile(path, {
      scenario,
      isSmoke: options.isSmoke,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      git: readGitFacts(),
      machine,
      ...content,
    });
    console.log(`\nwrote ${path}`);
    if (isBroken) exitCode = 1;
  }
  return exitCode;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
