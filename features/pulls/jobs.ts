import type { Logger } from "pino";
import { getLogSchema, type LogSchema } from "@/features/events/log-schema";
import { planAuditWindow, pullAuditLogs, type AuditPlan } from "@/features/pulls/audit-logs";
import { findPullRun, findReplay, loadPullSource, readCheckpoint, type PullSource } from "@/features/pulls/data";
import { finishPullRun, isDatabaseError, SourceDeletedError, startPullRun, updateReplayStatus, withPullLock, type PullSession } from "@/features/pulls/mutations";
import { budgetExhausted, type PullEnd, type PullFailure, type SlackCallGate } from "@/features/pulls/pull-end";
import { auditCheckpointSchema, type PullRequest, type PullRunSummary, type PullSkip } from "@/features/pulls/schema";
import { explainSlackError } from "@/features/pulls/slack-errors";
import { planTeamLogsReplay, planTeamLogsWalk, pullTeamLogs, type TeamLogsCheckpoint, type TeamLogsWalk } from "@/features/pulls/team-logs";
import { claimErrorRetry, recordClientCredentialsCheck, recordSourceError, recordSourceRecovered, releaseErrorRetry } from "@/features/sources/mutations";
import { checkClientCredentials } from "@/features/wizard/slack-grant";
import { getEnv } from "@/lib/env";
import { AUDIT_MAX_LIMIT } from "@/lib/slack/audit-api";
import { TEAM_LOGS_MAX_COUNT } from "@/lib/slack/team-logs-api";
import { getSharedSlackRateLimiter, type SlackRateLimiter } from "@/lib/slack/rate-limiter";

// One pull of one (source, log type), or one run of a replay: the work behind the worker's `pulls`
// queue and behind `tributary pull --once` / `tributary replay`. Here the source's state moves too:
// a refusal of the token, its scopes or the plan puts it in ERROR (retried hourly, its recipients
// told once), and a pull that works again brings it back.

export type PullResult = { status: "ran"; run: PullRunSummary; end: PullEnd } | { status: "skipped"; reason: PullSkip };

export type PullOptions = {
  /** Aborted when the worker shuts down: the run ends at a page boundary, abandoning a request in flight. */
  stopSignal?: AbortSignal;
  /** The clock that ends each new window (tests move it with the emulator's). */
  now?: () => Date;
  /** Rows per page; Slack's maximum for each API unless a test needs many small pages. */
  pageLimit?: number;
  /** Tributary's per-token budget of Slack calls; the process's shared one unless a test brings its own. */
  limiter?: SlackRateLimiter;
};

const PULL_LOG_TYPES = new Set(["Slack.AuditLogs", "Slack.AccessLogs", "Slack.IntegrationLogs"]);

/** Each Slack call first takes one from the budget of (token, method); Redis away means Slack's own 429s are the limit. */
function createGate(token: string, logType: string, limiter: SlackRateLimiter, logger: Logger): SlackCallGate {
  return async (method) => {
    try {
      const decision = await limiter.acquire({ token, method, tier: method === "audit.logs" ? "tier3" : "tier2" });
      return decision.ok ? { ok: true } : { ok: false, end: budgetExhausted({ logType, method, retryAfterMs: decision.retryAfterMs }) };
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "rate limiter unavailable; calling Slack without it");
      return { ok: true };
    }
  };
}

type Plan =
  | { kind: "audit"; plan: AuditPlan; window: { oldest: number; latest: number } }
  | { kind: "team"; checkpoint: TeamLogsCheckpoint; walk: TeamLogsWalk; isNewWalk: boolean; window: { oldest: number; latest: number } }
  | { kind: "done" };

/** Where a run reads: the scheduled window from the checkpoint, or the rest of a replay's window. */
function planRun(logType: string, state: unknown, context: { now: number; backfillMinutes: number; replay?: { from: number; to: number } }, logger: Logger): Plan {
  const { replay } = context;
  if (logType === "Slack.AuditLogs") {
    if (replay) {
      const saved = auditCheckpointSchema.safeParse(state);
      if (saved.success && saved.data.window === null) return { kind: "done" };
      const window = saved.success && saved.data.window ? saved.data.window : { oldest: replay.from, latest: replay.to, resumeLatest: replay.to };
      // A replay's window is fixed: it is never planned again on Slack's clock.
      return { kind: "audit", plan: { checkpoint: { watermark: null, window }, window, isResumed: true, isCheckpointUnreadable: false }, window };
    }
    const plan = planAuditWindow(state, context.now, context.backfillMinutes);
    if (plan.isCheckpointUnreadable) logger.warn("unreadable checkpoint; reading again from the backfill window");
    return { kind: "audit", plan, window: plan.window };
  }
  if (replay) {
    const { checkpoint, walk } = planTeamLogsReplay(state, replay);
    return walk ? { kind: "team", checkpoint, walk, isNewWalk: false, window: { oldest: walk.floor, latest: walk.ceiling } } : { kind: "done" };
  }
  const { checkpoint, walk, isResumed, isCheckpointUnreadable } = planTeamLogsWalk(state, context.now, context.backfillMinutes);
  if (isCheckpointUnreadable) logger.warn("unreadable checkpoint; reading again from the backfill window");
  return { kind: "team", checkpoint, walk, isNewWalk: !isResumed, window: { oldest: walk.floor, latest: walk.ceiling } };
}

type LockedRun = { session: PullSession; request: PullRequest; source: PullSource; schema: LogSchema; token: string | null; state: unknown; replay?: { id: string; from: number; to: number } };

/** Plans, records and runs one pull on the session that holds its lock. */
async function runLocked(run: LockedRun, logger: Logger, options: PullOptions): Promise<{ runId: string | null; end: PullEnd }> {
  const { session, request, source, schema, token } = run;
  const env = getEnv();
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const plan = planRun(request.logType, run.state, { now, backfillMinutes: source.backfillMinutes, ...(run.replay ? { replay: run.replay } : {}) }, logger);
  if (plan.kind === "done") return { runId: null, end: { outcome: "SUCCEEDED" } };
  const window = { oldest: new Date(plan.window.oldest * 1000), latest: new Date(plan.window.latest * 1000) };
  const { runId, abandoned } = await startPullRun(session, request, window);
  if (abandoned) logger.warn({ abandoned }, "marked runs of a stopped worker as abandoned");
  if (!token) {
    const end: PullFailure = { outcome: "FAILED", errorCode: "token_missing", error: "No Slack access token is stored for this source. Grant access again from the source's page.", retry: null };
    await finishPullRun(session, runId, end);
    return { runId, end };
  }
  const common = {
    session,
    runId,
    ...(run.replay ? { replayId: run.replay.id } : {}),
    source: { id: source.id, label: source.name },
    token,
    schema,
    timeoutMs: env.SLACK_TIMEOUT_SECONDS * 1000,
    gate: createGate(token, request.logType, options.limiter ?? getSharedSlackRateLimiter(), logger),
    stopSignal: options.stopSignal ?? new AbortController().signal,
  };
  try {
    const end =
      plan.kind === "audit"
        ? await pullAuditLogs({
            ...common,
            plan: plan.plan,
            replan: (slackNow) => planAuditWindow(run.state, slackNow, source.backfillMinutes),
            auditApiUrl: env.SLACK_AUDIT_API_URL,
            pageLimit: options.pageLimit ?? AUDIT_MAX_LIMIT,
            logger,
          })
        : await pullTeamLogs({
            ...common,
            checkpoint: plan.checkpoint,
            walk: plan.walk,
            isNewWalk: plan.isNewWalk,
            apiUrl: env.SLACK_API_URL,
            pageSize: Math.min(options.pageLimit ?? TEAM_LOGS_MAX_COUNT, TEAM_LOGS_MAX_COUNT),
            warn: (message) => logger.warn(message),
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
}

/**
 * After a scheduled pull: a refusal of the token, scopes or plan stops the source (ERROR, one
 * notice); a pull that reached Slack again on a stopped source brings it back.
 */
async function applyToSource(source: PullSource, logType: string, end: PullEnd, run: PullRunSummary | null, logger: Logger) {
  if (end.outcome !== "SUCCEEDED" && end.sourceError) {
    const { code, detail, needed, provided } = end.sourceError;
    const explained = explainSlackError(code, { logType, needed, provided });
    const { isNew } = await recordSourceError(source.id, { code, detail, logType, explained, tokenGrantedAt: source.grantedAt });
    if (isNew) logger.warn({ code }, "source stopped by a Slack error; retried hourly, recipients notified");
    // A dead token is fixed by granting access again, which needs the app's client credentials:
    // say now if Slack no longer takes them (a regenerated secret), so the fix offered is the right one.
    if (explained.kind === "access" && source.clientId) await checkSavedClientCredentials(source, logger);
    return;
  }
  if (source.status !== "ERROR") return;
  // Only the log type that failed proves the problem gone: another may work with the same token
  // (a plan that serves integration logs but not access logs), and would flip the source back and forth.
  const isFailingLogType = source.errorLogType === null || source.errorLogType === logType;
  const hasReachedSlack = end.outcome === "SUCCEEDED" || (run !== null && run.pages > 0);
  if (isFailingLogType && hasReachedSlack) {
    const { isRecovered } = await recordSourceRecovered(source.id);
    if (isRecovered) logger.info("source works again; recipients notified");
  } else if (end.outcome !== "SUCCEEDED" && end.retry) {
    // Slack did not answer usably, or asked to wait: that says nothing about the problem, so the
    // queue's retry (or its delayed job) may try again rather than wait another hour.
    await releaseErrorRetry(source.id);
  }
}

async function checkSavedClientCredentials(source: PullSource, logger: Logger) {
  const secret = await source.readClientSecret();
  if (!secret || !source.clientId) return;
  const check = await checkClientCredentials(source.clientId, secret);
  if (check === "unverified") return;
  await recordClientCredentialsCheck(source.id, check === "wrong_secret" ? "bad_client_secret" : check === "wrong_client_id" ? "invalid_client_id" : null);
  if (check !== "valid") logger.warn({ check }, "Slack rejects the source's saved client credentials");
}

export async function runPull(request: PullRequest, logger: Logger, options: PullOptions = {}): Promise<PullResult> {
  const source = await loadPullSource(request.sourceId);
  if (!source) return { status: "skipped", reason: "source_not_found" };
  if (source.status === "ERROR") {
    // Not every minute: a scheduled pull of a stopped source calls Slack once an hour, with the log
    // type that failed (the others share its token). A pull an operator asks for (the command line)
    // goes ahead at once.
    if (request.trigger === "SCHEDULED") {
      const isFailingLogType = source.errorLogType === null || source.errorLogType === request.logType || !(source.logTypes as string[]).includes(source.errorLogType);
      if (!isFailingLogType || !(await claimErrorRetry(source.id))) return { status: "skipped", reason: "waiting_to_retry" };
    }
  } else if (source.status !== "ACTIVE") {
    return { status: "skipped", reason: "source_not_active" };
  }
  if (!(source.logTypes as string[]).includes(request.logType)) return { status: "skipped", reason: "log_type_not_enabled" };
  const schema = getLogSchema(request.logType);
  if (!schema || !PULL_LOG_TYPES.has(request.logType)) return { status: "skipped", reason: "log_type_not_supported" };
  const token = await source.readToken();
  const pairLogger = logger.child({ sourceId: source.id, logType: request.logType });

  let locked;
  try {
    locked = await withPullLock(source.id, request.logType, async (session) => {
      const state = await readCheckpoint(session, source.id, request.logType);
      return runLocked({ session, request, source, schema, token, state }, pairLogger, options);
    });
  } catch (error) {
    // Deleted from the console while this pull ran: nothing to retry, nothing was stored after it.
    if (error instanceof SourceDeletedError) return { status: "skipped", reason: "source_not_found" };
    throw error;
  }
  if (!locked.isLocked) return { status: "skipped", reason: "busy" };
  const { runId, end } = locked.value;
  const run = runId ? await findPullRun(runId) : null;
  // Its run went with the source, when the delete came right after the last page.
  if (!run && !(await loadPullSource(source.id))) return { status: "skipped", reason: "source_not_found" };
  if (!run) throw new Error(`pull run ${runId} vanished`);
  await applyToSource(source, request.logType, end, run, pairLogger);
  return { status: "ran", run, end };
}

export type ReplayResult = { status: "ran"; run: PullRunSummary | null; end: PullEnd } | { status: "skipped"; reason: PullSkip };

/**
 * One run of a replay. It has its own lock and its own progress, so it runs beside the pair's
 * regular pulls without moving their watermark; what it finds already stored is counted as duplicates.
 * A replay leaves the source's state alone: its failure is the replay's, shown on the replay.
 */
export async function runReplay(replayId: string, context: { jobId?: string; attempt?: number; workerId?: string }, logger: Logger, options: PullOptions = {}): Promise<ReplayResult> {
  const replay = await findReplay(replayId);
  if (!replay) return { status: "skipped", reason: "replay_not_found" };
  if (replay.status === "SUCCEEDED" || replay.status === "FAILED") return { status: "skipped", reason: "replay_finished" };
  const source = await loadPullSource(replay.sourceId);
  const schema = getLogSchema(replay.logType);
  if (!source || !schema || !PULL_LOG_TYPES.has(replay.logType)) {
    await updateReplayStatus(replay.id, "FAILED", { errorCode: "source_not_found", error: "The source or its log type no longer exists." });
    return { status: "skipped", reason: "source_not_found" };
  }
  const token = await source.readToken();
  const request: PullRequest = { sourceId: source.id, logType: replay.logType, trigger: "REPLAY", replayId: replay.id, ...context };
  const window = { id: replay.id, from: Math.floor(replay.windowFrom.getTime() / 1000), to: Math.floor(replay.windowTo.getTime() / 1000) };
  const replayLogger = logger.child({ sourceId: source.id, logType: replay.logType, replayId: replay.id });
  const locked = await withPullLock(source.id, `${replay.logType}#replay:${replay.id}`, async (session) => {
    await updateReplayStatus(replay.id, "RUNNING");
    return runLocked({ session, request, source, schema, token, state: replay.state, replay: window }, replayLogger, options);
  });
  if (!locked.isLocked) return { status: "skipped", reason: "busy" };
  const { runId, end } = locked.value;
  if (end.outcome === "SUCCEEDED") await updateReplayStatus(replay.id, "SUCCEEDED");
  else if (end.outcome === "FAILED" && !end.retry) await updateReplayStatus(replay.id, "FAILED", { errorCode: end.errorCode, error: end.error });
  return { status: "ran", run: runId ? await findPullRun(runId) : null, end };
}
