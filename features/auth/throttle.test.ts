import { afterAll, describe, expect, it } from "vitest";
import { releaseSignInAttempt, reserveSignInAttempt, SIGN_IN_LIMITS } from "@/features/auth/throttle";
import { disconnectRedis, getRedis } from "@/lib/redis";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Against the real Redis: the counters must be shared by every web process.
afterAll(async () => {
  await disconnectRedis();
});

const attempt = (overrides: { email?: string; address?: string | null } = {}) => ({
  email: `throttle-${uniqueSuffix()}@example.test`,
  address: `198.51.100.${uniqueSuffix()}`,
  ...overrides,
});

describe("sign-in throttle", () => {
  it("allows five attempts at an account within a minute and blocks the rest of that minute", async () => {
    const email = attempt().email;
    const results = [];
    for (let index = 0; index < SIGN_IN_LIMITS.email.limit + 1; index += 1) results.push(await reserveSignInAttempt(attempt({ email })));
    expect(results.slice(0, 5).map((result) => result.retryAfterSeconds)).toEqual([0, 0, 0, 0, 0]);
    expect(results.map((result) => result.isLastAllowed)).toEqual([false, false, false, false, true, false]);
    expect(results[5]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[5]!.retryAfterSeconds).toBeLessThanOrEqual(SIGN_IN_LIMITS.email.windowSeconds);
    // Other accounts are unaffected.
    expect((await reserveSignInAttempt(attempt())).retryAfterSeconds).toBe(0);
  });

  it("lets only five of a burst of parallel attempts through", async () => {
    const email = attempt().email;
    const burst = await Promise.all(Array.from({ length: 30 }, () => reserveSignInAttempt(attempt({ email }))));
    expect(burst.filter((result) => result.retryAfterSeconds === 0)).toHaveLength(SIGN_IN_LIMITS.email.limit);
  });

  it("blocks an address that fails on many accounts, whatever account it tries next", async () => {
    const address = `203.0.113.${uniqueSuffix()}`;
    for (let index = 0; index < SIGN_IN_LIMITS.address.limit; index += 1) await reserveSignInAttempt(attempt({ address }));
    expect((await reserveSignInAttempt(attempt({ address }))).retryAfterSeconds).toBeGreaterThan(0);
  });

  it("forgets an account's failures after a correct password, and never stores the email", async () => {
    const target = attempt();
    for (let index = 0; index < SIGN_IN_LIMITS.email.limit - 1; index += 1) await reserveSignInAttempt(target);
    const keys = await getRedis().keys("*throttle:sign-in:email:*");
    expect(keys.some((key) => key.includes(target.email))).toBe(false);
    await releaseSignInAttempt(target);
    for (let index = 0; index < SIGN_IN_LIMITS.email.limit; index += 1) expect((await reserveSignInAttempt(target)).retryAfterSeconds).toBe(0);
  });
});
