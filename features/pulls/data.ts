import { readSecret } from "@/features/secrets/data";
import type { PullSession } from "@/features/pulls/mutations";
import type { PullRunSummary } from "@/features/pulls/schema";
import { isLogType, SOURCE_SECRET, sourceSecretAddress, type LogType } from "@/features/sources/schema";
import { db, getPool } from "@/lib/db";

/** What a pull needs to know about its source. The token is decrypted here and goes only to Slack. */
export async function loadPullSource(sourceId: string) {
  const source = await db.source.findUnique({
    where: { id: sourceId },
    select: { id: true, name: true, status: true, logTypes: true, backfillMinutes: true, clientId: true, grantedAt: true, errorLogType: true },
  });
  if (!source) return null;
  const logTypes: LogType[] = source.logTypes.filter(isLogType);
  return {
    ...source,
    logTypes,
    readToken: () => readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken)),
    readClientSecret: () => readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret)),
  };
}
export type PullSource = NonNullable<Awaited<ReturnType<typeof loadPullSource>>>;

/** A replay with what its runs need. */
export async function findReplay(replayId: string) {
  return db.pullReplay.findUnique({
    where: { id: replayId },
    select: { id: true, sourceId: true, logType: true, windowFrom: true, windowTo: true, status: true, state: true, requestedAt: true, finishedAt: true, errorCode: true, error: true },
  });
}
export type ReplayDetails = NonNullable<Awaited<ReturnType<typeof findReplay>>>;

/** The checkpoint as stored, read on the pull's own connection (which holds the pull lock). */
export async function readCheckpoint(session: PullSession, sourceId: string, logType: string): Promise<unknown> {
  const { rows } = await session.query<{ state: unknown }>("SELECT state FROM checkpoints WHERE source_id = $1 AND log_type = $2", [sourceId, logType]);
  return rows[0]?.state ?? null;
}

/** A run as the worker logs and judges it, read after every pull (through pg: Prisma's per-query cost adds up over a fleet). */
export async function findPullRun(runId: string): Promise<PullRunSummary | null> {
  const { rows } = await getPool().query<{
    id: string;
    source_id: string;
    log_type: string;
    trigger: PullRunSummary["trigger"];
    replay_id: string | null;
    attempt: number;
    started_at: string;
    finished_at: string | null;
    window_oldest: string | null;
    window_latest: string | null;
    pages: number;
    fetched: number;
    stored: number;
    duplicates: number;
    failures: number;
    outcome: PullRunSummary["outcome"];
    error_code: string | null;
    error: string | null;
  }>(
    `SELECT id, source_id, log_type, trigger::text, replay_id, attempt, pages, fetched, stored, duplicates, failures, outcome::text, error_code, error,
            ${["started_at", "finished_at", "window_oldest", "window_latest"].map((column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${column}`).join(", ")}
     FROM pull_runs WHERE id = $1`,
    [runId],
  );
  const run = rows[0];
  if (!run) return null;
  return {
    id: run.id,
    sourceId: run.source_id,
    logType: run.log_type,
    trigger: run.trigger,
    replayId: run.replay_id,
    attempt: run.attempt,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    windowOldest: run.window_oldest,
    windowLatest: run.window_latest,
    pages: run.pages,
    fetched: run.fetched,
    stored: run.stored,
    duplicates: run.duplicates,
    failures: run.failures,
    outcome: run.outcome,
    errorCode: run.error_code,
    error: run.error,
  };
}

/** The latest run of each log type of a source, for its page; `null` where none ran yet. */
export async function listLatestPullRuns<T extends string>(sourceId: string, logTypes: readonly T[]) {
  return Promise.all(
    logTypes.map(async (logType) => ({
      logType,
      run: await db.pullRun.findFirst({
        // The regular pulls: a replay's success must not hide that they fail.
        where: { sourceId, logType, replayId: null },
        orderBy: { startedAt: "desc" },
        select: { startedAt: true, finishedAt: true, outcome: true, fetched: true, stored: true, duplicates: true, failures: true, error: true },
      }),
    })),
  );
}

/**
 * Replays not finished yet, for the reconciliation to check against Redis: a job Redis lost (or
 * never got, or a command-line replay interrupted) is queued again; one the queue gave up on fails.
 */
export async function listUnfinishedReplayIds(): Promise<string[]> {
  const replays = await db.pullReplay.findMany({ where: { status: { in: ["QUEUED", "RUNNING"] } }, select: { id: true }, orderBy: { requestedAt: "asc" }, take: 1000 });
  return replays.map((replay) => replay.id);
}

/** A source's latest replays, newest first, for its Settings tab. */
export async function listReplays(sourceId: string, limit = 20) {
  return db.pullReplay.findMany({
    where: { sourceId },
    orderBy: [{ requestedAt: "desc" }, { id: "desc" }],
    take: limit,
    select: { id: true, logType: true, windowFrom: true, windowTo: true, status: true, requestedBy: true, requestedAt: true, finishedAt: true, errorCode: true, error: true },
  });
}
export type ReplaySummary = Awaited<ReturnType<typeof listReplays>>[number];

/**
 * How many events a source's pulls have stored (what deleting the source keeps or erases), from the
 * hourly counts each commit keeps: counting the events themselves takes seconds for a source with
 * millions, on every view of its settings.
 */
export async function countStoredEvents(sourceId: string): Promise<number> {
  const [row] = await db.$queryRaw<{ events: number }[]>`SELECT COALESCE(sum(events), 0)::int AS events FROM event_counts_hour WHERE source_id = ${sourceId}`;
  return row?.events ?? 0;
}
