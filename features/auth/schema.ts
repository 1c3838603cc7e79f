import { z } from "zod";

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address").max(254));

export const signInSchema = z.object({
  email: emailSchema,
  // Only bounded here; strength rules apply when a password is set, not when one is tried.
  password: z.string().min(1, "Enter your password").max(1024),
});
export type SignInInput = z.infer<typeof signInSchema>;

export const SIGN_IN_ERROR_MESSAGE = "That email and password don't match an active account.";

// next-auth v4 hands the message of an error thrown in authorize() to the client as `error`.
const THROTTLED_PREFIX = "throttled:";
export const throttledSignInError = (retryAfterSeconds: number) => `${THROTTLED_PREFIX}${retryAfterSeconds}`;

export const SIGN_IN_UNAVAILABLE = "unavailable";

/** What the sign-in form says for the error code next-auth returned. */
export function signInErrorMessage(error: string | null | undefined): string {
  if (error === SIGN_IN_UNAVAILABLE) return "Sign-in is unavailable right now. Try again in a minute; if it keeps failing, an admin can check the server log.";
  if (error?.startsWith(THROTTLED_PREFIX)) {
    const seconds = Number(error.slice(THROTTLED_PREFIX.length)) || 60;
    return `Too many failed sign-in attempts. Wait ${seconds} second${seconds === 1 ? "" : "s"} and try again.`;
  }
  return SIGN_IN_ERROR_MESSAGE;
}

export const ROLE_LABELS = { ADMIN: "Admin", ANALYST: "Analyst" } as const satisfies Record<string, string>;

const DEFAULT_DESTINATION = "/sources";

/**
 * Only same-origin destinations: a crafted ?callbackUrl= must not send a user to another site. The
 * value is resolved the way the browser will resolve it (which drops tabs and newlines, turns "\\"
 * into "/"…) and kept only if it stays on this origin.
 */
export function safeCallbackPath(value: string | undefined, origin: string): string {
  if (!value) return DEFAULT_DESTINATION;
  try {
    const target = new URL(value, origin);
    return target.origin === origin ? `${target.pathname}${target.search}${target.hash}` : DEFAULT_DESTINATION;
  } catch {
    return DEFAULT_DESTINATION;
  }
}
