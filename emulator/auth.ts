import { findUser } from "@/emulator/world";
import { json, webApiError, type Reply, type RequestContext } from "@/emulator/http";
import type { Token } from "@/emulator/state";

// Token checks shared by the Web API and the Audit Logs API (reference §0, §4.4, §6).

export type TokenCheck = { ok: true; token: Token } | { ok: false; error: "not_authed" | "invalid_auth" | "token_revoked" | "account_inactive" };

/**
 * The token from `Authorization: Bearer` or a form/JSON body `token`. A token in the query string
 * is ignored, as for every app created after 2021-02-24 (reference §0).
 */
export function presentedToken(context: RequestContext): string | null {
  const header = context.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice("Bearer ".length).trim() || null;
  return context.body.get("token") || null;
}

export function checkToken(context: RequestContext): TokenCheck {
  const value = presentedToken(context);
  if (!value) return { ok: false, error: "not_authed" };
  const token = context.state.tokens.get(value);
  if (!token) return { ok: false, error: "invalid_auth" };
  const app = [...context.state.apps.values()].find((candidate) => candidate.appId === token.appId);
  if (token.revokedAt !== null || !app || app.uninstalledAt !== null) return { ok: false, error: "token_revoked" };
  // A deactivated installer: Slack answers account_inactive for a bot token and token_revoked for a
  // user token (reference §6); the control API also revokes the user tokens for good (O11).
  if (findUser(context.state.world, token.installerId)?.isDeactivated) return { ok: false, error: token.kind === "bot" ? "account_inactive" : "token_revoked" };
  return { ok: true, token };
}

/** missing_scope carries what was needed and what the token has (reference §0). */
export function missingScope(token: Token, needed: string): Reply | null {
  return token.scopes.includes(needed) ? null : webApiError("missing_scope", { needed, provided: token.scopes.join(",") });
}

/** For the Audit API, which answers failures with a non-2xx status and an ok:false body (reference §1.8). */
export function auditError(status: number, error: string, extra: Record<string, unknown> = {}): Reply {
  return json({ ok: false, error, ...extra }, status);
}
