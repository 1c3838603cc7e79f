import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, type Prisma } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

export type Database = InstanceType<typeof PrismaClient>;

export function createDatabaseClient(connectionString = getEnv().DATABASE_URL): Database {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}

const globalForDb = globalThis as unknown as { database?: Database };

function getDatabase(): Database {
  globalForDb.database ??= createDatabaseClient();
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
  globalForDb.database = undefined;
  if (client) await client.$disconnect();
}

/** What a data or mutation function accepts when it may run inside a caller's transaction. */
export type DatabaseClient = Database | Prisma.TransactionClient;
