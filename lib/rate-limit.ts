import type { Redis } from "ioredis";

// Counts failures per subject in a fixed window. INCR and the first PEXPIRE run as one script so a
// crash between them can never leave a counter without an expiry (a permanent lock-out).
const RECORD_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

export type FailureLimiter = {
  /** Seconds until the subject may try again; 0 when it is not blocked. */
  retryAfterSeconds(subject: string): Promise<number>;
  /** Counts one failure and returns the failures in the current window. */
  recordFailure(subject: string): Promise<number>;
  clear(subject: string): Promise<void>;
};

export function createFailureLimiter(redis: Redis, options: { keyPrefix: string; limit: number; windowSeconds: number }): FailureLimiter {
  const keyFor = (subject: string) => `${options.keyPrefix}:${subject}`;
  const windowMs = options.windowSeconds * 1000;
  return {
    async retryAfterSeconds(subject) {
      const key = keyFor(subject);
      const [count, ttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
      if (Number(count ?? 0) < options.limit) return 0;
      return Math.max(1, Math.ceil((ttl > 0 ? ttl : windowMs) / 1000));
    },
    async recordFailure(subject) {
      return Number(await redis.eval(RECORD_FAILURE, 1, keyFor(subject), String(windowMs)));
    },
    async clear(subject) {
      await redis.del(keyFor(subject));
    },
  };
}
