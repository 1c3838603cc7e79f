import type { Logger } from "pino";
import type { LogSchema } from "@/features/events/log-schema";
import { commitPage, finishPullRun, type PullSession } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { AUDIT_OVERLAP_SECONDS, auditCheckpointSchema, EMPTY_AUDIT_CHECKPOINT, type AuditCheckpoint } from "@/features/pulls/schema";
import { fetchAuditLogs, type AuditCallResult } from "@/lib/slack/audit-api";

// The Audit Logs API puller (reference §1.4 and §7). Slack serves newest first, with inclusive
// one-second bounds and cursors that forget `oldest`; so each run reads one bounded window
// [oldest, latest] to its end, resending both bounds on every page, and stores each page with the
// checkpoint that covers it. Duplicates (the inclusive boundary second, the overlap kept for
// Slack's indexing lag, a page fetched again after a crash) are dropped by the event id.

export type AuditWindow = { oldest: number; latest: number; resumeLatest: number };

/** Where this run reads: the unfinished window if there is one, else from the last end (minus the overlap) to now. */
export function planAuditWindow(state: unknown, now: number, backfillMinutes: number): { checkpoint: AuditCheckpoint; window: AuditWindow; isCheckpointUnreadable: boolean } {
  const parsed = state === null ? { success: true as const, data: EMPTY_AUDIT_CHECKPOINT } : auditCheckpointSchema.safeParse(state);
  // An unreadable checkpoint (hand-edited, or from a future version) starts over from the backfill:
  // everything already stored comes back as a duplicate and is skipped, nothing is missed.
  const checkpoint = parsed.success ? parsed.data : EMPTY_AUDIT_CHECKPOINT;
  if (checkpoint.window) return { checkpoint, window: checkpoint.window, isCheckpointUnreadable: !parsed.success };
  const oldest = Math.max(0, checkpoint.watermark === null ? now - backfillMinutes * 60 : checkpoint.watermark - AUDIT_OVERLAP_SECONDS);
  // A clock that went backwards must not produce an empty or inverted window.
  const latest = Math.max(now, oldest);
  return { checkpoint, window: { oldest, latest, resumeLatest: latest }, isCheckpointUnreadable: !parsed.success };
}

/** The oldest whole second a page reached: `date_create` as Slack sends it (a number, now and then a numeric string). */
function oldestSecondOf(entries: readonly unknown[]): number | null {
  let oldest: number | null = null;
  for (const entry of entries) {
    if (typeof entry !== "object" || entry === null) continue;
    const value = Number((entry as { date_create?: unknown }).date_create);
    if (!Number.isFinite(value) || value < 0) continue;
    const second = Math.floor(value);
    if (oldest === null || second < oldest) oldest = second;
  }
  return oldest;
}

export type PullEnd =
  | { outcome: "SUCCEEDED" }
  | { outcome: "INCOMPLETE" | "FAILED"; errorCode: string; error: string; retry: { afterSeconds: number } | null };

/** How a failed call ends the run, in words an operator can act on. Issue 7 refines the advice per error. */
function describeFailure(result: Exclude<AuditCallResult, { ok: true }>): Exclude<PullEnd, { outcome: "SUCCEEDED" }> {
  if (result.kind === "ratelimited") {
    return {
      outcome: "INCOMPLETE",
      errorCode: "ratelimited",
      error: `Slack's audit-log rate limit (50 calls a minute, shared by every app in the organization) was reached; Slack asked to wait ${result.retryAfterSeconds} s. Everything read so far is stored and the pull continues from there.`,
      retry: { afterSeconds: result.retryAfterSeconds },
    };
  }
  if (result.kind === "unreachable") {
    return { outcome: "FAILED", errorCode: "slack_unreachable", error: `Slack did not answer usably (${result.detail}). Everything read so far is stored; the pull is retried.`, retry: { afterSeconds: 0 } };
  }
  if (result.error === "invalid_cursor") {
    return { outcome: "FAILED", errorCode: "invalid_cursor", error: "Slack refused its own paging cursor. Everything read so far is stored; the retry starts a fresh query from there.", retry: { afterSeconds: 0 } };
  }
  const scopes = result.needed ? ` (needed: ${result.needed}; granted: ${result.provided ?? "none"})` : "";
  return { outcome: "FAILED", errorCode: result.error, error: `Slack refused the audit-log request with HTTP ${result.status} ${result.error}${scopes}.`, retry: null };
}

export type AuditPullContext = {
  session: PullSession;
  runId: string;
  source: { id: string; label: string };
  token: string;
  schema: LogSchema;
  checkpoint: AuditCheckpoint;
  window: AuditWindow;
  auditApiUrl: string;
  pageLimit: number;
  /** Asked between pages: a worker that is shutting down stops at a page boundary instead of mid-page. */
  shouldStop: () => boolean;
  logger: Logger;
};

export async function pullAuditLogs(context: AuditPullContext): Promise<PullEnd> {
  const { session, runId, source, window } = context;
  const logType = context.schema.name;
  // Fixed for the whole run: the cursor pages inside [oldest, resumeLatest] as it was when the run began.
  const queryLatest = window.resumeLatest;
  const fetchPage = (cursor?: string) => fetchAuditLogs(context.auditApiUrl, context.token, { oldest: window.oldest, latest: queryLatest, limit: context.pageLimit, ...(cursor ? { cursor } : {}) });

  let resumeLatest = window.resumeLatest;
  let pending = fetchPage();
  for (;;) {
    const result = await pending;
    if (!result.ok) {
      const end = describeFailure(result);
      await finishPullRun(session, runId, end);
      return end;
    }
    const { entries, nextCursor } = result.page;
    const isLastPage = nextCursor === "";
    // Fetch the next page while this one is normalized and stored: Slack's time and Postgres's overlap.
    if (!isLastPage && !context.shouldStop()) pending = fetchPage(nextCursor);

    const prepared = preparePage(context.schema, entries, {
      source,
      parseTime: new Date(),
      dedupeKeyOf: (event) => (typeof event.id === "string" && event.id.length > 0 ? event.id : null),
    });
    const reached = oldestSecondOf(entries);
    if (reached !== null) resumeLatest = Math.min(resumeLatest, reached);
    const checkpoint: AuditCheckpoint = isLastPage
      ? { watermark: Math.max(context.checkpoint.watermark ?? 0, window.latest), window: null }
      : { watermark: context.checkpoint.watermark, window: { ...window, resumeLatest } };
    const isStopping = !isLastPage && context.shouldStop();
    await commitPage(session, {
      runId,
      source,
      logType,
      fetched: entries.length,
      events: prepared.events,
      failures: prepared.failures,
      checkpoint,
      ...(isLastPage ? { finish: { outcome: "SUCCEEDED" as const } } : {}),
      ...(isStopping ? { finish: { outcome: "INCOMPLETE" as const, errorCode: "worker_stopping", error: "The worker was shutting down; the next run continues this window where it stopped." } } : {}),
    });
    if (isLastPage) return { outcome: "SUCCEEDED" };
    if (isStopping) return { outcome: "INCOMPLETE", errorCode: "worker_stopping", error: "The worker was shutting down.", retry: null };
  }
}
