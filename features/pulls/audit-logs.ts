import type { Logger } from "pino";
import { commitPage, finishPullRun } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { AUDIT_OVERLAP_SECONDS, auditCheckpointSchema, EMPTY_AUDIT_CHECKPOINT, type AuditCheckpoint } from "@/features/pulls/schema";
import { describeSlackFailure, WORKER_STOPPING, type PullEnd, type PullerContext, type PullFailure } from "@/features/pulls/pull-end";
import { fetchAuditLogs, type AuditCallResult } from "@/lib/slack/audit-api";

// The Audit Logs API puller (reference §1.4 and §7). Slack serves newest first, with inclusive
// one-second bounds and cursors that forget `oldest`; so each run reads one bounded window
// [oldest, latest] to its end, resending both bounds on every page, and stores each page with the
// checkpoint that covers it. Duplicates (the inclusive boundary second, the overlap kept for
// Slack's indexing lag, a page fetched again after a crash) are dropped by the event id.

export type AuditWindow = { oldest: number; latest: number; resumeLatest: number };
export type AuditPlan = { checkpoint: AuditCheckpoint; window: AuditWindow; isResumed: boolean; isCheckpointUnreadable: boolean };

/** Where this run reads: the unfinished window if there is one, else from the last end (minus the overlap) to now. */
export function planAuditWindow(state: unknown, now: number, backfillMinutes: number): AuditPlan {
  const parsed = state === null ? { success: true as const, data: EMPTY_AUDIT_CHECKPOINT } : auditCheckpointSchema.safeParse(state);
  // An unreadable checkpoint (hand-edited, or from a future version) starts again from the backfill:
  // what is already stored comes back as duplicates and is skipped. (Events older than the backfill
  // and newer than the lost watermark would be missed, which is why it is logged.)
  const checkpoint = parsed.success ? parsed.data : EMPTY_AUDIT_CHECKPOINT;
  if (checkpoint.window) return { checkpoint, window: checkpoint.window, isResumed: true, isCheckpointUnreadable: !parsed.success };
  const oldest = Math.max(0, checkpoint.watermark === null ? now - backfillMinutes * 60 : checkpoint.watermark - AUDIT_OVERLAP_SECONDS);
  // A clock that went backwards must not produce an empty or inverted window.
  const latest = Math.max(now, oldest);
  return { checkpoint, window: { oldest, latest, resumeLatest: latest }, isResumed: false, isCheckpointUnreadable: !parsed.success };
}

/**
 * The oldest whole second a page reached, counting only well-formed `date_create` values inside the
 * queried bounds: a quarantined record with a null, empty or out-of-window time must not move the
 * resume point (to 0 it would make the next run's window empty and skip the rest of this one).
 */
export function oldestSecondReached(entries: readonly unknown[], bounds: { oldest: number; latest: number }): number | null {
  let oldest: number | null = null;
  for (const entry of entries) {
    if (typeof entry !== "object" || entry === null) continue;
    const raw = (entry as { date_create?: unknown }).date_create;
    const value = typeof raw === "number" ? raw : typeof raw === "string" && /^\d{1,12}(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value)) continue;
    const second = Math.floor(value);
    if (second < bounds.oldest || second > bounds.latest) continue;
    if (oldest === null || second < oldest) oldest = second;
  }
  return oldest;
}

export type AuditPullContext = PullerContext & {
  plan: AuditPlan;
  /** Plans again from another "now": Slack's, when this machine's clock turns out to run ahead. */
  replan: (now: number) => AuditPlan;
  auditApiUrl: string;
  pageLimit: number;
  logger: Logger;
};

/** A page commit that failed, kept as a value until the puller awaits it. */
class CommitFailure {
  constructor(readonly error: unknown) {}
}

/** Skew below this is covered by the overlap; above it a new window is planned on Slack's clock. */
const CLOCK_SKEW_TOLERANCE_SECONDS = 5;

export async function pullAuditLogs(context: AuditPullContext): Promise<PullEnd> {
  const { session, runId, source, stopSignal } = context;
  const { checkpoint, isResumed } = context.plan;
  let window = context.plan.window;
  const logType = context.schema.name;
  // Fixed while a cursor pages: the cursor walks [oldest, resumeLatest] as it was when it began.
  let bounds = { oldest: window.oldest, latest: window.resumeLatest };
  const fetchPage = async (cursor?: string): Promise<AuditCallResult | { ok: false; kind: "budget"; end: PullFailure }> => {
    const admitted = await context.gate("audit.logs");
    if (!admitted.ok) return { ok: false, kind: "budget", end: admitted.end };
    const query = { oldest: bounds.oldest, latest: bounds.latest, limit: context.pageLimit, ...(cursor ? { cursor } : {}) };
    return fetchAuditLogs(context.auditApiUrl, context.token, query, { signal: stopSignal, timeoutMs: context.timeoutMs });
  };

  let resumeLatest = window.resumeLatest;
  let pending = fetchPage();
  // Three stages overlap: Slack serves page N+2 while this process normalizes page N+1 and Postgres
  // commits page N. Commits stay in order on the one session, so each checkpoint still covers
  // exactly the pages before it. A commit's failure is held here until it is awaited, so that it
  // is never an unhandled rejection while the next page is being fetched.
  let committing: Promise<unknown> = Promise.resolve(null);
  const settleCommit = async () => {
    const outcome = await committing;
    committing = Promise.resolve(null);
    if (outcome instanceof CommitFailure) throw outcome.error;
  };
  try {
    for (let isFirstPage = true; ; isFirstPage = false) {
      const result = await pending;
      if (stopSignal.aborted) {
        // Whatever this request brought is dropped with it; the checkpoint still points before it.
        await settleCommit();
        await finishPullRun(session, runId, WORKER_STOPPING);
        return WORKER_STOPPING;
      }
      if (!result.ok) {
        await settleCommit();
        const end = result.kind === "budget" ? result.end : describeSlackFailure(result, { logType, method: "audit/v1/logs" });
        await finishPullRun(session, runId, end);
        return end;
      }
      const { entries, nextCursor, serverTime } = result.page;
      // A machine clock running ahead of Slack's would put the watermark (and a backfill's start) in
      // Slack's future, and the next window would begin after events Slack records meanwhile. A new
      // window is therefore planned again on Slack's clock (its Date header) and read from the start;
      // Slack cannot hold events newer than its own clock, so nothing is lost by the first answer.
      if (isFirstPage && !isResumed && serverTime !== null && serverTime < window.latest - CLOCK_SKEW_TOLERANCE_SECONDS) {
        context.logger.warn({ sourceId: source.id, localTime: window.latest, slackTime: serverTime }, "this machine's clock is ahead of Slack's; the window is planned on Slack's time");
        window = context.replan(serverTime).window;
        bounds = { oldest: window.oldest, latest: window.resumeLatest };
        resumeLatest = window.resumeLatest;
        pending = fetchPage();
        continue;
      }
      const isLastPage = nextCursor === "";
      if (!isLastPage) pending = fetchPage(nextCursor);

      const prepared = await preparePage(context.schema, entries, {
        source,
        parseTime: new Date(),
        dedupeKeyOf: (event) => (typeof event.id === "string" ? event.id : null),
      });
      const reached = oldestSecondReached(entries, bounds);
      if (reached !== null) resumeLatest = Math.min(resumeLatest, reached);
      const next: AuditCheckpoint = isLastPage
        ? { watermark: context.replayId ? checkpoint.watermark : Math.max(checkpoint.watermark ?? 0, window.latest), window: null }
        : { watermark: checkpoint.watermark, window: { ...window, resumeLatest } };
      const page = {
        runId,
        source,
        logType,
        fetched: entries.length,
        events: prepared.events,
        failures: prepared.failures,
        checkpoint: next,
        ...(context.replayId ? { replayId: context.replayId } : {}),
        window: { oldest: new Date(window.oldest * 1000), latest: new Date(window.latest * 1000) },
      };
      await settleCommit();
      const isStopping = !isLastPage && stopSignal.aborted;
      const finish = isLastPage ? { finish: { outcome: "SUCCEEDED" as const } } : isStopping ? { finish: WORKER_STOPPING } : {};
      committing = commitPage(session, { ...page, ...finish }).catch((error: unknown) => new CommitFailure(error));
      if (isLastPage || isStopping) {
        await settleCommit();
        return isLastPage ? { outcome: "SUCCEEDED" } : WORKER_STOPPING;
      }
    }
  } catch (error) {
    // Whatever failed, the commit in flight finishes (or fails) before the caller records the run
    // on this same session and hands the connection back: never mid-transaction.
    await committing;
    throw error;
  }
}
