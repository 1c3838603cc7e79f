import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

export type Database = InstanceType<typeof PrismaClient>;

export function createDatabaseClient(connectionString = getEnv().DATABASE_URL): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

const globalForDb = globalThis as unknown as { database?: Database; pool?: pg.Pool };

/**
 * The process-wide connection pool, shared by Prisma and by the few hot paths that need SQL Prisma
 * cannot express (bulk event inserts, session advisory locks: features/pulls/mutations.ts).
 */
export function getPool(): pg.Pool {
  if (!globalForDb.pool) {
    const pool = new pg.Pool({
      connectionString: getEnv().DATABASE_URL,
      max: 10,
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
