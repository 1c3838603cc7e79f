import { z } from "zod";
import { startDeadline } from "@/lib/deadline";
import { parseRetryAfter } from "@/lib/slack/web-api";

// The Audit Logs API (api.slack.com/audit/v1) is not the Web API: success has no `ok` field and
// failures are non-2xx statuses with a Web-API-style body (reference §1.3, §1.8). Like the Web API
// client, callers get an outcome value and never an exception, and no outcome carries the token.

/** A 9,999-row page is ~10 MB of JSON that Slack may take a while to produce. */
export const AUDIT_REQUEST_TIMEOUT_MS = 60_000;
/** Slack's maximum (reference §1.2): the fewest calls against the org-wide Tier 3 budget. */
export const AUDIT_MAX_LIMIT = 9999;

export type AuditLogsQuery = { oldest: number; latest: number; limit: number; cursor?: string };
/** `serverTime`: Slack's clock (the Date header, Unix seconds) when it answered, or null without one. */
export type AuditLogsPage = { entries: unknown[]; nextCursor: string; serverTime: number | null };

export type AuditCallResult =
  | { ok: true; page: AuditLogsPage }
  /** Slack refused with a 4xx and said why (`invalid_auth`, `missing_scope`, `invalid_cursor`…). */
  | { ok: false; kind: "slack_error"; status: number; error: string; needed?: string; provided?: string }
  | { ok: false; kind: "ratelimited"; retryAfterSeconds: number }
  /** No usable answer: network failure, timeout, 5xx, an HTML page, malformed JSON. Worth retrying. */
  | { ok: false; kind: "unreachable"; detail: string };

const auditErrorSchema = z.object({ error: z.string().min(1).max(200), needed: z.string().max(1000).optional(), provided: z.string().max(1000).optional() });

const auditLogsSchema = z.object({
  // Each entry is validated later against the log type's schema, one by one, so one odd record is
  // quarantined instead of failing the page.
  entries: z.array(z.unknown()),
  // "always present… either with a cursor value or an empty string" [A10]; missing or null also ends paging [R2].
  response_metadata: z.object({ next_cursor: z.string().nullish() }).passthrough().nullish(),
});

/** `signal` aborts the request early (a worker shutting down); the outcome is then "unreachable". */
export async function fetchAuditLogs(baseUrl: string, token: string, query: AuditLogsQuery, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<AuditCallResult> {
  const timeoutMs = options.timeoutMs ?? AUDIT_REQUEST_TIMEOUT_MS;
  // oldest and latest go out with every page: the cursor alone forgets them (elastic/integrations #8163).
  const params = new URLSearchParams({ oldest: String(query.oldest), latest: String(query.latest), limit: String(query.limit) });
  if (query.cursor) params.set("cursor", query.cursor);
  let response: Response;
  let text: string;
  const deadline = startDeadline(timeoutMs, options.signal);
  try {
    response = await fetch(`${baseUrl}/logs?${params}`, {
      headers: { accept: "application/json", authorization: `Bearer ${token}` },
      signal: deadline.signal,
      redirect: "error",
    });
    if (response.status === 429) {
      await response.body?.cancel();
      return { ok: false, kind: "ratelimited", retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")) };
    }
    text = await response.text();
  } catch (error) {
    const isTimeout = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    if (options.signal?.aborted) return { ok: false, kind: "unreachable", detail: "request abandoned" };
    return { ok: false, kind: "unreachable", detail: isTimeout ? `no answer within ${Math.round(timeoutMs / 1000)} s` : "connection failed" };
  } finally {
    deadline.dispose();
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const looksLikeHtml = /^\s*</.test(text);
    return { ok: false, kind: "unreachable", detail: `HTTP ${response.status} with ${looksLikeHtml ? "an HTML page" : "a body that is not JSON"}` };
  }
  if (response.status >= 500) return { ok: false, kind: "unreachable", detail: `HTTP ${response.status}` };
  if (!response.ok) {
    const refusal = auditErrorSchema.safeParse(body);
    if (!refusal.success) return { ok: false, kind: "unreachable", detail: `HTTP ${response.status} without an error code` };
    const { error, needed, provided } = refusal.data;
    return { ok: false, kind: "slack_error", status: response.status, error, ...(needed === undefined ? {} : { needed }), ...(provided === undefined ? {} : { provided }) };
  }
  const parsed = auditLogsSchema.safeParse(body);
  if (!parsed.success) return { ok: false, kind: "unreachable", detail: "an answer without an entries list" };
  const serverTime = Date.parse(response.headers.get("date") ?? "");
  return {
    ok: true,
    page: { entries: parsed.data.entries, nextCursor: parsed.data.response_metadata?.next_cursor ?? "", serverTime: Number.isFinite(serverTime) ? Math.floor(serverTime / 1000) : null },
  };
}
