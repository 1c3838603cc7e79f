import { z } from "zod";
import { startDeadline } from "@/lib/deadline";

// A minimal client for Slack's Web API (slack.com/api/*), where failures are HTTP 200 with
// `ok:false` (reference §0) and everything else (5xx, an HTML error page, a reset connection, a hang)
// means Slack could not answer. Callers get one of three outcomes and never an exception, and no
// outcome ever carries a token, a client secret or a code: only Slack's error code and HTTP facts.

export const SLACK_REQUEST_TIMEOUT_MS = 15_000;

export type SlackAuth = { kind: "bearer"; token: string } | { kind: "basic"; clientId: string; clientSecret: string } | { kind: "none" };

export type SlackCallResult<T> =
  /** `serverTime`: Slack's clock (its Date header, Unix seconds) when it answered, or null without one. */
  | { ok: true; data: T; serverTime: number | null }
  /** Slack answered and refused: `error` is its code (invalid_auth, missing_scope…). */
  | { ok: false; kind: "slack_error"; error: string; needed?: string; provided?: string }
  | { ok: false; kind: "ratelimited"; retryAfterSeconds: number }
  /** No usable answer: network failure, timeout, 5xx, or a body that is not Slack's JSON. */
  | { ok: false; kind: "unreachable"; detail: string };

const slackErrorSchema = z.object({ ok: z.literal(false), error: z.string().max(200), needed: z.string().max(1000).optional(), provided: z.string().max(1000).optional() });

function authorizationHeader(auth: SlackAuth): Record<string, string> {
  if (auth.kind === "bearer") return { authorization: `Bearer ${auth.token}` };
  if (auth.kind === "basic") {
    // RFC 6749 §2.3.1: form-encode each part before joining, so a ':' in either survives.
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
    return { authorization: `Basic ${Buffer.from(`${encode(auth.clientId)}:${encode(auth.clientSecret)}`).toString("base64")}` };
  }
  return {};
}

/** Seconds from a Retry-After header; Slack sends whole seconds, a missing or odd value waits a minute. */
export function parseRetryAfter(value: string | null): number {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 60;
}

/**
 * POSTs a form to `{baseUrl}/{method}` and validates a successful answer with `schema`. A success
 * that does not match the schema is "unreachable" too: acting on a half-understood answer is worse
 * than asking the person to try again.
 */
export async function callSlackMethod<T>(
  baseUrl: string,
  method: string,
  options: { auth: SlackAuth; params?: Record<string, string>; schema: z.ZodType<T>; timeoutMs?: number; signal?: AbortSignal },
): Promise<SlackCallResult<T>> {
  const timeoutMs = options.timeoutMs ?? SLACK_REQUEST_TIMEOUT_MS;
  const describeAbort = (error: unknown) => {
    if (options.signal?.aborted) return "request abandoned";
    const isTimeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return isTimeout ? `no answer within ${Math.round(timeoutMs / 1000)} s` : "connection failed";
  };
  let response: Response;
  let text: string;
  // Covers the body too: a Slack that sends headers and then stalls is as unreachable as a silent one.
  const deadline = startDeadline(timeoutMs, options.signal);
  try {
    try {
      response = await fetch(`${baseUrl}/${method}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...authorizationHeader(options.auth) },
        body: new URLSearchParams(options.params ?? {}),
        signal: deadline.signal,
        redirect: "error",
      });
    } catch (error) {
      return { ok: false, kind: "unreachable", detail: describeAbort(error) };
    }
    if (response.status === 429) {
      await response.body?.cancel();
      return { ok: false, kind: "ratelimited", retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")) };
    }
    try {
      text = await response.text();
    } catch (error) {
      // The connection dropped (or the deadline passed) halfway through the body.
      return { ok: false, kind: "unreachable", detail: describeAbort(error) };
    }
  } finally {
    deadline.dispose();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, kind: "unreachable", detail: `HTTP ${response.status} with ${/^\s*</.test(text) ? "an HTML page" : "a body that is not JSON"}` };
  }
  if (!response.ok) return { ok: false, kind: "unreachable", detail: `HTTP ${response.status}` };
  const refusal = slackErrorSchema.safeParse(body);
  if (refusal.success) {
    const { error, needed, provided } = refusal.data;
    return { ok: false, kind: "slack_error", error, ...(needed === undefined ? {} : { needed }), ...(provided === undefined ? {} : { provided }) };
  }
  const parsed = options.schema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: "unreachable", detail: `unexpected answer from ${method}` };
  const date = Date.parse(response.headers.get("date") ?? "");
  return { ok: true, data: parsed.data, serverTime: Number.isFinite(date) ? Math.floor(date / 1000) : null };
}

// Responses Tributary acts on (reference §4.2, §4.4). Unknown fields pass through untouched.

const idName = z.object({ id: z.string().min(1), name: z.string().optional() }).passthrough();

export const oauthV2AccessSchema = z
  .object({
    ok: z.literal(true),
    app_id: z.string().optional(),
    team: idName.nullish(),
    enterprise: idName.nullish(),
    is_enterprise_install: z.boolean().optional().default(false),
    authed_user: z
      .object({
        id: z.string().min(1),
        scope: z.string().optional(),
        access_token: z.string().min(1).optional(),
        token_type: z.string().optional(),
        // Present only when the app has token rotation on (reference §4.3).
        expires_in: z.number().optional(),
        refresh_token: z.string().optional(),
      })
      .passthrough(),
  })
  .passthrough();
export type OAuthV2Access = z.infer<typeof oauthV2AccessSchema>;

export const authTestSchema = z
  .object({
    ok: z.literal(true),
    url: z.string().optional(),
    team: z.string().nullish(),
    user: z.string().nullish(),
    team_id: z.string().min(1),
    user_id: z.string().min(1),
    enterprise_id: z.string().optional(),
    is_enterprise_install: z.boolean().optional(),
  })
  .passthrough();
export type AuthTest = z.infer<typeof authTestSchema>;

export const authRevokeSchema = z.object({ ok: z.literal(true), revoked: z.boolean().optional() }).passthrough();

/** Comma-separated scope lists as Slack sends them. */
export function splitScopes(value: string | undefined): string[] {
  return [...new Set((value ?? "").split(/[\s,]+/).filter(Boolean))];
}
