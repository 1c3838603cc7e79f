import { createHash } from "node:crypto";
import { getEnv } from "@/lib/env";
import { createFailureLimiter, type FailureLimiter } from "@/lib/rate-limit";
import { getRedis } from "@/lib/redis";
import { webLogger } from "@/lib/web-logger";

// Failed sign-ins are limited per account (a guess at one password) and per address (one client
// trying many accounts). The address limit is higher because an office shares one address.
export const SIGN_IN_LIMITS = {
  email: { limit: 5, windowSeconds: 60 },
  address: { limit: 20, windowSeconds: 60 },
} as const;

let limiters: { email: FailureLimiter; address: FailureLimiter } | undefined;

function getLimiters() {
  const prefix = `${getEnv().QUEUE_PREFIX}:throttle:sign-in`;
  limiters ??= {
    email: createFailureLimiter(getRedis(), { keyPrefix: `${prefix}:email`, ...SIGN_IN_LIMITS.email }),
    address: createFailureLimiter(getRedis(), { keyPrefix: `${prefix}:address`, ...SIGN_IN_LIMITS.address }),
  };
  return limiters;
}

// Emails are hashed so that Redis never holds a list of who tried to sign in.
const emailSubject = (email: string) => createHash("sha256").update(email).digest("hex");

export type SignInAttempt = { email: string; address: string | null };

/**
 * Seconds the attempt must wait, or 0. When Redis cannot be reached sign-in stays possible (the
 * slow password hash still limits guessing) rather than locking every operator out of the console
 * during an outage they need the console to diagnose; the failure is logged loudly.
 */
export async function signInRetryAfterSeconds(attempt: SignInAttempt): Promise<number> {
  try {
    const { email, address } = getLimiters();
    const waits = await Promise.all([email.retryAfterSeconds(emailSubject(attempt.email)), attempt.address ? address.retryAfterSeconds(attempt.address) : 0]);
    return Math.max(...waits);
  } catch (error) {
    webLogger.error({ event: "sign_in_throttle_unavailable", err: error }, "sign-in throttle unavailable: Redis did not answer");
    return 0;
  }
}

/** Counts a failure; says whether this failure is the one that starts a block. */
export async function recordSignInFailure(attempt: SignInAttempt): Promise<{ isNowBlocked: boolean }> {
  try {
    const { email, address } = getLimiters();
    const [emailFailures, addressFailures] = await Promise.all([
      email.recordFailure(emailSubject(attempt.email)),
      attempt.address ? address.recordFailure(attempt.address) : 0,
    ]);
    return { isNowBlocked: emailFailures === SIGN_IN_LIMITS.email.limit || addressFailures === SIGN_IN_LIMITS.address.limit };
  } catch (error) {
    webLogger.error({ event: "sign_in_throttle_unavailable", err: error }, "sign-in failure not counted: Redis did not answer");
    return { isNowBlocked: false };
  }
}

/** A correct password ends the account's run of failures; the address keeps its count. */
export async function clearSignInFailures(email: string) {
  try {
    await getLimiters().email.clear(emailSubject(email));
  } catch (error) {
    webLogger.warn({ event: "sign_in_throttle_unavailable", err: error }, "could not clear sign-in failures");
  }
}
