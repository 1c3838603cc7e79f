import { createHash } from "node:crypto";
import { z } from "zod";
import { commitPage, finishPullRun, saveProgress } from "@/features/pulls/mutations";
import { preparePage } from "@/features/pulls/normalize-page";
import { describeSlackFailure, WORKER_STOPPING, type PullEnd, type PullerContext } from "@/features/pulls/pull-end";
import { explainSlackError } from "@/features/pulls/slack-errors";
import { fetchAccessLogs, fetchIntegrationLogs, TEAM_LOGS_MAX_PAGE, type TeamLogsCallResult } from "@/lib/slack/team-logs-api";

// The team.accessLogs and team.integrationLogs pullers (reference §2, §3, §7). Both read newest
// first and stop as soon as records are older than what the last walk covered; each page is stored
// with the walk's position, so a walk stopped by a rate limit, a failure or a killed worker resumes
// where it stopped. What comes back twice is dropped by its key: for access logs the (user, IP,
// user agent) combination, seen once and never updated (Panther's semantics); for integration logs
// a digest of the entry, which never changes once written.

/**
 * Each walk reaches this far below the point the last one started at: Slack may record an access
 * or an integration change a little late, and this machine's clock may run ahead of Slack's. What
 * comes back twice costs a row read, never a duplicate.
 */
export const TEAM_LOGS_OVERLAP_SECONDS = 120;

const unixSeconds = z.number().int().min(0);

/**
 * `watermark`: every record dated at or before it was read (the moment the last complete walk began).
 * `walk`: the walk in progress. `floor` is where it stops, `ceiling` the newest second it reads (a
 * replay's end, else the moment it began), `before` and `page` where it continues; `cursor` is set
 * while an access-log walk pages by cursor ("" = about to start), null in classic paging.
 */
export const teamLogsCheckpointSchema = z.object({
  watermark: unixSeconds.nullable(),
  walk: z
    .object({
      floor: unixSeconds,
      ceiling: unixSeconds,
      before: unixSeconds,
      page: z.number().int().min(1).max(TEAM_LOGS_MAX_PAGE),
      cursor: z.string().max(4000).nullable().default(null),
    })
    .nullable(),
});
export type TeamLogsCheckpoint = z.infer<typeof teamLogsCheckpointSchema>;
export type TeamLogsWalk = NonNullable<TeamLogsCheckpoint["walk"]>;

const EMPTY: TeamLogsCheckpoint = { watermark: null, walk: null };

/** Where a scheduled walk reads: the unfinished one, else from the last start (minus the overlap) to now. */
export function planTeamLogsWalk(state: unknown, now: number, backfillMinutes: number): { checkpoint: TeamLogsCheckpoint; walk: TeamLogsWalk; isResumed: boolean; isCheckpointUnreadable: boolean } {
  const parsed = state === null ? { success: true as const, data: EMPTY } : teamLogsCheckpointSchema.safeParse(state);
  const checkpoint = parsed.success ? parsed.data : EMPTY;
  if (checkpoint.walk) return { checkpoint, walk: checkpoint.walk, isResumed: true, isCheckpointUnreadable: false };
  const floor = Math.max(0, checkpoint.watermark === null ? now - backfillMinutes * 60 : checkpoint.watermark - TEAM_LOGS_OVERLAP_SECONDS);
  const ceiling = Math.max(now, floor);
  return { checkpoint, walk: { floor, ceiling, before: ceiling, page: 1, cursor: null }, isResumed: false, isCheckpointUnreadable: !parsed.success };
}

/** A replay's walk over [from, to], resumed from its own saved state when it has one. */
export function planTeamLogsReplay(state: unknown, window: { from: number; to: number }): { checkpoint: TeamLogsCheckpoint; walk: TeamLogsWalk | null } {
  const parsed = teamLogsCheckpointSchema.safeParse(state);
  if (parsed.success) return { checkpoint: parsed.data, walk: parsed.data.walk };
  return { checkpoint: EMPTY, walk: { floor: window.from, ceiling: window.to, before: window.to, page: 1, cursor: null } };
}

/** A whole-second Unix time from Slack's number or numeric string ("1392163200"); null when it is neither. */
export function unixSecondsOf(value: unknown): number | null {
  const number = typeof value === "number" ? value : typeof value === "string" && /^\d{1,12}(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isFinite(number) && number >= 0 ? Math.floor(number) : null;
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}

/** An access-log row's identity: its (user, IP, user agent) combination. */
export function accessCombinationKey(event: Record<string, unknown>): string | null {
  if (typeof event.user_id !== "string") return null;
  return digest([event.user_id, event.ip ?? null, event.user_agent ?? null]);
}

/** JSON with object keys sorted at every level: the same entry always gives the same text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * An integration-log entry's identity: a digest of its normalized fields, Tributary's own p_* fields
 * left out. Normalized, so `service_id` sent once as a number and once as a string is one entry.
 */
export function integrationEntryKey(event: Record<string, unknown>): string {
  const fields = Object.fromEntries(Object.entries(event).filter(([key]) => !key.startsWith("p_")));
  return createHash("sha256").update(canonicalJson(fields)).digest("hex").slice(0, 32);
}

type PageDecision = {
  /** The records to store: inside [floor, ceiling], plus records without a readable time, to be quarantined. */
  keep: unknown[];
  /** Where the walk goes next, or null when it is over. */
  next: TeamLogsWalk | null;
  warning?: string;
};

function recordTimes(records: readonly unknown[], field: string): (number | null)[] {
  return records.map((record) => (typeof record === "object" && record !== null ? unixSecondsOf((record as Record<string, unknown>)[field]) : null));
}

function keepInside(records: readonly unknown[], times: readonly (number | null)[], walk: TeamLogsWalk): unknown[] {
  return records.filter((_, index) => {
    const time = times[index] ?? null;
    return time === null || (time >= walk.floor && time <= walk.ceiling);
  });
}

/** Slack's `paging.pages` when it sends one (it may serve fewer rows than asked for), else a short page. */
function isLastPage(records: readonly unknown[], walk: TeamLogsWalk, pages: number | null, pageSize: number): boolean {
  return pages !== null ? walk.page >= pages : records.length < pageSize;
}

/**
 * Access logs page by time: page 1 at `before`, then `before` moves back to the oldest `date_last`
 * seen. Every request is anchored on a time rather than an offset, so rows that jump to the top
 * while the walk runs (their date_last moved to now) cannot shift an unread row onto a page already
 * read. A page all in one second cannot move `before`; from there the walk pages by cursor, which
 * Slack keeps consistent while rows change (turning `page` would be an offset again).
 */
function nextAccessPage(records: readonly unknown[], walk: TeamLogsWalk, page: { pages: number | null; nextCursor: string | null }, pageSize: number): PageDecision {
  const times = recordTimes(records, "date_last");
  const keep = keepInside(records, times, walk);
  const valid = times.filter((time): time is number => time !== null);
  const oldest = valid.length > 0 ? Math.min(...valid) : null;
  if (oldest === null || oldest < walk.floor) return { keep, next: null };
  if (walk.cursor !== null) return { keep, next: page.nextCursor ? { ...walk, cursor: page.nextCursor } : null };
  if (isLastPage(records, walk, page.pages, pageSize)) return { keep, next: null };
  if (oldest < walk.before) return { keep, next: { ...walk, before: oldest, page: 1 } };
  return { keep, next: { ...walk, cursor: "" } };
}

/**
 * Integration logs have no time filter: pages 1, 2, … until an entry older than the floor. New
 * entries arriving meanwhile push older ones down a page, so some are read twice (and dropped by
 * their key), never skipped. Slack does not document the order (reference §3, UNCONFIRMED): when a
 * page is not newest first, the walk reads every page rather than stop early and miss entries.
 */
function nextIntegrationPage(records: readonly unknown[], walk: TeamLogsWalk, pages: number | null, pageSize: number): PageDecision {
  const times = recordTimes(records, "date");
  const keep = keepInside(records, times, walk);
  const valid = times.filter((time): time is number => time !== null);
  const isNewestFirst = valid.every((time, index) => index === 0 || time <= valid[index - 1]!);
  if (isLastPage(records, walk, pages, pageSize) || records.length === 0) return { keep, next: null };
  if (isNewestFirst && valid.length > 0 && Math.min(...valid) < walk.floor) return { keep, next: null };
  if (walk.page >= TEAM_LOGS_MAX_PAGE) {
    return { keep, next: null, warning: `more than ${(pageSize * TEAM_LOGS_MAX_PAGE).toLocaleString("en")} integration-log entries are newer than the last pull; Slack serves no older page` };
  }
  return { keep, next: { ...walk, page: walk.page + 1 } };
}

export type TeamLogsPullContext = PullerContext & {
  checkpoint: TeamLogsCheckpoint;
  walk: TeamLogsWalk;
  /** A walk planned now (not resumed, not a replay): its ceiling may come down to Slack's clock. */
  isNewWalk: boolean;
  apiUrl: string;
  /** Rows per page: Slack's maximum (1,000) unless a test needs many small pages. */
  pageSize: number;
  warn: (message: string) => void;
};

export async function pullTeamLogs(context: TeamLogsPullContext): Promise<PullEnd> {
  const { session, runId, source, stopSignal } = context;
  const logType = context.schema.name;
  const isAccess = logType === "Slack.AccessLogs";
  const method = isAccess ? "team.accessLogs" : "team.integrationLogs";
  let walk = context.walk;
  let isNewWalk = context.isNewWalk;
  for (;;) {
    if (stopSignal.aborted) {
      await finishPullRun(session, runId, WORKER_STOPPING);
      return WORKER_STOPPING;
    }
    const admitted = await context.gate(method);
    if (!admitted.ok) {
      await finishPullRun(session, runId, admitted.end);
      return admitted.end;
    }
    const options = { timeoutMs: context.timeoutMs, signal: stopSignal };
    const result: TeamLogsCallResult = isAccess
      ? await fetchAccessLogs(
          context.apiUrl,
          context.token,
          walk.cursor === null ? { before: walk.before, count: context.pageSize, page: walk.page } : { before: walk.before, limit: context.pageSize, cursor: walk.cursor },
          options,
        )
      : await fetchIntegrationLogs(context.apiUrl, context.token, { count: context.pageSize, page: walk.page }, options);
    if (stopSignal.aborted) {
      await finishPullRun(session, runId, WORKER_STOPPING);
      return WORKER_STOPPING;
    }
    if (!result.ok) {
      const end = describeSlackFailure(result, { logType, method });
      if (result.kind === "slack_error" && explainSlackError(result.error, { logType }).kind === "request") {
        // Slack refuses this very request (a page past its cap, an argument it dislikes): resuming
        // the walk would send it again forever. The next walk starts afresh from the same
        // watermark, so it reads everything this one had left.
        await saveProgress(session, { source, logType, ...(context.replayId ? { replayId: context.replayId } : {}), state: context.replayId ? null : { watermark: context.checkpoint.watermark, walk: null } });
        context.warn(`Slack refused the walk's request (${result.error}); the next pull starts a fresh walk`);
      }
      await finishPullRun(session, runId, end);
      return end;
    }
    const { records, pages, nextCursor } = result.data;
    // A machine clock running ahead of Slack's would put the ceiling (the next watermark) in Slack's
    // future, and the next walk would stop before records Slack writes meanwhile: a new walk's
    // ceiling comes down to Slack's clock on its first answer. Slack holds nothing newer anyway.
    if (isNewWalk && result.serverTime !== null && result.serverTime < walk.ceiling) {
      walk = { ...walk, ceiling: Math.max(walk.floor, result.serverTime) };
    }
    isNewWalk = false;
    const decision = isAccess ? nextAccessPage(records, walk, { pages, nextCursor }, context.pageSize) : nextIntegrationPage(records, walk, pages, context.pageSize);
    if (decision.warning) context.warn(decision.warning);
    const prepared = await preparePage(context.schema, decision.keep, {
      source,
      parseTime: new Date(),
      dedupeKeyOf: isAccess ? accessCombinationKey : integrationEntryKey,
    });
    const isDone = decision.next === null;
    // A finished walk covered everything up to its ceiling; a replay's end moves no watermark.
    const watermark = isDone && !context.replayId ? Math.max(context.checkpoint.watermark ?? 0, walk.ceiling) : context.checkpoint.watermark;
    const next: TeamLogsCheckpoint = { watermark, walk: decision.next };
    await commitPage(session, {
      runId,
      source,
      logType,
      fetched: decision.keep.length,
      events: prepared.events,
      failures: prepared.failures,
      checkpoint: next,
      ...(context.replayId ? { replayId: context.replayId } : {}),
      isFirstSightingOnly: isAccess,
      window: { oldest: new Date(walk.floor * 1000), latest: new Date(walk.ceiling * 1000) },
      ...(isDone ? { finish: { outcome: "SUCCEEDED" as const } } : {}),
    });
    if (isDone) return { outcome: "SUCCEEDED" };
    walk = decision.next!;
  }
}
