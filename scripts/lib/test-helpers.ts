import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer, type AddressInfo, type Server } from "node:net";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createRedisConnection } from "@/lib/queue/connection";
import { PULL_JOB, pullPayloadSchema, type PullPayload } from "@/lib/queue/queues";
import { testEnvironment } from "@/scripts/lib/test-env";

// Shared by integration tests that run the real entry points (worker, scripts) as processes.

export type Finished = { code: number | null; stdout: string; stderr: string };

export function uniqueSuffix(): string {
  return randomBytes(4).toString("hex");
}

/**
 * Ports nothing listens on right now, picked by the OS. All are held open until every one is picked,
 * so that one call never returns the same port twice.
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<Server>((resolve, reject) => {
      const server = createServer();
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

export async function freePortPair(): Promise<[number, number]> {
  const [first, second] = await freePorts(2);
  return [first!, second!];
}

export type Running = { child: ChildProcess; output: () => { stdout: string; stderr: string }; finished: Promise<Finished> };

/**
 * Starts a project command (e.g. ["tsx", "worker/index.ts"]) with the test environment plus overrides.
 * `tsx` runs in this very process (node --import tsx) rather than through tsx's launcher, which
 * would put a second process in between: a SIGKILL must reach the worker itself, not its launcher.
 */
export function startCommand(argv: string[], overrides: Record<string, string | undefined> = {}): Running {
  const env: NodeJS.ProcessEnv = { ...process.env, ...testEnvironment(), ...overrides };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete env[key];
  const [command, ...args] = argv;
  const [executable, executableArgs] = command === "tsx" ? [process.execPath, ["--import", "tsx", ...args]] : [`node_modules/.bin/${command}`, args];
  const child = spawn(executable, executableArgs, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  return { child, output: () => ({ stdout, stderr }), finished };
}

/** Runs a command to its end, killing it if it outlives the timeout (a test must never hang). */
export async function runCommand(argv: string[], overrides: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<Finished> {
  const running = startCommand(argv, overrides);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), timeoutMs);
  const result = await running.finished;
  clearTimeout(timer);
  return result;
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The process's stdout as parsed JSON log records (non-JSON lines are skipped). */
export function logRecords(stdout: string): Record<string, unknown>[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Queues one pull of a source's log type now, as its schedule would at the next interval (the
 * schedule's own first run falls anywhere in its first interval: phase-spread).
 */
export async function queuePullNow(redisUrl: string, queuePrefix: string, payload: PullPayload): Promise<void> {
  const connection = createRedisConnection(redisUrl);
  const queue = new Queue<PullPayload>("pulls", { connection, prefix: queuePrefix });
  try {
    await queue.add(PULL_JOB, pullPayloadSchema.parse(payload));
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

/** Deletes every Redis key under a queue prefix: schedulers and jobs of an earlier run would fire into the next one. */
export async function clearQueuePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
