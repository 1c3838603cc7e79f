import type { AuthOptions } from "next-auth";
import { getServerSession } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { findActiveUser, findUserForSignIn } from "@/features/auth/data";
import { recordSignIn } from "@/features/auth/mutations";
import { signInSchema } from "@/features/auth/schema";
import { getEnv } from "@/lib/env";
import { REQUEST_PATH_HEADER } from "@/lib/http";
import { hashPassword, verifyPassword } from "@/lib/password";
import { isHttpsUrl } from "@/lib/security-headers";
import { requestLogger } from "@/lib/web-logger";

const SESSION_MAX_AGE_SECONDS = 12 * 3600;

// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let decoyHash: Promise<string> | undefined;

async function authorize(credentials: Record<string, unknown> | undefined, request: { headers?: Record<string, unknown> }) {
  const logger = requestLogger(new Headers(Object.entries(request.headers ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === "string")));
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const user = await findUserForSignIn(email);
  decoyHash ??= hashPassword("decoy password that matches nothing");
  const isValid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user || !isValid || user.disabledAt) {
    logger.info({ event: "sign_in_failed", email }, "sign-in refused");
    return null;
  }
  await recordSignIn(user.id);
  logger.info({ event: "sign_in", userId: user.id }, "signed in");
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

let cachedOptions: AuthOptions | undefined;

/** Built on first use so that the secret is read from validated configuration, not at import. */
export function getAuthOptions(): AuthOptions {
  if (cachedOptions) return cachedOptions;
  const env = getEnv();
  // next-auth v4 reads its base URL (and whether cookies are Secure) from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= env.PUBLIC_URL;
  cachedOptions = {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
        }
        return token;
      },
      session({ session, token }) {
        if (token.userId && token.role) {
          session.user = { id: token.userId, email: token.email ?? "", name: token.name ?? "", role: token.role };
        }
        return session;
      },
    },
  };
  return cachedOptions;
}

export type CurrentUser = NonNullable<Awaited<ReturnType<typeof findActiveUser>>>;

/**
 * The signed-in user, re-read from Postgres on every request so that a disabled account or a
 * changed role takes effect at once instead of when the JWT expires.
 */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(getAuthOptions());
  const userId = session?.user?.id;
  return userId ? findActiveUser(userId) : null;
}

/** For pages and layouts: the user, or a redirect to sign-in that comes back to this page. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (user) return user;
  const path = (await headers()).get(REQUEST_PATH_HEADER);
  redirect(path && path !== "/" ? `/signin?callbackUrl=${encodeURIComponent(path)}` : "/signin");
}
