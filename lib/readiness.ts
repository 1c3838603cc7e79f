import { checkMigrations, checkPostgres, checkRedis, type CheckResult } from "@/lib/preflight";

// Readiness (`/api/readyz` on the web, `/readyz` on the worker): can this process do its work right
// now, meaning Postgres answers, Redis answers and every migration this build ships is applied.
// Liveness (`/healthz`) only says the process answers; an orchestrator restarts on that, and must
// not restart every replica because Postgres is briefly away.

export type ReadinessCheck = "ok" | "unreachable" | "rejected" | "missing_database" | "pending_migrations";
export type Readiness = { isReady: boolean; checks: { postgres: ReadinessCheck; redis: ReadinessCheck; migrations: ReadinessCheck }; problems: string[] };

/**
 * Probes are frequent and these endpoints need no session, so one round of checks serves every
 * request for this long: a flood of probes costs one connection to each service per interval.
 */
const CACHE_MS = 2_000;

const outcome = (result: CheckResult): ReadinessCheck => (result.ok ? "ok" : result.reason);

async function probe(config: { DATABASE_URL: string; REDIS_URL: string; REDIS_CLUSTER?: boolean }): Promise<Readiness> {
  const [postgres, redis] = await Promise.all([checkPostgres(config.DATABASE_URL), checkRedis(config.REDIS_URL, { isCluster: config.REDIS_CLUSTER ?? false })]);
  // Migrations are only worth asking about once Postgres answers.
  const migrations: CheckResult = postgres.ok ? await checkMigrations(config.DATABASE_URL) : { ok: false, reason: "unreachable", message: "Postgres is not reachable" };
  const results = { postgres, redis, migrations };
  return {
    isReady: postgres.ok && redis.ok && migrations.ok,
    checks: { postgres: outcome(postgres), redis: outcome(redis), migrations: outcome(migrations) },
    // For this process's log only: the messages name hosts, which an unauthenticated caller is not told.
    problems: Object.values(results).flatMap((result) => (result.ok ? [] : [result.message])),
  };
}

export function createReadinessProbe(config: { DATABASE_URL: string; REDIS_URL: string; REDIS_CLUSTER?: boolean }, now: () => number = Date.now): () => Promise<Readiness> {
  let cached: { at: number; result: Promise<Readiness> } | null = null;
  return () => {
    if (!cached || now() - cached.at >= CACHE_MS) cached = { at: now(), result: probe(config) };
    return cached.result;
  };
}
