import { createHash } from "node:crypto";
import { getEnv } from "@/lib/env";
import { createAttemptLimiter, type AttemptLimiter } from "@/lib/rate-limit";
import { getRedis } from "@/lib/redis";
import { webLogger } from "@/lib/web-logger";

// Failed sign-ins are limited per account (guessing one password) and per address (one client
// trying many accounts). The address limit is higher because an office shares one address.
export const SIGN_IN_LIMITS = {
  email: { limit: 5, windowSeconds: 60 },
  address: { limit: 20, windowSeconds: 60 },
} as const;

let limiters: { email: AttemptLimiter; address: AttemptLimiter } | undefined;

function getLimiters() {
  const prefix = `${getEnv().QUEUE_PREFIX}:throttle:sign-in`;
  limiters ??= {
    email: createAttemptLimiter(getRedis(), { keyPrefix: `${prefix}:email`, ...SIGN_IN_LIMITS.email }),
    address: createAttemptLimiter(getRedis(), { keyPrefix: `${prefix}:address`, ...SIGN_IN_LIMITS.address }),
  };
  return limiters;
}

// Emails are hashed so that Redis never holds a list of who tried to sign in.
const emailSubject = (email: string) => createHash("sha256").update(email).digest("hex");

export type SignInAttempt = { email: string; address: string | null };

/**
 * Counts the attempt before the password is checked (see lib/rate-limit.ts). `isLastAllowed` marks
 * the attempt that, if it fails, starts a block. When Redis cannot be reached, sign-in stays
 * possible (the slow password hash still limits guessing) rather than locking every operator out of
 * the console during an outage they need the console to diagnose; the failure is logged loudly.
 */
export async function reserveSignInAttempt(attempt: SignInAttempt): Promise<{ retryAfterSeconds: number; isLastAllowed: boolean }> {
  try {
    const { email, address } = getLimiters();
    const [byEmail, byAddress] = await Promise.all([
      email.reserve(emailSubject(attempt.email)),
      attempt.address ? address.reserve(attempt.address) : { count: 0, retryAfterSeconds: 0 },
    ]);
    return {
      retryAfterSeconds: Math.max(byEmail.retryAfterSeconds, byAddress.retryAfterSeconds),
      isLastAllowed: byEmail.count === SIGN_IN_LIMITS.email.limit || byAddress.count === SIGN_IN_LIMITS.address.limit,
    };
  } catch (error) {
    webLogger.error({ event: "sign_in_throttle_unavailable", err: error }, "sign-in throttle unavailable: Redis did not answer");
    return { retryAfterSeconds: 0, isLastAllowed: false };
  }
}

/** A correct password ends the account's run of failures and takes back the address's count. */
export async function releaseSignInAttempt(attempt: SignInAttempt) {
  try {
    const { email, address } = getLimiters();
    await Promise.all([email.clear(emailSubject(attempt.email)), attempt.address ? address.release(attempt.address) : undefined]);
  } catch (error) {
    webLogger.warn({ event: "sign_in_throttle_unavailable", err: error }, "could not clear sign-in failures");
  }
}
