import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createSlackRateLimiter, SLACK_TIER_CALLS } from "@/lib/slack/rate-limiter";
import { uniqueSuffix, waitUntil } from "@/scripts/lib/test-helpers";

// Against the real Redis: the budget must hold across worker processes, each with its own connection.
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const firstConnection = new Redis(REDIS_URL);
const secondConnection = new Redis(REDIS_URL);

// Every key this file creates starts with RUN_PREFIX, so other tests' keys are never touched.
const RUN_PREFIX = `test-slack-rate-${uniqueSuffix()}:`;
const newKeyPrefix = () => `${RUN_PREFIX}${uniqueSuffix()}:`;
const newToken = () => `xoxp-${uniqueSuffix()}-${uniqueSuffix()}`;

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await firstConnection.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

async function redisNowMs(): Promise<number> {
  const [seconds, micros] = await firstConnection.time();
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

afterAll(async () => {
  const keys = await keysUnder(RUN_PREFIX);
  if (keys.length > 0) await firstConnection.del(...keys);
  await Promise.all([firstConnection.quit(), secondConnection.quit()]);
});

describe("Slack rate limiter", () => {
  it("allows a tier's budget of calls and then says how long until the next one is free", async () => {
    const windowMs = 60_000;
    const limiter = createSlackRateLimiter(firstConnection, { keyPrefix: newKeyPrefix(), windowMs });
    const call = { token: newToken(), method: "team.accessLogs", tier: "tier2" } as const;
    const decisions = [];
    for (let index = 0; index < SLACK_TIER_CALLS.tier2; index += 1) decisions.push(await limiter.acquire(call));
    expect(decisions.every((decision) => decision.ok)).toBe(true);
    const denied = await limiter.acquire(call);
    expect(denied.ok).toBe(false);
    const retryAfterMs = denied.ok ? 0 : denied.retryAfterMs;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(windowMs);
  });

  it("allows calls again once the window has passed", async () => {
    const limiter = createSlackRateLimiter(firstConnection, { keyPrefix: newKeyPrefix(), windowMs: 1_000 });
    const call = { token: newToken(), method: "team.integrationLogs", tier: "tier2" } as const;
    for (let index = 0; index < SLACK_TIER_CALLS.tier2; index += 1) await limiter.acquire(call);
    expect((await limiter.acquire(call)).ok).toBe(false);
    await waitUntil(async () => (await limiter.acquire(call)).ok, 10_000, 20);
  });

  it("frees calls one at a time as they age out, never a whole new budget at a boundary", async () => {
    const windowMs = 3_000;
    const limiter = createSlackRateLimiter(firstConnection, { keyPrefix: newKeyPrefix(), windowMs });
    const call = { token: newToken(), method: "team.accessLogs", tier: "tier2" } as const;
    expect((await limiter.acquire(call)).ok).toBe(true);
    const firstCallAt = await redisNowMs();
    // Measured on Redis's clock, the one the limiter uses.
    await waitUntil(async () => (await redisNowMs()) >= firstCallAt + windowMs / 2, 10_000, 20);
    for (let index = 1; index < SLACK_TIER_CALLS.tier2; index += 1) expect((await limiter.acquire(call)).ok).toBe(true);
    const denied = await limiter.acquire(call);
    // The wait is for the first call to leave the window, not for a whole window from now.
    expect(denied.ok ? 0 : denied.retryAfterMs).toBeLessThanOrEqual(windowMs / 2);
    await waitUntil(async () => (await limiter.acquire(call)).ok, 10_000, 20);
    // Only the first call's slot came free; the other nineteen are half a window younger.
    expect((await limiter.acquire(call)).ok).toBe(false);
  });

  it("shares one budget between processes on separate connections", async () => {
    const keyPrefix = newKeyPrefix();
    const inFirstProcess = createSlackRateLimiter(firstConnection, { keyPrefix });
    const inSecondProcess = createSlackRateLimiter(secondConnection, { keyPrefix });
    const call = { token: newToken(), method: "team.accessLogs", tier: "tier2" } as const;
    for (let index = 0; index < SLACK_TIER_CALLS.tier2 / 2; index += 1) {
      expect((await inFirstProcess.acquire(call)).ok).toBe(true);
      expect((await inSecondProcess.acquire(call)).ok).toBe(true);
    }
    expect((await inFirstProcess.acquire(call)).ok).toBe(false);
    expect((await inSecondProcess.acquire(call)).ok).toBe(false);
  });

  it("keeps a separate budget for each method and each token", async () => {
    const limiter = createSlackRateLimiter(firstConnection, { keyPrefix: newKeyPrefix() });
    const token = newToken();
    const exhausted = { token, method: "team.accessLogs", tier: "tier2" } as const;
    for (let index = 0; index < SLACK_TIER_CALLS.tier2; index += 1) await limiter.acquire(exhausted);
    expect((await limiter.acquire(exhausted)).ok).toBe(false);

    for (const call of [
      { ...exhausted, method: "team.integrationLogs" },
      { ...exhausted, token: newToken() },
    ]) {
      const decisions = [];
      for (let index = 0; index < SLACK_TIER_CALLS.tier2; index += 1) decisions.push(await limiter.acquire(call));
      expect(decisions.every((decision) => decision.ok)).toBe(true);
    }
  });

  it("never writes the token to Redis, and lets idle keys expire", async () => {
    const keyPrefix = newKeyPrefix();
    const windowMs = 60_000;
    const limiter = createSlackRateLimiter(firstConnection, { keyPrefix, windowMs });
    const token = newToken();
    await limiter.acquire({ token, method: "team.accessLogs", tier: "tier2" });
    await limiter.acquire({ token, method: "audit.logs", tier: "tier3" });

    const keys = await keysUnder(keyPrefix);
    expect(keys.sort()).toEqual([
      expect.stringMatching(new RegExp(`^${keyPrefix}slack-rate:[0-9a-f]{32}:audit\\.logs$`)),
      expect.stringMatching(new RegExp(`^${keyPrefix}slack-rate:[0-9a-f]{32}:team\\.accessLogs$`)),
    ]);
    for (const key of keys) {
      expect(key).not.toContain(token);
      const members = await firstConnection.zrange(key, 0, -1);
      expect(members.some((member) => member.includes(token))).toBe(false);
      const ttl = await firstConnection.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(windowMs);
    }
  });

  it("lets exactly a tier's budget through a burst of parallel calls from two processes", async () => {
    const keyPrefix = newKeyPrefix();
    const limiters = [createSlackRateLimiter(firstConnection, { keyPrefix }), createSlackRateLimiter(secondConnection, { keyPrefix })];
    const call = { token: newToken(), method: "audit.logs", tier: "tier3" } as const;
    const burst = await Promise.all(Array.from({ length: 100 }, (_, index) => limiters[index % 2]!.acquire(call)));
    expect(burst.filter((decision) => decision.ok)).toHaveLength(SLACK_TIER_CALLS.tier3);
  });
});
