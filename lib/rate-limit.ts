import type { RedisClient } from "@/lib/redis-client";

// Fixed-window attempt counters. An attempt is counted *before* it is checked, in one script with
// the window's expiry, so that a burst of parallel attempts cannot all read "under the limit" while
// the slow checks run, and a crash can never leave a counter without an expiry (a permanent lock).
const RESERVE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}`;

// Gives back an attempt that turned out fine, without touching the window's expiry.
const RELEASE = `
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

export type Reservation = { count: number; retryAfterSeconds: number };

export type AttemptLimiter = {
  /** Counts an attempt; `retryAfterSeconds` is 0 when it is within the limit, else how long to wait. */
  reserve(subject: string): Promise<Reservation>;
  /** Un-counts an attempt that succeeded. */
  release(subject: string): Promise<void>;
  clear(subject: string): Promise<void>;
};

export function createAttemptLimiter(redis: RedisClient, options: { keyPrefix: string; limit: number; windowSeconds: number }): AttemptLimiter {
  const keyFor = (subject: string) => `${options.keyPrefix}:${subject}`;
  const windowMs = options.windowSeconds * 1000;
  return {
    async reserve(subject) {
      const [count, ttl] = (await redis.eval(RESERVE, 1, keyFor(subject), String(windowMs))) as [number, number];
      const retryAfterSeconds = count > options.limit ? Math.max(1, Math.ceil((ttl > 0 ? ttl : windowMs) / 1000)) : 0;
      return { count, retryAfterSeconds };
    },
    async release(subject) {
      await redis.eval(RELEASE, 1, keyFor(subject));
    },
    async clear(subject) {
      await redis.del(keyFor(subject));
    },
  };
}
