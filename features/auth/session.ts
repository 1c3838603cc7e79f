import type { AuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import type { NextResponse } from "next/server";
import { recordAudit } from "@/features/audit/mutations";
import { ANONYMOUS_ACTOR, type AuditContext } from "@/features/audit/schema";
import { findActiveUser, findUserForSignIn } from "@/features/auth/data";
import { endSessions, recordSignIn } from "@/features/auth/mutations";
import { can, type Permission } from "@/features/auth/permissions";
import { SIGN_IN_UNAVAILABLE, signInSchema, throttledSignInError } from "@/features/auth/schema";
import { releaseSignInAttempt, reserveSignInAttempt } from "@/features/auth/throttle";
import { actionError, type ActionError } from "@/lib/action";
import { getEnv } from "@/lib/env";
import { forbiddenResponse, REQUEST_PATH_HEADER, requestOrigin, unauthorized } from "@/lib/http";
import { hashPassword, verifyPassword } from "@/lib/password";
import { isHttpsUrl } from "@/lib/security-headers";
import { requestLogger } from "@/lib/web-logger";

const SESSION_MAX_AGE_SECONDS = 12 * 3600;

// Verified against when the email is unknown or has no password yet, so every refusal takes as long
// as a wrong password and timing does not tell which accounts exist.
let decoyHash: Promise<string> | undefined;

function toHeaders(raw: Record<string, unknown> | undefined): Headers {
  return new Headers(Object.entries(raw ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

async function authorize(credentials: Record<string, unknown> | undefined, request: { headers?: Record<string, unknown> }) {
  const requestHeaders = toHeaders(request.headers);
  const logger = requestLogger(requestHeaders);
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const origin = requestOrigin(requestHeaders);
  const attempt = { email, address: origin.ipAddress };

  const reservation = await reserveSignInAttempt(attempt);
  if (reservation.retryAfterSeconds > 0) {
    // Refused before the password is looked at, so a blocked guesser learns nothing and costs no hashing.
    logger.warn({ event: "sign_in_throttled", address: attempt.address, retryAfter: reservation.retryAfterSeconds }, "sign-in throttled");
    throw new Error(throttledSignInError(reservation.retryAfterSeconds));
  }

  try {
    const user = await findUserForSignIn(email);
    decoyHash ??= hashPassword("decoy password that matches nothing");
    const isValid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    const target = { type: "user", id: user?.id ?? null, label: email };
    if (!user || !user.passwordHash || !isValid || user.disabledAt) {
      const reason = !user ? "unknown_email" : user.disabledAt ? "account_disabled" : !user.passwordHash ? "password_not_set" : "wrong_password";
      logger.info({ event: "sign_in_failed", reason, address: attempt.address }, "sign-in refused");
      // Whoever tried is unknown: the account is the target, never the actor, so a user's own
      // history does not fill up with an attacker's guesses.
      await recordAudit({ ...origin, actor: ANONYMOUS_ACTOR }, { action: "auth.sign_in_failed", target, details: { reason } });
      if (reservation.isLastAllowed) await recordAudit({ ...origin, actor: ANONYMOUS_ACTOR }, { action: "auth.sign_in_throttled", target });
      return null;
    }
    await releaseSignInAttempt(attempt);
    await recordSignIn(user.id);
    await recordAudit({ ...origin, actor: { id: user.id, label: user.email } }, { action: "auth.sign_in", target });
    logger.info({ event: "sign_in", userId: user.id }, "signed in");
    return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
  } catch (error) {
    // next-auth sends an error thrown here to the browser as text: never a database message.
    logger.error({ event: "sign_in_error", err: error }, "sign-in failed with an error");
    throw new Error(SIGN_IN_UNAVAILABLE);
  }
}

let cachedOptions: AuthOptions | undefined;

/** Built on first use so that the secret is read from validated configuration, not at import. */
export function getAuthOptions(): AuthOptions {
  if (cachedOptions) return cachedOptions;
  const env = getEnv();
  // next-auth v4 reads its base URL from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= env.PUBLIC_URL;
  cachedOptions = {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    // HttpOnly and SameSite=Lax always; Secure (and the __Secure- prefix) when served over https.
    useSecureCookies: isHttpsUrl(env.PUBLIC_URL),
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        authorize,
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.userId = user.id;
          token.role = user.role;
          token.sessionVersion = user.sessionVersion;
        }
        return token;
      },
      session({ session, token }) {
        if (token.userId && token.role) {
          session.user = { id: token.userId, email: token.email ?? "", name: token.name ?? "", role: token.role, sessionVersion: token.sessionVersion ?? 0 };
        }
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (!token.userId) return;
        await endSessions(token.userId);
        await recordAudit({ actor: { id: token.userId, label: token.email ?? token.userId } }, { action: "auth.sign_out", target: { type: "user", id: token.userId, label: token.email ?? null } });
      },
    },
  };
  return cachedOptions;
}

export type CurrentUser = { id: string; email: string; name: string; role: NonNullable<Awaited<ReturnType<typeof findActiveUser>>>["role"] };

/**
 * The signed-in user, re-read from Postgres on every request so that a disabled account, a changed
 * role or a password reset takes effect at once instead of when the JWT expires.
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(getAuthOptions());
  const userId = session?.user?.id;
  if (!userId) return null;
  const user = await findActiveUser(userId);
  if (!user || user.sessionVersion !== (session.user.sessionVersion ?? 0)) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** For pages and layouts: the user, or a redirect to sign-in that comes back to this page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get(REQUEST_PATH_HEADER);
  redirect(path && path !== "/" ? `/signin?callbackUrl=${encodeURIComponent(path)}` : "/signin");
}

/** For pages: sign-in when anonymous, the 403 page when the role does not allow it. */
export async function requirePermission(permission: Permission): Promise<CurrentUser> {
  const user = await requireUser();
  if (!can(user, permission)) forbidden();
  return user;
}

export type RequestAuthorization = { ok: true; user: CurrentUser } | { ok: false; response: NextResponse };

/** For route handlers: 401 JSON when anonymous, 403 JSON when the role does not allow it. */
export async function authorizeRequest(permission: Permission): Promise<RequestAuthorization> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, response: unauthorized() };
  if (!can(user, permission)) return { ok: false, response: forbiddenResponse() };
  return { ok: true, user };
}

export type ActionAuthorization = { ok: true; user: CurrentUser; audit: AuditContext } | { ok: false; error: ActionError };

/**
 * For server actions, first thing: actions are public HTTP endpoints whatever page renders them.
 * Returns the audit context (actor, address, request ID) the action records its change with.
 */
export async function authorizeAction(permission: Permission): Promise<ActionAuthorization> {
  const user = await getCurrentUser();
  if (!user) return { ok: false, error: actionError("unauthorized", "Your session has ended. Sign in again.") };
  if (!can(user, permission)) return { ok: false, error: actionError("forbidden", "Your role does not allow this. Ask an admin.") };
  return { ok: true, user, audit: { ...requestOrigin(await headers()), actor: { id: user.id, label: user.email } } };
}
