import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitUntil } from "@/scripts/lib/test-helpers";
import { isPortFree, startProcess, stopProcess, type ManagedProcess } from "@/scripts/lib/processes";

// A Postgres cluster and a Redis server of the chaos run's own, on free ports, so the run can crash
// and restart them as often as it likes without touching the machine's shared services (or another
// suite using them at the same time). Both keep their data in a temporary directory that is removed
// at the end.

export type ChaosPostgres = { url: string; crash(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

/** Debian installs each major version under /usr/lib/postgresql/<version>/bin; the newest is used. */
function postgresBinaries(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error("the chaos suite needs PostgreSQL's server binaries (apt-get install postgresql): /usr/lib/postgresql/<version>/bin/pg_ctl was not found");
  return join(root, newest, "bin");
}

const execFileAsync = promisify(execFile);

/**
 * Postgres refuses to run as root: as root, its commands run as the postgres account. Asynchronous,
 * so the emulator and mail catcher living in this process keep answering while Postgres restarts.
 */
async function run(command: string, args: string[], options: { isCheck?: boolean } = {}): Promise<void> {
  const [file, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  try {
    await execFileAsync(file, argv, { encoding: "utf8" });
  } catch (error) {
    if (options.isCheck === false) return;
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${(stderr || stdout || String(error)).trim()}`);
  }
}

export async function startChaosPostgres(): Promise<ChaosPostgres> {
  const bin = postgresBinaries();
  const directory = mkdtempSync(join(tmpdir(), "tributary-chaos-pg-"));
  chmodSync(directory, 0o777);
  const data = join(directory, "data");
  const port = await freePort();
  await run(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  // Durability settings are off: the run crashes the server, not the machine, and speed matters more.
  const serverOptions = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = () => run(join(bin, "pg_ctl"), ["-D", data, "-o", serverOptions, "-l", join(directory, "server.log"), "-w", "-t", "60", "start"]);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/tributary_chaos`,
    // "immediate" is a crash: no checkpoint, every connection cut, recovery from the WAL at the next start.
    crash: () => run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]),
    start,
    stop: async () => {
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], { isCheck: false });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export type ChaosRedis = { url: string; crash(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };

/** Nothing is persisted, so a restart comes back empty: every queue, job and scheduler is gone. */
export async function startChaosRedis(): Promise<ChaosRedis> {
  const port = await freePort();
  let server: ManagedProcess | null = null;
  const start = async () => {
    await waitUntil(() => isPortFree(port), 10_000, 100);
    server = startProcess("redis", "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { env: process.env, colorIndex: 3, shouldEcho: () => false });
    await waitUntil(async () => !(await isPortFree(port)), 10_000, 50);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    crash: async () => {
      if (!server) return;
      server.child.kill("SIGKILL");
      await server.exited;
      server = null;
    },
    start,
    stop: async () => {
      if (server) await stopProcess(server, 5_000);
      server = null;
    },
  };
}
