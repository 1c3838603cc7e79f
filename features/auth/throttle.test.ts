import { afterAll, describe, expect, it } from "vitest";
import { clearSignInFailures, recordSignInFailure, signInRetryAfterSeconds, SIGN_IN_LIMITS } from "@/features/auth/throttle";
import { getRedis, disconnectRedis } from "@/lib/redis";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Against the real Redis: the counters must be shared by every web process.
afterAll(async () => {
  await disconnectRedis();
});

const attempt = (overrides: { email?: string; address?: string | null } = {}) => ({
  email: `throttle-${uniqueSuffix()}@example.test`,
  address: `198.51.100.${Math.floor(Math.random() * 250)}-${uniqueSuffix()}`,
  ...overrides,
});

describe("sign-in throttle", () => {
  it("blocks an account after five failures within a minute, for the rest of that minute", async () => {
    const target = attempt();
    for (let failure = 1; failure < SIGN_IN_LIMITS.email.limit; failure += 1) {
      expect(await recordSignInFailure({ ...target, address: `other-${failure}-${uniqueSuffix()}` })).toEqual({ isNowBlocked: false });
      expect(await signInRetryAfterSeconds(target)).toBe(0);
    }
    expect(await recordSignInFailure({ ...target, address: `other-last-${uniqueSuffix()}` })).toEqual({ isNowBlocked: true });
    const wait = await signInRetryAfterSeconds(target);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(SIGN_IN_LIMITS.email.windowSeconds);
    // Other accounts are unaffected.
    expect(await signInRetryAfterSeconds(attempt())).toBe(0);
  });

  it("blocks an address that fails on many accounts, whatever account it tries next", async () => {
    const address = `203.0.113.7-${uniqueSuffix()}`;
    for (let failure = 0; failure < SIGN_IN_LIMITS.address.limit; failure += 1) await recordSignInFailure(attempt({ address }));
    expect(await signInRetryAfterSeconds(attempt({ address }))).toBeGreaterThan(0);
    expect(await signInRetryAfterSeconds(attempt())).toBe(0);
  });

  it("forgets an account's failures after a correct password, and never stores the email", async () => {
    const target = attempt();
    for (let failure = 0; failure < SIGN_IN_LIMITS.email.limit; failure += 1) await recordSignInFailure({ ...target, address: null });
    expect(await signInRetryAfterSeconds(target)).toBeGreaterThan(0);
    const keys = await getRedis().keys("*throttle:sign-in:email:*");
    expect(keys.some((key) => key.includes(target.email))).toBe(false);
    await clearSignInFailures(target.email);
    expect(await signInRetryAfterSeconds(target)).toBe(0);
  });
});
