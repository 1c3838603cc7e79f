import { parseArgs } from "node:util";
import { DASHBOARD_DEFAULTS, DASHBOARD_SMOKE_DEFAULTS, runDashboard, type DashboardRun } from "@/bench/dashboard";
import { formatTable, readGitFacts, readMachineFacts, writeResultFile } from "@/bench/report";

// `npm run bench -- [dashboard|ingest|schedule|all] [options]`: runs each scenario against its own
// database and servers, prints a table and writes bench/results/<scenario>.json (the smoke variant
// writes <scenario>.smoke.json, which is not committed, so it never replaces published figures).

const SCENARIOS = ["ingest", "schedule", "dashboard"] as const;
type Scenario = (typeof SCENARIOS)[number];
const IMPLEMENTED: ReadonlySet<Scenario> = new Set(["dashboard"]);

const USAGE = `usage: npm run bench -- [dashboard|ingest|schedule|all] [options]

  --smoke            small sizes, few requests: checks that the figures are produced (seconds)
  --sources N        sources to seed (dashboard: ${DASHBOARD_DEFAULTS.sources.toLocaleString("en-US")})
  --events N         events to seed (dashboard: ${DASHBOARD_DEFAULTS.events.toLocaleString("en-US")})
  --keep             reuse the bench database if it was seeded with the same parameters
  --no-build         serve the existing .next-bench build instead of building when the source changed
  --requests N       timed requests per endpoint (${DASHBOARD_DEFAULTS.requests}; smoke ${DASHBOARD_SMOKE_DEFAULTS.requests})
  --concurrency N    a second pass with N requests in flight (${DASHBOARD_DEFAULTS.concurrency}; 0 skips it)`;

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isSafeInteger(number) || number < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
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
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const requested = positionals.length === 0 ? ["all"] : positionals;
  for (const name of requested) {
    if (name !== "all" && !(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"\n\n${USAGE}`);
  }
  const isAll = requested.includes("all");
  const scenarios = isAll ? SCENARIOS.filter((scenario) => IMPLEMENTED.has(scenario)) : (requested as Scenario[]);
  const defaults = values.smoke ? DASHBOARD_SMOKE_DEFAULTS : DASHBOARD_DEFAULTS;
  return {
    isHelp: values.help,
    isAll,
    scenarios: [...new Set(scenarios)],
    isSmoke: values.smoke,
    shouldKeep: values.keep,
    shouldBuild: !values["no-build"],
    sources: positiveInteger("sources", values.sources) ?? defaults.sources,
    events: positiveInteger("events", values.events) ?? defaults.events,
    days: defaults.days,
    requests: positiveInteger("requests", values.requests) ?? defaults.requests,
    warmup: defaults.warmup,
    concurrency: positiveInteger("concurrency", values.concurrency) ?? defaults.concurrency,
  };
}

/**
 * The published figures are bench/results/<scenario>.json, from the default sizes only; a smoke run
 * or one with other sizes writes beside it (both gitignored) rather than over it.
 */
function resultPath(scenario: Scenario, options: { isSmoke: boolean; sources: number; events: number }): string {
  const isDefaultSize = options.sources === DASHBOARD_DEFAULTS.sources && options.events === DASHBOARD_DEFAULTS.events;
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

async function main(): Promise<number> {
  const options = parseCommandLine(process.argv.slice(2));
  if (options.isHelp) {
    console.log(USAGE);
    return 0;
  }
  let exitCode = 0;
  for (const scenario of options.scenarios) {
    if (!IMPLEMENTED.has(scenario)) {
      console.error(`${scenario}: not implemented yet (issue 10)`);
      exitCode = 1;
      continue;
    }
    const machine = readMachineFacts();
    const startedAt = new Date();
    console.log(`\n━━ ${scenario}${options.isSmoke ? " (smoke)" : ""} ━━`);
    const run = await runDashboard({ ...options, log: (line) => console.log(line) });
    printDashboard(run);
    const path = resultPath(scenario, options);
    writeResultFile(path, {
      scenario,
      isSmoke: options.isSmoke,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      git: readGitFacts(),
      machine,
      postgres: run.postgres,
      database: run.database,
      seed: run.seed,
      build: run.build,
      settings: run.settings,
      targetMs: run.sequential[0]?.targetMs ?? null,
      results: run.sequential,
      concurrent: run.concurrent,
    });
    console.log(`\nwrote ${path}`);
    // Slow is a finding, reported above; an endpoint that could not be measured fails the run (and
    // the smoke run in `npm test` with it).
    if (run.sequential.some((result) => result.outcome === "errors" || result.outcome === "missing")) exitCode = 1;
  }
  if (options.isAll) console.log(`\n(ingest and schedule: not implemented yet, issue 10)`);
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
