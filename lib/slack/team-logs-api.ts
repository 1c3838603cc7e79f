import { z } from "zod";
import { callSlackMethod, type SlackCallResult } from "@/lib/slack/web-api";

// team.accessLogs and team.integrationLogs (reference §2, §3): Web API methods, so a refusal is
// HTTP 200 with ok:false, and classic paging only for integration logs. Records come back unchecked
// (`unknown[]`): each is validated against its log type's schema one by one, so one odd record is
// quarantined instead of failing the page.

/** Slack's classic paging caps (reference §2): more answers over_pagination_limit. */
export const TEAM_LOGS_MAX_COUNT = 1000;
export const TEAM_LOGS_MAX_PAGE = 100;

const pagingSchema = z.object({ count: z.number().optional(), total: z.number().optional(), page: z.number().optional(), pages: z.number().optional() }).passthrough();

const accessLogsSchema = z
  .object({ ok: z.literal(true), logins: z.array(z.unknown()), paging: pagingSchema.optional(), response_metadata: z.object({ next_cursor: z.string().nullish() }).passthrough().nullish() })
  .passthrough();
const integrationLogsSchema = z.object({ ok: z.literal(true), logs: z.array(z.unknown()), paging: pagingSchema.optional() }).passthrough();

/** `nextCursor`: in cursor mode, where the next page starts ("" on the last); null in classic paging. */
export type TeamLogsPage = { records: unknown[]; pages: number | null; nextCursor: string | null };
export type TeamLogsCallResult = SlackCallResult<TeamLogsPage>;

type CallOptions = { timeoutMs: number; signal?: AbortSignal };

async function callTeamLogs(
  baseUrl: string,
  method: "team.accessLogs" | "team.integrationLogs",
  token: string,
  params: Record<string, string>,
  options: CallOptions,
): Promise<TeamLogsCallResult> {
  const call = { auth: { kind: "bearer" as const, token }, params, timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) };
  if (method === "team.accessLogs") {
    const result = await callSlackMethod(baseUrl, method, { ...call, schema: accessLogsSchema });
    if (!result.ok) return result;
    const nextCursor = result.data.response_metadata ? (result.data.response_metadata.next_cursor ?? "") : null;
    return { ok: true, data: { records: result.data.logins, pages: result.data.paging?.pages ?? null, nextCursor }, serverTime: result.serverTime };
  }
  const result = await callSlackMethod(baseUrl, method, { ...call, schema: integrationLogsSchema });
  return result.ok ? { ok: true, data: { records: result.data.logs, pages: result.data.paging?.pages ?? null, nextCursor: null }, serverTime: result.serverTime } : result;
}

/**
 * One page of access logs at or before `before` (Unix seconds, inclusive), newest first by
 * date_last: classic paging with `count`/`page`, or cursor paging with `limit` (and the `cursor` of
 * the previous page), which keeps pages consistent while rows change (reference §2).
 */
export function fetchAccessLogs(baseUrl: string, token: string, query: { before: number; count: number; page: number } | { before: number; limit: number; cursor: string }, options: CallOptions) {
  const params: Record<string, string> =
    "limit" in query
      ? { before: String(query.before), limit: String(query.limit), ...(query.cursor ? { cursor: query.cursor } : {}) }
      : { before: String(query.before), count: String(query.count), page: String(query.page) };
  return callTeamLogs(baseUrl, "team.accessLogs", token, params, options);
}

/** One page of integration logs; the method has no time filter (reference §3). */
export function fetchIntegrationLogs(baseUrl: string, token: string, query: { count: number; page: number }, options: CallOptions) {
  return callTeamLogs(baseUrl, "team.integrationLogs", token, { count: String(query.count), page: String(query.page) }, options);
}
