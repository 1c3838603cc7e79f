import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { relative } from "node:path";
import { ensureServices } from "@/scripts/lib/services";
import { TEST_DATABASE_URL, testEnvironment } from "@/scripts/lib/test-env";

// `npm test`: type-check and lint, unit + integration tests (vitest, real Postgres and Redis), a
// production build, Playwright end to end, then a round of the chaos suite beside the benchmarks'
// smoke runs. Every step runs even if an earlier one failed, so one run shows everything that is
// wrong; the last line counts passed and failed.

const BIN = "node_modules/.bin";
const RESULTS = "test-results";
const environment: NodeJS.ProcessEnv = { ...process.env, ...testEnvironment() };

type Step = { name: string; ok: boolean; seconds: number; passed?: number; failed?: number; skipped?: number; why?: string[] };
const steps: Step[] = [];

function heading(text: string) {
  console.log(`\n\x1b[1m━━ ${text} ━━\x1b[0m`);
}

/** Lines a failed step's summary repeats: CI often shows only the end of a long log. */
const TAIL_LINES = 25;

/**
 * Runs one step with its output passed through as it comes, keeping its last lines so the summary can
 * say why it failed (for test steps, the failing cases' names replace them).
 */
async function runStep(
  name: string,
  command: string,
  args: string[],
  details?: () => Pick<Step, "passed" | "failed" | "skipped"> & { failedCases?: string[] },
  options: { linePrefix?: string; environment?: Record<string, string> } = {},
): Promise<boolean> {
  heading(name);
  const startedAt = Date.now();
  const tail: string[] = [];
  const partial = { stdout: "", stderr: "" };
  const keep = (stream: "stdout" | "stderr", chunk: Buffer) => {
    const lines = (partial[stream] + chunk.toString("utf8")).split("\n");
    partial[stream] = lines.pop() ?? "";
    tail.push(...lines);
    tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    return lines;
  };
  const child = spawn(command, args, { env: { ...environment, ...options.environment }, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream].on("data", (chunk: Buffer) => {
      const lines = keep(stream, chunk);
      // Steps that run side by side print whole lines, each marked with its step; a lone step passes
      // its output through as it comes (progress bars, partial lines).
      if (options.linePrefix === undefined) process[stream].write(chunk);
      else for (const line of lines) process[stream].write(`${options.linePrefix}${line}\n`);
    });
  }
  const status = await new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      tail.push(`could not start ${command}: ${error.message}`);
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  for (const stream of ["stdout", "stderr"] as const) {
    if (!partial[stream]) continue;
    tail.push(partial[stream]);
    if (options.linePrefix !== undefined) process[stream].write(`${options.linePrefix}${partial[stream]}\n`);
  }
  const step: Step = { name, ok: status === 0, seconds: Math.round((Date.now() - startedAt) / 100) / 10 };
  const { failedCases, ...counts } = details?.() ?? {};
  Object.assign(step, counts);
  if (!step.ok) step.why = failedCases && failedCases.length > 0 ? failedCases : tail.map(stripColors).filter((line) => line.trim() !== "");
  steps.push(step);
  return step.ok;
}

/**
 * The opening lines of a failure's message, indented under its case: CI shows only the end of a long
 * log, so the summary must carry what failed, not just where.
 */
function firstLines(message: string | undefined, count = 12): string[] {
  if (!message) return [];
  return stripColors(message)
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, count)
    .map((line) => `    ${line.slice(0, 300)}`);
}

function stripColors(line: string): string {
  return line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

type VitestReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; message?: string; assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
};

function vitestCounts() {
  const report = readJson<VitestReport>(`${RESULTS}/vitest.json`);
  if (!report) return {};
  const failedCases = report.testResults.flatMap((file) => {
    const path = relative(process.cwd(), file.name);
    const cases = file.assertionResults
      .filter((test) => test.status === "failed")
      .flatMap((test) => [`${path} › ${test.fullName}`, ...firstLines(test.failureMessages?.[0])]);
    // A file that failed before its cases ran (an import error, a failing hook) has no failed case.
    return cases.length > 0 || file.status !== "failed" ? cases : [`${path}: ${(file.message ?? "failed").split("\n")[0]}`];
  });
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests, failedCases };
}

type PlaywrightSpec = { title: string; line: number; ok: boolean; tests?: { results?: { error?: { message?: string } }[] }[] };
type PlaywrightSuite = { title: string; file: string; specs?: PlaywrightSpec[]; suites?: PlaywrightSuite[] };

function failedSpecs(suite: PlaywrightSuite): string[] {
  const own = (suite.specs ?? [])
    .filter((spec) => !spec.ok)
    .flatMap((spec) => {
      const error = spec.tests?.flatMap((test) => test.results ?? []).find((result) => result.error?.message)?.error?.message;
      return [`${suite.file}:${spec.line} › ${spec.title}`, ...firstLines(error)];
    });
  return [...own, ...(suite.suites ?? []).flatMap(failedSpecs)];
}

function playwrightCounts() {
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number }; suites: PlaywrightSuite[] }>(`${RESULTS}/playwright.json`);
  if (!report) return {};
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped, failedCases: report.suites.flatMap(failedSpecs) };
}

async function runBenchSmoke(isBuilt: boolean): Promise<boolean> {
  if (!isBuilt) {
    steps.push({ name: "benchmark smoke (bench/)", ok: false, seconds: 0, why: ["not run: the production build failed"] });
    return false;
  }
  // On the build just made: the dashboard scenario serves it instead of building its own.
  return runStep("benchmark smoke (bench/)", `${BIN}/tsx`, ["bench/index.ts", "all", "--smoke", "--no-build"], undefined, { linePrefix: "[bench] ", environment: { NEXT_DIST_DIR: ".next" } });
}

async function main() {
  rmSync(`${RESULTS}/vitest.json`, { force: true });
  rmSync(`${RESULTS}/playwright.json`, { force: true });
  mkdirSync(RESULTS, { recursive: true });

  heading("services");
  const services = await ensureServices({ DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: environment.REDIS_URL! });
  for (const line of services.lines) console.log(line);
  steps.push({ name: "services", ok: services.ok, seconds: 0 });
  if (!services.ok) return;

  // Type-check and lint side by side: each is a single-threaded Node process, and there are two cores.
  // Route types first (inside typecheck), so typed links are checked here and not only by the build.
  await Promise.all([
    runStep("type-check", "npm", ["run", "--silent", "typecheck"], undefined, { linePrefix: "[type-check] " }),
    runStep("lint", `${BIN}/eslint`, ["--max-warnings=0", "."], undefined, { linePrefix: "[lint] " }),
  ]);
  await runStep(
    "unit + integration (vitest)",
    `${BIN}/vitest`,
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${RESULTS}/vitest.json`],
    vitestCounts,
  );
  const isBuilt = await runStep("production build", `${BIN}/next`, ["build"]);
  if (isBuilt) {
    environment.PLAYWRIGHT_JSON_OUTPUT_NAME = `${RESULTS}/playwright.json`;
    await runStep("end to end (playwright)", `${BIN}/playwright`, ["test", "--reporter=list,json"], playwrightCounts);
  } else {
    steps.push({ name: "end to end (playwright)", ok: false, seconds: 0 });
  }
  // Last, side by side: the chaos round and the benchmarks' smoke runs spend most of their time
  // waiting on pull intervals, and neither shares a port, database or queue with the other (chaos
  // runs its own Postgres and Redis; the bench has its own databases and queue prefix).
  await Promise.all([
    // The chaos suite's short form: one round of every fault against its own Postgres and Redis, then
    // the stored events compared with the emulator's ground truth (`npm run test:chaos` runs three).
    runStep("chaos (one round of faults)", `${BIN}/tsx`, ["chaos/index.ts", "--smoke"], undefined, { linePrefix: "[chaos] " }),
    // The benchmarks' small variants (ingest, schedule, dashboard on the build just made), so bench/
    // cannot rot between real runs. They check that every figure is produced, not how fast (that is
    // for `npm run bench`).
    runBenchSmoke(isBuilt),
  ]);
}

function summarize() {
  heading("summary");
  for (const step of steps) {
    const counts = step.passed === undefined ? "" : `  ${step.passed} passed, ${step.failed} failed${step.skipped ? `, ${step.skipped} skipped` : ""}`;
    console.log(`${step.ok ? "\x1b[32m✓\x1b[0m" : "\x1b[31m✗\x1b[0m"} ${step.name.padEnd(30)} ${String(step.seconds).padStart(6)} s${counts}`);
  }
  // Test cases plus the checks that have no cases of their own (type-check, lint, build, services).
  // A step that failed without a failing case (a crash, an unhandled error) still counts once.
  const passed = steps.reduce((sum, step) => sum + (step.passed ?? (step.ok ? 1 : 0)), 0);
  const failed = steps.reduce((sum, step) => sum + (step.failed ? step.failed : step.ok ? 0 : 1), 0);
  for (const step of steps.filter((candidate) => candidate.why && candidate.why.length > 0)) {
    console.log(`\n\x1b[31m✗ ${step.name}\x1b[0m — ${step.failed ? "failed cases" : "its last lines"}:`);
    for (const line of step.why!) console.log(`  ${line}`);
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed`);
  return failed === 0;
}

main()
  .catch((error: unknown) => {
    console.error(`test runner: ${error instanceof Error ? error.message : String(error)}`);
    steps.push({ name: "test runner", ok: false, seconds: 0 });
  })
  .finally(() => {
    process.exitCode = summarize() ? 0 : 1;
  });
