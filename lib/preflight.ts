import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { redactUrl } from "@/lib/env";
import { openRedis } from "@/lib/redis-client";

// Start-up checks shared by web, worker and scripts: each answers with one sentence an operator can
// act on, instead of a driver stack trace.

export type CheckResult =
  | { ok: true }
  | { ok: false; reason: "unreachable" | "missing_database" | "rejected" | "pending_migrations"; message: string };

const CONNECT_TIMEOUT_MS = 3000;

function describeError(error: unknown): string {
  if (error && typeof error === "object") {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === "string" && code.length > 0) return code;
    if (typeof message === "string" && message.length > 0) return message.split("\n")[0]!;
  }
  return String(error);
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, "")) || "postgres";
}

export async function checkPostgres(databaseUrl: string): Promise<CheckResult> {
  // A server that accepts the connection but never answers must not hang a probe either.
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: CONNECT_TIMEOUT_MS });
  // A failed connect can also emit "error" later; without a listener that would crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return { ok: true };
  } catch (error) {
    const where = redactUrl(databaseUrl);
    const code = describeError(error);
    if (code === "3D000") {
      return { ok: false, reason: "missing_database", message: `Postgres at ${where} has no database "${databaseName(databaseUrl)}" (run: npm run services)` };
    }
    if (code === "28P01" || code === "28000") {
      return { ok: false, reason: "rejected", message: `Postgres at ${where} refused the credentials in DATABASE_URL (${code})` };
    }
    return { ok: false, reason: "unreachable", message: `Postgres is not reachable at ${where} (${code}); start it (npm run services) or fix DATABASE_URL` };
  } finally {
    await client.end().catch(() => {});
  }
}

export async function checkRedis(redisUrl: string, options: { isCluster?: boolean } = {}): Promise<CheckResult> {
  const redis = openRedis(redisUrl, {
    isCluster: options.isCluster ?? false,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A Redis that accepts TCP but never answers (paused, a stuck proxy) fails the check instead of hanging it.
    commandTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // ioredis reports the socket's cause (ECONNREFUSED…) as an event and rejects with a generic
  // "Connection is closed"; keep the cause for the message.
  let cause: unknown;
  redis.on("error", (error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (error) {
    const where = redactUrl(redisUrl);
    const code = describeError(cause ?? error);
    if (/NOAUTH|WRONGPASS/i.test(code)) {
      return { ok: false, reason: "rejected", message: `Redis at ${where} refused the credentials in REDIS_URL (${code})` };
    }
    return { ok: false, reason: "unreachable", message: `Redis is not reachable at ${where} (${code}); start it (npm run services) or fix REDIS_URL` };
  } finally {
    redis.disconnect();
  }
}

/** Runs both checks and returns the failures' messages (empty when everything answers). */
export async function checkServices(config: { DATABASE_URL: string; REDIS_URL: string; REDIS_CLUSTER?: boolean }): Promise<string[]> {
  const results = await Promise.all([checkPostgres(config.DATABASE_URL), checkRedis(config.REDIS_URL, { isCluster: config.REDIS_CLUSTER ?? false })]);
  return results.flatMap((result) => (result.ok ? [] : [result.message]));
}

/**
 * Every migration shipped in `prisma/migrations` has been applied. Without this an un-migrated
 * database passes `select 1` and the first request or job fails with a missing-table stack trace.
 * When the folder is not deployed next to the app there is nothing to compare, so it passes.
 */
export async function checkMigrations(databaseUrl: string, migrationsDir = join(process.cwd(), "prisma/migrations")): Promise<CheckResult> {
  // The folder is read at run time from the deployment, not bundled: keep the bundler from tracing it.
  if (!existsSync(/* turbopackIgnore: true */ migrationsDir)) return { ok: true };
  const shipped = readdirSync(/* turbopackIgnore: true */ migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(/* turbopackIgnore: true */ join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: CONNECT_TIMEOUT_MS });
  client.on("error", () => {});
  const where = redactUrl(databaseUrl);
  try {
    await client.connect();
    const applied = await client.query<{ migration_name: string }>(
      "select migration_name from _prisma_migrations where finished_at is not null and rolled_back_at is null",
    );
    const appliedNames = new Set(applied.rows.map((row) => row.migration_name));
    const pending = shipped.filter((name) => !appliedNames.has(name));
    if (pending.length === 0) return { ok: true };
    return {
      ok: false,
      reason: "pending_migrations",
      message: `The database at ${where} is missing ${pending.length} migration(s), up to ${pending.at(-1)}; run: npm run db:deploy`,
    };
  } catch (error) {
    if (describeError(error) === "42P01") {
      return { ok: false, reason: "pending_migrations", message: `The database at ${where} has no Tributary schema yet; run: npm run db:deploy` };
    }
    return { ok: false, reason: "unreachable", message: `Could not read migrations from ${where} (${describeError(error)})` };
  } finally {
    await client.end().catch(() => {});
  }
}
