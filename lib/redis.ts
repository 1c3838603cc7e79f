import { getEnv, redactUrl } from "@/lib/env";
import { openRedis, type RedisClient } from "@/lib/redis-client";
import { webLogger } from "@/lib/web-logger";

const globalForRedis = globalThis as unknown as { redis?: RedisClient };
const ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * The web process's Redis client for short commands (sign-in throttling). Unlike BullMQ's
 * connections it gives up quickly: a request must not hang while Redis restarts.
 */
export function getRedis(): RedisClient {
  if (globalForRedis.redis) return globalForRedis.redis;
  const { REDIS_URL: url, REDIS_CLUSTER: isCluster } = getEnv();
  const client = openRedis(url, { maxRetriesPerRequest: 1, commandTimeout: 1_000, connectTimeout: 2_000, isCluster });
  // Without a listener ioredis prints every reconnect failure to stderr; one structured line per
  // interval says the same without flooding the log during an outage.
  let lastLoggedAt = 0;
  client.on("error", (error: Error) => {
    if (Date.now() - lastLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    lastLoggedAt = Date.now();
    webLogger.error({ event: "redis_unavailable", redis: redactUrl(url), err: { message: error.message } }, "Redis is unreachable; retrying");
  });
  globalForRedis.redis = client;
  return client;
}

/** Closes the client if this process ever opened it. */
export async function disconnectRedis() {
  const client = globalForRedis.redis;
  globalForRedis.redis = undefined;
  if (client) await client.quit().catch(() => client.disconnect());
}
