"use server";

import { headers } from "next/headers";
import { authorizeAction } from "@/features/auth/session";
import { findPasswordToken } from "@/features/users/data";
import { changeUserRoleSchema, inviteUserSchema, setPasswordPath, setPasswordSchema, userTargetSchema } from "@/features/users/schema";
import { changeUserRole, inviteUser, setPasswordWithToken, setUserDisabled, startPasswordReset, type PasswordTokenRefusal, type UserChangeRefusal } from "@/features/users/mutations";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { getEnv } from "@/lib/env";
import { requestOrigin } from "@/lib/http";
import { hashPassword } from "@/lib/password";
import { hashToken } from "@/lib/tokens";

// Authenticate → parse → authorize → mutate. Reads go through /api/users, which the page refetches.

const REFUSALS: Record<UserChangeRefusal, string> = {
  not_found: "That user no longer exists or is disabled. Reload the page.",
  email_taken: "An account with that email already exists.",
  last_admin: "This is the last admin who can sign in. Make someone else an admin first.",
  self: "You can't do that to your own account. Ask another admin.",
  unchanged: "Nothing to change: the user is already like that.",
};

type PasswordLink = { link: string; expiresAt: string };

const linkFor = (token: string) => `${getEnv().PUBLIC_URL}${setPasswordPath(token)}`;

export async function inviteUserAction(input: unknown): Promise<ActionResult<PasswordLink & { userId: string }>> {
  const authorization = await authorizeAction("users:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = inviteUserSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await inviteUser(parsed.data, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, REFUSALS[result.reason], result.reason === "email_taken" ? { email: REFUSALS.email_taken } : undefined) };
  return actionSuccess({ userId: result.userId, link: linkFor(result.token), expiresAt: result.expiresAt.toISOString() });
}

export async function changeUserRoleAction(input: unknown): Promise<ActionResult> {
  const authorization = await authorizeAction("users:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = changeUserRoleSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await changeUserRole(parsed.data.userId, parsed.data.role, authorization.audit);
  return result.ok ? actionSuccess(null) : { ok: false, error: actionError(result.reason, REFUSALS[result.reason]) };
}

export async function disableUserAction(input: unknown): Promise<ActionResult> {
  return setDisabled(input, true);
}

export async function enableUserAction(input: unknown): Promise<ActionResult> {
  return setDisabled(input, false);
}

async function setDisabled(input: unknown, isDisabled: boolean): Promise<ActionResult> {
  const authorization = await authorizeAction("users:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = userTargetSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await setUserDisabled(parsed.data.userId, isDisabled, authorization.audit);
  return result.ok ? actionSuccess(null) : { ok: false, error: actionError(result.reason, REFUSALS[result.reason]) };
}

export async function resetUserPasswordAction(input: unknown): Promise<ActionResult<PasswordLink>> {
  const authorization = await authorizeAction("users:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = userTargetSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await startPasswordReset(parsed.data.userId, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, REFUSALS[result.reason]) };
  return actionSuccess({ link: linkFor(result.token), expiresAt: result.expiresAt.toISOString() });
}

const TOKEN_REFUSALS: Record<PasswordTokenRefusal, string> = {
  invalid: "This link is not valid. Ask an admin for a new one.",
  expired: "This link has expired. Ask an admin for a new one.",
  used: "This link has already been used. Sign in, or ask an admin for a new link.",
};

/**
 * Public on purpose: the person has no session yet. The single-use link is the authorization, so
 * nothing here runs before the token has been checked except parsing.
 */
export async function setPasswordAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  const parsed = setPasswordSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const tokenHash = hashToken(parsed.data.token);
  // Checked before the deliberately slow password hash, so unauthenticated callers cannot spend
  // the server's CPU and memory with made-up tokens. The claim below re-checks atomically.
  const link = await findPasswordToken(tokenHash);
  if (link.state !== "valid") return { ok: false, error: actionError(link.state, TOKEN_REFUSALS[link.state]) };
  const result = await setPasswordWithToken(tokenHash, await hashPassword(parsed.data.password), requestOrigin(await headers()));
  return result.ok ? actionSuccess({ email: result.email }) : { ok: false, error: actionError(result.reason, TOKEN_REFUSALS[result.reason]) };
}
