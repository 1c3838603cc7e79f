import { Redis } from "ioredis";
import { getEnv } from "@/lib/env";

const globalForRedis = globalThis as unknown as { redis?: Redis };

/**
 * The web process's Redis client for short commands (sign-in throttling). Unlike BullMQ's
 * connections it gives up quickly: a request must not hang while Redis restarts.
 */
export function getRedis(): Redis {
  globalForRedis.redis ??= new Redis(getEnv().REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 2_000 });
  return globalForRedis.redis;
}

/** Closes the client if this process ever opened it. */
export async function disconnectRedis() {
  const client = globalForRedis.redis;
  globalForRedis.redis = undefined;
  if (client) await client.quit().catch(() => client.disconnect());
}
