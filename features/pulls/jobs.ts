import type { Logger } from "pino";
import { getLogSchema } from "@/features/events/log-schema";
import { planAuditWindow, pullAuditLogs, type PullEnd } from "@/features/pulls/audit-logs";
import { findPullRun, loadPullSource, readCheckpoint } from "@/features/pulls/data";
import { finishPullRun, isDatabaseError, startPullRun, withPullLock } from "@/features/pulls/mutations";
import { PULLABLE_LOG_TYPES, type PullRequest, type PullRunSummary, type PullSkip } from "@/features/pulls/schema";
import { getEnv } from "@/lib/env";
import { AUDIT_MAX_LIMIT } from "@/lib/slack/audit-api";

// One pull of one (source, log type): the work behind the worker's `pulls` queue and behind
// `tributary pull --once`. Issue 7 adds the access- and integration-log pullers next to the audit one.

export type PullResult =
  | { status: "ran"; run: PullRunSummary; end: PullEnd }
  | { status: "skipped"; reason: PullSkip };

export type PullOptions = {
  /** Aborted when the worker shuts down: the run ends at a page boundary, abandoning a request in flight. */
  stopSignal?: AbortSignal;
  /** The clock that ends each new window (tests move it with the emulator's). */
  now?: () => Date;
  /** Audit page size; Slack's maximum unless a test needs many small pages. */
  pageLimit?: number;
};

export async function runPull(request: PullRequest, logger: Logger, options: PullOptions = {}): Promise<PullResult> {
  const source = await loadPullSource(request.sourceId);
  if (!source) return { status: "skipped", reason: "source_not_found" };
  if (source.status !== "ACTIVE") return { status: "skipped", reason: "source_not_active" };
  if (!(source.logTypes as string[]).includes(request.logType)) return { status: "skipped", reason: "log_type_not_enabled" };
  const schema = getLogSchema(request.logType);
  if (!schema || !PULLABLE_LOG_TYPES.includes(request.logType)) return { status: "skipped", reason: "log_type_not_supported" };
  const token = await source.readToken();
  const label = { id: source.id, label: source.name };

  const locked = await withPullLock(source.id, request.logType, async (session) => {
    const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    const state = await readCheckpoint(session, source.id, request.logType);
    const plan = planAuditWindow(state, now, source.backfillMinutes);
    if (plan.isCheckpointUnreadable) logger.warn({ sourceId: source.id, logType: request.logType }, "unreadable checkpoint; reading again from the backfill window");
    const { runId, abandoned } = await startPullRun(session, request, { oldest: new Date(plan.window.oldest * 1000), latest: new Date(plan.window.latest * 1000) });
    if (abandoned) logger.warn({ sourceId: source.id, logType: request.logType, abandoned }, "marked runs of a stopped worker as abandoned");
    if (!token) {
      const end: PullEnd = { outcome: "FAILED", errorCode: "token_missing", error: "No Slack access token is stored for this source. Grant access again from the source's page.", retry: null };
      await finishPullRun(session, runId, end);
      return { runId, end };
    }
    try {
      const end = await pullAuditLogs({
        session,
        runId,
        source: label,
        token,
        schema,
        plan,
        replan: (slackNow) => planAuditWindow(state, slackNow, source.backfillMinutes),
        auditApiUrl: getEnv().SLACK_AUDIT_API_URL,
        pageLimit: options.pageLimit ?? AUDIT_MAX_LIMIT,
        stopSignal: options.stopSignal ?? new AbortController().signal,
        logger,
      });
      return { runId, end };
    } catch (error) {
      // What was committed before stays, and the run says why it stopped. If the connection is gone
      // this write fails too, and the next run marks the run abandoned.
      const detail = error instanceof Error ? error.message : String(error);
      const end = isDatabaseError(error)
        ? { errorCode: "storage_failed", error: `Postgres could not store a page: ${detail}. Everything committed before is kept; the pull is retried.` }
        : { errorCode: "internal_error", error: `Tributary failed while pulling: ${detail}. Everything committed before is kept; the pull is retried.` };
      await finishPullRun(session, runId, { outcome: "FAILED", ...end }).catch(() => {});
      throw error;
    }
  });
  if (!locked.isLocked) return { status: "skipped", reason: "busy" };
  const run = await findPullRun(locked.value.runId);
  if (!run) throw new Error(`pull run ${locked.value.runId} vanished`);
  return { status: "ran", run, end: locked.value.end };
}
