import { randomBytes } from "node:crypto";

import { getEnv } from "@/lib/env";
import { openRedis, type RedisClient } from "@/lib/redis-client";
import { hashToken } from "@/lib/tokens";

// Slack counts calls per method per token in per-minute windows, and several worker processes pull
// with the same token, so the budget lives in Redis. A fixed per-minute counter (or a token bucket)
// lets a burst at the end of one minute and another at the start of the next through: twice the
// budget within 60 seconds, which Slack answers with 429s. A log of call times, trimmed to the last
// window, keeps every 60-second span within the budget.

export type SlackRateTier = "tier2" | "tier3";

/** Calls per window Slack allows per tier (reference: Slack rate limit tiers). */
export const SLACK_TIER_CALLS: Record<SlackRateTier, number> = { tier2: 20, tier3: 50 };

const DEFAULT_WINDOW_MS = 60_000;

export type RateLimitDecision = { ok: true } | { ok: false; retryAfterMs: number };

export type SlackRateLimiter = {
  /** Takes one call from the budget of (token, method), or says how long until one is free. Never waits. */
  acquire(call: { token: string; method: string; tier: SlackRateTier }): Promise<RateLimitDecision>;
};

// Check and record in one script: separate commands would let parallel workers all see "one left".
// Redis's clock, not the caller's: workers on machines whose clocks disagree must share one timeline.
// A denied call is not logged, or a worker retrying early would push its own turn further away.
// Returns 0 when the call is allowed, else the ms until the oldest call leaves the window.
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, time[1] .. '.' .. time[2] .. ':' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))`;

const ACQUIRE_COMMAND = "slackRateLimitAcquire";

type RedisWithAcquire = RedisClient & {
  [ACQUIRE_COMMAND]: (key: string, windowMs: number, limit: number, memberSuffix: string) => Promise<number>;
};

export function createSlackRateLimiter(redis: RedisClient, options: { keyPrefix: string; windowMs?: number }): SlackRateLimiter {
  const windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
  // The command lives on the client, which several limiters (and tests) may share.
  if (!(ACQUIRE_COMMAND in redis)) redis.defineCommand(ACQUIRE_COMMAND, { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
  const client = redis as RedisWithAcquire;
  return {
    async acquire({ token, method, tier }) {
      // Keys show up in monitoring and `redis-cli`; a digest tells tokens apart without revealing one.
      const key = `${options.keyPrefix}slack-rate:${hashToken(token).slice(0, 32)}:${method}`;
      // Two calls in the same microsecond must stay two entries of the set, not one.
      const memberSuffix = randomBytes(8).toString("hex");
      const retryAfterMs = await client[ACQUIRE_COMMAND](key, windowMs, SLACK_TIER_CALLS[tier], memberSuffix);
      return retryAfterMs === 0 ? { ok: true } : { ok: false, retryAfterMs };
    },
  };
}

const globalForLimiter = globalThis as unknown as { slackRateLimiter?: { redis: RedisClient; limiter: SlackRateLimiter } };

/**
 * The process's limiter, on its own connection: commands fail fast while Redis is away (the caller
 * then goes ahead without it; Slack's 429s still hold the line), rather than hang a pull.
 */
export function getSharedSlackRateLimiter(): SlackRateLimiter {
  if (!globalForLimiter.slackRateLimiter) {
    const env = getEnv();
    const redis = openRedis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 3_000, commandTimeout: 3_000, isCluster: env.REDIS_CLUSTER });
    redis.on("error", () => {});
    const limiter = createSlackRateLimiter(redis, { keyPrefix: `${env.QUEUE_PREFIX}:`, windowMs: env.SLACK_RATE_LIMIT_WINDOW_SECONDS * 1000 });
    globalForLimiter.slackRateLimiter = { redis, limiter };
  }
  return globalForLimiter.slackRateLimiter.limiter;
}

/** Closes the shared limiter's connection (a command-line process would otherwise not exit). */
export async function closeSharedSlackRateLimiter() {
  const shared = globalForLimiter.slackRateLimiter;
  globalForLimiter.slackRateLimiter = undefined;
  if (shared) await shared.redis.quit().catch(() => shared.redis.disconnect());
}
