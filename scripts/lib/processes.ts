import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

// Child processes for the demo launcher and the test runner: readable prefixed logs, and stopping
// that leaves nothing behind (each child gets its own process group, so grandchildren go too).

const COLORS = ["\x1b[36m", "\x1b[35m", "\x1b[33m", "\x1b[32m", "\x1b[34m"];
const RESET = "\x1b[0m";
const LEVEL_NAMES = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);
const QUIET_KEYS = new Set(["level", "time", "msg", "service", "pid"]);

/** Turns one pino JSON line into "12:00:01 info  worker started workerId=…"; other lines pass through. */
export function formatLogLine(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const record = JSON.parse(line) as Record<string, unknown>;
    if (typeof record.msg !== "string" || typeof record.level !== "string" || !LEVEL_NAMES.has(record.level)) return line;
    const time = typeof record.time === "string" ? record.time.slice(11, 19) : "";
    const details = Object.entries(record)
      .filter(([key]) => !QUIET_KEYS.has(key))
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    return `${time} ${record.level.padEnd(5)} ${record.msg}${details ? ` ${details}` : ""}`;
  } catch {
    return line;
  }
}

export type ManagedProcess = { name: string; child: ChildProcess; exited: Promise<number | null> };

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; colorIndex?: number; pretty?: boolean; onLine?: (line: string) => void; shouldEcho?: (line: string) => boolean },
): ManagedProcess {
  const child = spawn(command, args, { env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const color = process.stdout.isTTY ? COLORS[(options.colorIndex ?? 0) % COLORS.length] : "";
  const prefix = `${color}[${name}]${color ? RESET : ""} `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on("line", (line) => {
      options.onLine?.(line);
      if (options.shouldEcho && !options.shouldEcho(line)) return;
      process.stdout.write(`${prefix}${options.pretty === false ? line : formatLogLine(line)}\n`);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
    child.once("error", (error) => {
      process.stdout.write(`${prefix}could not start: ${error.message}\n`);
      resolve(127);
    });
  });
  return { name, child, exited };
}

/**
 * SIGTERM to the whole group, SIGKILL after a grace period; resolves when the process is gone. The
 * group is swept even when its leader has already exited, so nothing it started survives.
 */
export async function stopProcess(managed: ManagedProcess, graceMs = 30_000): Promise<void> {
  const { child } = managed;
  if (child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Nothing left in the group.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup("SIGTERM");
    const timer = setTimeout(() => signalGroup("SIGKILL"), graceMs);
    await managed.exited;
    clearTimeout(timer);
  }
  signalGroup("SIGKILL");
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isAlive()) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}
