import { openRedis, type RedisClient } from "@/lib/redis-client";

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require: their
 * blocking commands must wait out a Redis restart instead of failing after a few retries.
 */
export function createRedisConnection(redisUrl: string, options: { isCluster?: boolean } = {}): RedisClient {
  return openRedis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, isCluster: options.isCluster ?? false });
}
