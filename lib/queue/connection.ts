import { Redis } from "ioredis";

/**
 * A Redis connection for BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require: their
 * blocking commands must wait out a Redis restart instead of failing after a few retries.
 */
export function createRedisConnection(redisUrl: string): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
