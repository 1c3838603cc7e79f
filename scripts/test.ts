import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { ensureServices } from "@/scripts/lib/services";
import { TEST_DATABASE_URL, testEnvironment } from "@/scripts/lib/test-env";

// `npm test`: type-check, lint, unit + integration tests (vitest, real Postgres and Redis), a
// production build, then Playwright end to end. Every step runs even if an earlier one failed, so
// one run shows everything that is wrong; the last line counts passed and failed.

const BIN = "node_modules/.bin";
const RESULTS = "test-results";
const environment: NodeJS.ProcessEnv = { ...process.env, ...testEnvironment() };

type Step = { name: string; ok: boolean; seconds: number; passed?: number; failed?: number; skipped?: number };
const steps: Step[] = [];

function heading(text: string) {
  console.log(`\n\x1b[1m━━ ${text} ━━\x1b[0m`);
}

function runStep(name: string, command: string, args: string[], counts?: () => Pick<Step, "passed" | "failed" | "skipped">): boolean {
  heading(name);
  const startedAt = Date.now();
  const result = spawnSync(command, args, { env: environment, stdio: "inherit" });
  const step: Step = { name, ok: result.status === 0, seconds: Math.round((Date.now() - startedAt) / 100) / 10 };
  if (counts) Object.assign(step, counts());
  steps.push(step);
  return step.ok;
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as T) : undefined;
}

function vitestCounts() {
  const report = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>(`${RESULTS}/vitest.json`);
  return report ? { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests } : {};
}

function playwrightCounts() {
  const report = readJson<{ stats: { expected: number; unexpected: number; flaky: number; skipped: number } }>(`${RESULTS}/playwright.json`);
  return report ? { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped } : {};
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

  // Route types first, so typed links are checked here and not only by the build.
  runStep("type-check", "npm", ["run", "--silent", "typecheck"]);
  runStep("lint", `${BIN}/eslint`, ["--max-warnings=0", "."]);
  runStep(
    "unit + integration (vitest)",
    `${BIN}/vitest`,
    ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${RESULTS}/vitest.json`],
    vitestCounts,
  );
  if (runStep("production build", `${BIN}/next`, ["build"])) {
    environment.PLAYWRIGHT_JSON_OUTPUT_NAME = `${RESULTS}/playwright.json`;
    runStep("end to end (playwright)", `${BIN}/playwright`, ["test", "--reporter=list,json"], playwrightCounts);
    // The benchmark's small variant, on the build just made, so bench/ cannot rot between real runs.
    // It checks that every figure is produced, not how fast (that is for `npm run bench`).
    environment.NEXT_DIST_DIR = ".next";
    runStep("benchmark smoke (bench/)", `${BIN}/tsx`, ["bench/index.ts", "dashboard", "--smoke", "--no-build"]);
    delete environment.NEXT_DIST_DIR;
  } else {
    steps.push({ name: "end to end (playwright)", ok: false, seconds: 0 });
  }
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
