import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { benchAppEnvironment } from "@/bench/app-server";
import { clearQueuePrefix, freePort, waitUntil } from "@/scripts/lib/test-helpers";
import { startProcess, stopProcess, type ManagedProcess } from "@/scripts/lib/processes";

// The rig of the ingest and schedule scenarios: a Slack emulator and a Tributary worker, each its
// own process (so the worker's memory and CPU are its own), on the bench database and a queue prefix
// no test or developer uses. What each process costs is read from /proc while it runs.

export const BENCH_QUEUE_PREFIX = "tributary-bench";

/** Every process the bench started and has not stopped, so an interrupted run leaves none behind. */
const started = new Set<ManagedProcess>();

function track(managed: ManagedProcess): ManagedProcess {
  started.add(managed);
  void managed.exited.then(() => started.delete(managed));
  return managed;
}

/** Stops whatever is still running (a Ctrl-C in the middle of a scenario). */
export async function stopEverything(): Promise<void> {
  await Promise.all([...started].map((managed) => stopProcess(managed, 5_000)));
}

export type Emulator = { process: ManagedProcess; url: string; controlUrl: string; slackApiUrl: string; slackAuditApiUrl: string };

/**
 * An empty emulator (no seeded history, no live traffic) whose rate-limit windows run `speedUp`
 * times faster, so Slack's budgets are not what the scenario measures.
 */
export async function startEmulator(options: { speedUp: number; latencyMs?: number; quiet?: boolean }): Promise<Emulator> {
  const port = await freePort();
  const args = ["--port", String(port), "--empty", "--paused", "--speed-up", String(options.speedUp), "--latency-ms", String(options.latencyMs ?? 0), "--seed", "bench"];
  const emulator = track(startProcess("emulator", process.execPath, ["--import", "tsx", "emulator/index.ts", ...args], {
    env: { ...process.env, NODE_ENV: "production" },
    colorIndex: 1,
    // Its start-up line is noise here; a failure it reports is not.
    shouldEcho: (line) => options.quiet === false || /error|failed/i.test(line),
  }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(async () => (await fetch(`${url}/_emulator`).catch(() => null))?.ok, 30_000, 200);
  } catch (error) {
    await stopProcess(emulator, 5_000);
    throw error;
  }
  return { process: emulator, url, controlUrl: `${url}/_emulator`, slackApiUrl: `${url}/api`, slackAuditApiUrl: `${url}/audit/v1` };
}

export async function emulatorCall<T>(emulator: Emulator, method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulator.controlUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** What the worker (and the setup script) run with: the bench database, its own prefix, the emulator. */
export function workerEnvironment(databaseUrl: string, emulator: Emulator, overrides: Record<string, string> = {}): Record<string, string> {
  // The web's own settings (port, build directory) mean nothing to a worker.
  const { PORT: _port, NEXT_DIST_DIR: _dist, PUBLIC_URL: _url, ...base } = benchAppEnvironment(databaseUrl, 3000);
  return {
    ...base,
    NODE_ENV: "production",
    SLACK_API_URL: emulator.slackApiUrl,
    SLACK_AUDIT_API_URL: emulator.slackAuditApiUrl,
    SLACK_OAUTH_AUTHORIZE_URL: `${emulator.url}/oauth/v2/authorize`,
    QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
    ...overrides,
  };
}

/** Removes every key of the bench's queue prefix: schedulers and jobs of an earlier run would fire into this one. */
export async function clearBenchQueues(redisUrl: string): Promise<void> {
  await clearQueuePrefix(redisUrl, BENCH_QUEUE_PREFIX);
}

export type Worker = { process: ManagedProcess; pid: number; healthUrl: string };

/** `node --import tsx worker/index.ts` directly, so the PID measured is the worker's own and not a launcher's. */
/**
 * The worker as `npm run worker` starts it (its Node flags included: they decide its memory), but as
 * `node … --import tsx worker/index.ts` in this very process's Node, so the PID measured is the
 * worker's own and not a launcher's.
 */
export function workerCommand(): { command: string; args: string[] } {
  const packageJson = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
  const words = packageJson.scripts.worker?.trim().split(/\s+/) ?? [];
  const entry = words.at(-1);
  if (entry !== "worker/index.ts" || (words[0] !== "node" && words[0] !== "tsx")) throw new Error(`package.json's worker script is not "node|tsx … worker/index.ts": ${packageJson.scripts.worker}`);
  const flags = words.slice(1, -1);
  return { command: process.execPath, args: words[0] === "tsx" ? [...flags, "--import", "tsx", entry] : [...flags, entry] };
}

/** Its log goes to `onLine`; only warnings and errors are echoed (a line per pull would bury the bench's own output). */
export async function startWorker(environment: Record<string, string>, options: { onLine?: (line: string) => void } = {}): Promise<Worker> {
  const port = await freePort();
  const { command, args } = workerCommand();
  // BENCH_PROFILE_DIR=dir writes a CPU profile of the worker there when it stops (profile before optimizing).
  const profileArgs = process.env.BENCH_PROFILE_DIR ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_PROFILE_DIR] : [];
  const worker = track(startProcess("worker", command, [...profileArgs, ...args], {
    env: { ...process.env, ...environment, WORKER_HEALTH_PORT: String(port) },
    colorIndex: 2,
    onLine: options.onLine ?? (() => {}),
    shouldEcho: (line) => !/"level":"(trace|debug|info)"/.test(line),
  }));
  const healthUrl = `http://127.0.0.1:${port}/healthz`;
  let hasExited = false;
  void worker.exited.then(() => (hasExited = true));
  try {
    await waitUntil(async () => {
      if (hasExited) throw new Error("the worker exited during start-up (see its output above)");
      return (await fetch(healthUrl).catch(() => null))?.ok;
    }, 60_000, 200);
  } catch (error) {
    await stopProcess(worker, 5_000);
    throw error;
  }
  return { process: worker, pid: worker.child.pid!, healthUrl };
}

export { stopProcess };

// ---------------------------------------------------------------------------------------------
// What a process costs, from /proc (Linux): resident memory now and at its peak, CPU time used.

const CLOCK_TICKS_PER_SECOND = 100;

export type ProcessSample = { rssBytes: number; peakRssBytes: number; cpuSeconds: number };

export function readProcess(pid: number): ProcessSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { rssBytes: kib("VmRSS"), peakRssBytes: kib("VmHWM"), cpuSeconds: cpuTicks / CLOCK_TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** Every Postgres server process (backends and background workers): their CPU time together. */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (name !== "postgres" && !name.startsWith("postgres:")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // utime + stime of the process and of its children that exited (backends come and go).
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

export type Sampler = {
  stop(): { samples: number; peakRssBytes: number; meanRssBytes: number; lastRssBytes: number; cpuSeconds: number; seconds: number };
};

/** Samples a process every `intervalMs`; its peak comes from the kernel (VmHWM), which misses nothing between samples. */
export function sampleProcess(pid: number, intervalMs = 500): Sampler {
  const startedAt = performance.now();
  const first = readProcess(pid);
  let samples = 0;
  let rssSum = 0;
  let last = first;
  const timer = setInterval(() => {
    const sample = readProcess(pid);
    if (!sample) return;
    samples += 1;
    rssSum += sample.rssBytes;
    last = sample;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const end = readProcess(pid) ?? last;
      return {
        samples,
        peakRssBytes: end?.peakRssBytes ?? 0,
        meanRssBytes: samples > 0 ? rssSum / samples : (end?.rssBytes ?? 0),
        lastRssBytes: end?.rssBytes ?? 0,
        cpuSeconds: (end?.cpuSeconds ?? 0) - (first?.cpuSeconds ?? 0),
        seconds: (performance.now() - startedAt) / 1000,
      };
    },
  };
}

export const toMiB = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;

/** Runs a bench script (`node --import tsx …`) with the given environment to its end; its output is shown only if it fails. */
export function runScript(args: string[], environment: Record<string, string>, timeoutMs = 30 * 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, ...environment }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${args[0]} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
