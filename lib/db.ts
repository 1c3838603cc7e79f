import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

export type Database = InstanceType<typeof PrismaClient>;

export function createDatabaseClient(connectionString = getEnv().DATABASE_URL): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

const globalForDb = globalThis as unknown as { database?: Database; pool?: pg.Pool; poolSize?: number };

/**
 * Sizes the pool before it opens: the worker needs a connection per pull in flight on top of the
 * ones its other jobs and Prisma use. Too late once the pool exists, which is a bug in the caller.
 */
export function reservePoolSize(connections: number) {
  if (globalForDb.pool) throw new Error("the connection pool is already open; size it before the first query");
  globalForDb.poolSize = Math.max(globalForDb.poolSize ?? 0, connections);
}

/**
 * The process-wide connection pool, shared by Prisma and by the few hot paths that need SQL Prisma
 * cannot express (bulk event inserts, session advisory locks: features/pulls/mutations.ts).
 */
export function getPool(): pg.Pool {
  if (!globalForDb.pool) {
    const pool = new pg.Pool({
      connectionString: getEnv().DATABASE_URL,
      max: Math.max(getEnv().DATABASE_POOL_SIZE, globalForDb.poolSize ?? 0),
      // A connection whose peer vanished without a word (a failover, a dropped NAT entry) would
      // otherwise hang its query, and a pull its lock, until the kernel gives up hours later.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      query_timeout: 120_000,
    });
    // An idle connection that Postgres drops (a restart) must not crash the process; the pool
    // replaces it on the next checkout.
    pool.on("error", () => {});
    globalForDb.pool = pool;
  }
  return globalForDb.pool;
}

/**
 * Runs `work` on a connection of its own while holding the session advisory lock named `key`, or
 * returns `{ isLocked: false }` at once if another session holds it. Postgres releases a session
 * lock the moment its connection ends, so a process killed mid-work never leaves it held.
 */
export async function withAdvisoryLock<T>(key: string, work: (session: pg.PoolClient) => Promise<T>): Promise<{ isLocked: true; value: T } | { isLocked: false }> {
  const session = await getPool().connect();
  let isBroken = false;
  // pg-pool listens for errors on idle connections only. This one is held through slow work (Slack
  // calls, DDL), and a Postgres restart meanwhile emits 'error' here: unheard, it would crash the
  // process. The failure then surfaces on the next query instead.
  const onConnectionError = () => {
    isBroken = true;
  };
  session.on("error", onConnectionError);
  try {
    const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked", [key]);
    if (!rows[0]?.locked) return { isLocked: false };
    try {
      return { isLocked: true, value: await work(session) };
    } finally {
      await session.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]).catch(() => {
        // The connection is gone, and the lock with it; make sure the pool does not reuse it.
        isBroken = true;
      });
    }
  } finally {
    session.removeListener("error", onConnectionError);
    session.release(isBroken);
  }
}

function getDatabase(): Database {
  globalForDb.database ??= new PrismaClient({ adapter: new PrismaPg(getPool()) });
  return globalForDb.database;
}

/**
 * The process-wide Prisma client. Created on first use rather than at import, so that `next build`
 * can load route modules without a configured environment; cached on globalThis so dev reloads do
 * not open a new pool each time.
 */
export const db: Database = new Proxy({} as Database, {
  get(_target, property) {
    const client = getDatabase();
    const value: unknown = Reflect.get(client, property);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/** Closes the pool if this process ever opened it. */
export async function disconnectDatabase() {
  const client = globalForDb.database;
  const pool = globalForDb.pool;
  globalForDb.database = undefined;
  globalForDb.pool = undefined;
  if (client) await client.$disconnect();
  if (pool) await pool.end();
}

/** What a data or mutation function accepts when it may run inside a caller's transaction. */
export type DatabaseClient = Database | Prisma.TransactionClient;
