import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { redactUrl } from "@/lib/env";
import { checkPostgres, checkRedis, databaseName, type CheckResult } from "@/lib/preflight";
import { createDatabaseIfMissing } from "@/lib/postgres-admin";

// `npm run services`, also run by the demo and the test runner: make Postgres and Redis answer, the
// way this project's machines run them (Debian packages), or say exactly what to do instead.

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const WAIT_AFTER_START_MS = 15_000;

export type ServicesReport = { ok: boolean; lines: string[] };

function isLocal(url: URL): boolean {
  return LOCAL_HOSTS.has(url.hostname);
}

function portOf(url: URL, fallback: number): number {
  return url.port ? Number(url.port) : fallback;
}

function hasCommand(command: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** The Debian cluster that listens on this port, if the machine has one (e.g. "15"). */
function localPostgresVersion(port: number): string | undefined {
  const root = "/etc/postgresql";
  if (!existsSync(root) || !hasCommand("pg_ctlcluster")) return undefined;
  return readdirSync(root).find((version) => {
    const config = `${root}/${version}/main/postgresql.conf`;
    if (!existsSync(config)) return false;
    const configured = /^\s*port\s*=\s*(\d+)/m.exec(readFileSync(config, "utf8"));
    return Number(configured?.[1] ?? 5432) === port;
  });
}

async function waitFor(check: () => Promise<CheckResult>): Promise<CheckResult> {
  const deadline = Date.now() + WAIT_AFTER_START_MS;
  let result = await check();
  while (!result.ok && result.reason === "unreachable" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    result = await check();
  }
  return result;
}

async function ensurePostgres(databaseUrl: string, lines: string[]): Promise<boolean> {
  const url = new URL(databaseUrl);
  const port = portOf(url, 5432);
  let result = await checkPostgres(databaseUrl);
  if (!result.ok && result.reason === "unreachable") {
    const version = isLocal(url) ? localPostgresVersion(port) : undefined;
    const command = `pg_ctlcluster --skip-systemctl-redirect ${version ?? "<version>"} main start`;
    if (!version) {
      lines.push(`✗ ${result.message}`);
      lines.push(
        isLocal(url)
          ? `  No local Postgres cluster listens on port ${port}. Install PostgreSQL 15+ (apt-get install postgresql) and run: ${command}, or use docker compose up -d postgres`
          : `  It is not on this machine, so it is not started here: check that ${url.hostname}:${port} is up and reachable.`,
      );
      return false;
    }
    lines.push(`… Postgres is down; starting it: ${command}`);
    const started = spawnSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", "start"], { encoding: "utf8" });
    if (started.status !== 0) {
      lines.push(`✗ Could not start Postgres: ${(started.stderr || started.stdout).trim().split("\n")[0]}`);
      return false;
    }
    result = await waitFor(() => checkPostgres(databaseUrl));
  }
  if (!result.ok && result.reason === "missing_database") {
    await createDatabaseIfMissing(databaseUrl);
    lines.push(`✓ Created database "${databaseName(databaseUrl)}"`);
    result = await checkPostgres(databaseUrl);
  }
  if (!result.ok) {
    lines.push(`✗ ${result.message}`);
    return false;
  }
  lines.push(`✓ Postgres answers at ${redactUrl(databaseUrl)}`);
  return true;
}

async function ensureRedis(redisUrl: string, lines: string[]): Promise<boolean> {
  const url = new URL(redisUrl);
  const port = portOf(url, 6379);
  const command = `redis-server --daemonize yes --bind 127.0.0.1 --port ${port} --save "" --appendonly no`;
  let result = await checkRedis(redisUrl);
  // Only the machine's standard Redis is started here: a daemon on some other port would be one
  // that nobody configured or will stop.
  if (!result.ok && result.reason === "unreachable" && isLocal(url) && port === 6379 && hasCommand("redis-server")) {
    lines.push(`… Redis is down; starting it: ${command}`);
    spawnSync("redis-server", ["--daemonize", "yes", "--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    result = await waitFor(() => checkRedis(redisUrl));
  }
  if (!result.ok) {
    lines.push(`✗ ${result.message}`);
    if (result.reason === "unreachable") {
      lines.push(
        isLocal(url)
          ? `  Start it with: ${command}   (or: docker compose up -d redis)`
          : `  It is not on this machine, so it is not started here: check that ${url.hostname}:${port} is up and reachable.`,
      );
    }
    return false;
  }
  lines.push(`✓ Redis answers at ${redactUrl(redisUrl)}`);
  return true;
}

export async function ensureServices(config: { DATABASE_URL: string; REDIS_URL: string }): Promise<ServicesReport> {
  const lines: string[] = [];
  const isPostgresOk = await ensurePostgres(config.DATABASE_URL, lines);
  const isRedisOk = await ensureRedis(config.REDIS_URL, lines);
  return { ok: isPostgresOk && isRedisOk, lines };
}
