import type { PoolClient } from "pg";
import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import type { ClassificationFailureInput, PullOutcome, PullRequest, ReplayRequest } from "@/features/pulls/schema";
import { db, withAdvisoryLock } from "@/lib/db";
import type { ReplayStatus } from "@/lib/generated/prisma/enums";

// Writes of the pull engine. The hot path is raw SQL through one pg connection per pull, because two
// things there are out of Prisma's reach: a session advisory lock held for the whole pull, and
// set-based bulk inserts with ON CONFLICT DO NOTHING. Every statement is parameterized. Replay
// requests, off the hot path, go through Prisma.

/** A pull's own connection: the advisory lock lives on it, and so do its page transactions. */
export type PullSession = PoolClient;

/**
 * Runs `work` while holding the pull lock of (source, log type), or returns `{ isLocked: false }` at
 * once if another process holds it. A session-level advisory lock is released by Postgres the moment
 * the holding connection ends, so a worker killed mid-pull never leaves the pair locked, and two
 * workers (or a worker and `tributary pull`) can never walk the same window at once.
 */
export async function withPullLock<T>(sourceId: string, logType: string, work: (session: PullSession) => Promise<T>): Promise<{ isLocked: true; value: T } | { isLocked: false }> {
  return withAdvisoryLock(`pull:${sourceId}:${logType}`, work);
}

/** A statement Postgres refused or a connection that broke, as opposed to a bug in Tributary. */
export function isDatabaseError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ("severity" in error && "code" in error) return true;
  const message = error instanceof Error ? error.message : "";
  return /Connection terminated|connection is closed|ECONNRESET|ECONNREFUSED|Query read timeout/i.test(message);
}

/**
 * Records the start of a run. Runs of the same pair still marked RUNNING belong to a worker that
 * died: this session holds the lock, so no live process can be running them.
 */
export async function startPullRun(session: PullSession, request: PullRequest, window: { oldest: Date; latest: Date } | null): Promise<{ runId: string; abandoned: number }> {
  // A replay has its own lock, so it may run beside the pair's regular pull: each abandons only its
  // own kind. One statement (and one commit) rather than two: a large fleet starts thousands of runs
  // a minute, and every round trip of each is paid again and again.
  const { rows } = await session.query<{ id: string; abandoned: number }>(
    `WITH abandoned AS (
       UPDATE pull_runs SET outcome = 'ABANDONED', finished_at = now(),
         error = 'The worker running this pull stopped before it finished; the next run continued from its last stored page.'
       WHERE source_id = $1 AND log_type = $2 AND outcome = 'RUNNING' AND replay_id IS NOT DISTINCT FROM $9
       RETURNING 1
     )
     INSERT INTO pull_runs (id, source_id, log_type, trigger, job_id, attempt, worker_id, window_oldest, window_latest, replay_id)
     VALUES ('run_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3::"PullTrigger", $4, $5, $6, $7, $8, $9)
     RETURNING id, (SELECT count(*)::int FROM abandoned) AS abandoned`,
    [request.sourceId, request.logType, request.trigger, request.jobId ?? null, request.attempt ?? 1, request.workerId ?? null, window?.oldest ?? null, window?.latest ?? null, request.replayId ?? null],
  );
  return { runId: rows[0]!.id, abandoned: rows[0]!.abandoned };
}

/**
 * One normalized event ready to store: `json` is the event already serialized (checked storable),
 * and the columns beside it are taken from it in the worker, so Postgres does not dig them out of
 * each event again.
 */
export type StorableEvent = {
  dedupeKey: string;
  eventTime: Date;
  rowId: string;
  parseTime: string;
  action: string | null;
  ipAddresses: readonly string[];
  emails: readonly string[];
  usernames: readonly string[];
  json: string;
};

export type PageCommit = {
  runId: string;
  source: { id: string; label: string };
  logType: string;
  /** How many records Slack sent on this page, valid or not. */
  fetched: number;
  events: StorableEvent[];
  failures: ClassificationFailureInput[];
  /**
   * The progress after this page, written in the same transaction as the page's events: the pair's
   * checkpoint, or a replay's own state (a replay never moves the regular pull's watermark).
   */
  checkpoint: unknown;
  replayId?: string;
  /**
   * Access logs: store an event only for a (user, IP, user agent) combination never seen before,
   * recorded in access_logs_seen, so that events can age out without a combination coming back.
   */
  isFirstSightingOnly?: boolean;
  /** The window as it stands (planned again on Slack's clock when this machine's runs ahead). */
  window?: { oldest: Date; latest: Date };
  /** Set on the last page of a run: the run ends with this outcome in the same transaction. */
  finish?: { outcome: Extract<PullOutcome, "SUCCEEDED" | "INCOMPLETE">; errorCode?: string; error?: string };
};

/**
 * A Postgres text[] literal with every element quoted, so braces, commas, quotes and spaces in an
 * email or username stay inside their element (only `"` and `\` need escaping within quotes).
 */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/** The source of a pull was deleted while it ran; the page is dropped with it. */
export class SourceDeletedError extends Error {
  constructor(sourceId: string) {
    super(`source ${sourceId} was deleted during the pull`);
    this.name = "SourceDeletedError";
  }
}

/**
 * Stores one page atomically: its events (duplicates skipped by the unique key), its quarantined
 * records, the checkpoint that covers them, the run's counters and the source's health. A crash
 * before COMMIT loses the whole page and nothing else; the checkpoint then still points before it,
 * so the next run fetches it again. Exactly once, without trusting any process to finish.
 */
export async function commitPage(session: PullSession, page: PageCommit): Promise<{ stored: number; duplicates: number; quarantined: number }> {
  await session.query("BEGIN");
  try {
    // Holds the source for the page's transaction: a source deleted meanwhile (features/sources
    // deleteSource, which locks the row first) gets no events stored after it is gone.
    const { rowCount: isSourceKept } = await session.query("SELECT 1 FROM sources WHERE id = $1 FOR KEY SHARE", [page.source.id]);
    if (!isSourceKept) throw new SourceDeletedError(page.source.id);
    let stored = 0;
    let newest: Date | null = null;
    if (page.events.length > 0) {
      // Two documents for the page, unpacked in SQL: one round trip and no per-value escaping of
      // the events (a parameter per column would make pg escape every event into an array literal).
      // The small columns travel apart from the events, so each event is parsed once, by the jsonb
      // input itself, rather than parsed into one huge jsonb value and copied out of it again.
      const columns = JSON.stringify(
        page.events.map((event) => [
          event.dedupeKey,
          event.eventTime.toISOString(),
          event.rowId,
          event.parseTime,
          event.action,
          textArrayLiteral(event.ipAddresses),
          textArrayLiteral(event.emails),
          textArrayLiteral(event.usernames),
        ]),
      );
      const bodies = `[${page.events.map((event) => event.json).join(",")}]`;
      // Data-modifying CTEs share one snapshot; `inserted` reads what `fresh` returns, so an event is
      // stored only for a combination this very statement added to the seen set.
      const firstSightings = page.isFirstSightingOnly
        ? `, fresh AS (
             INSERT INTO access_logs_seen (source_id, combination_key) SELECT DISTINCT $2, dedupe_key FROM input
             ON CONFLICT DO NOTHING RETURNING combination_key
           ), candidates AS (SELECT input.* FROM input JOIN fresh ON fresh.combination_key = input.dedupe_key)`
        : `, candidates AS (SELECT * FROM input)`;
      const { rows } = await session.query<{ stored: number; newest: Date | null }>(
        `WITH input AS (
           SELECT c->>0 AS dedupe_key, (c->>1)::timestamptz AS event_time, c->>2 AS row_id, (c->>3)::timestamptz AS parse_time, c->>4 AS action,
                  (c->>5)::text[] AS ip_addresses, (c->>6)::text[] AS emails, (c->>7)::text[] AS usernames, body::jsonb AS event
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS page_columns(c, n)
           JOIN json_array_elements($6::json) WITH ORDINALITY AS page_bodies(body, n) USING (n)
         )${firstSightings}, inserted AS (
           INSERT INTO events (p_source_id, p_source_label, p_log_type, p_row_id, p_event_time, p_parse_time,
                               p_any_ip_addresses, p_any_emails, p_any_usernames, dedupe_key, event, pull_run_id, action)
           SELECT $2, $3, $4, row_id, event_time, parse_time, ip_addresses, emails, usernames, dedupe_key, event, $5, action
           FROM candidates
           ON CONFLICT (p_source_id, p_log_type, dedupe_key, p_event_time) DO NOTHING
           RETURNING p_event_time
         )
         SELECT count(*)::int AS stored, max(p_event_time) AS newest FROM inserted`,
        [columns, page.source.id, page.source.label, page.logType, page.runId, bodies],
      );
      stored = rows[0]?.stored ?? 0;
      newest = rows[0]?.newest ?? null;
      if (stored > 0) {
        for (const table of ["event_counts_minute", "event_counts_hour"] as const) {
          await session.query(
            `INSERT INTO ${table} (source_id, bucket, log_type, events) VALUES ($1, date_trunc($4, now(), 'UTC'), $2, $3)
             ON CONFLICT (source_id, bucket, log_type) DO UPDATE SET events = ${table}.events + EXCLUDED.events`,
            [page.source.id, page.logType, stored, table === "event_counts_minute" ? "minute" : "hour"],
          );
        }
      }
    }
    let quarantined = 0;
    if (page.failures.length > 0) {
      const result = await session.query(
        `INSERT INTO classification_failures (id, source_id, log_type, pull_run_id, field, reason, payload, payload_hash)
         SELECT 'cf_' || replace(gen_random_uuid()::text, '-', ''), $1, $2, $3, f.field, f.reason, f.payload,
                encode(sha256(convert_to(f.payload, 'UTF8')), 'hex')
         FROM unnest($4::text[], $5::text[], $6::text[]) AS f(field, reason, payload)
         ON CONFLICT (source_id, log_type, payload_hash) DO NOTHING`,
        [page.source.id, page.logType, page.runId, page.failures.map((f) => f.field), page.failures.map((f) => f.reason), page.failures.map((f) => f.payload)],
      );
      quarantined = result.rowCount ?? 0;
    }
    if (page.replayId) {
      await session.query("UPDATE pull_replays SET state = $2::jsonb WHERE id = $1", [page.replayId, JSON.stringify(page.checkpoint)]);
    } else {
      await session.query(
        `INSERT INTO checkpoints (source_id, log_type, state, updated_at) VALUES ($1, $2, $3::jsonb, now())
         ON CONFLICT (source_id, log_type) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        [page.source.id, page.logType, JSON.stringify(page.checkpoint)],
      );
    }
    // A record read again (the overlap, the inclusive boundary second, a resumed page) is a
    // duplicate whether it was stored or quarantined the first time: fetched = stored + duplicates + failures.
    const duplicates = page.events.length - stored + (page.failures.length - quarantined);
    await session.query(
      `UPDATE pull_runs SET pages = pages + 1, fetched = fetched + $2, stored = stored + $3, duplicates = duplicates + $4,
         failures = failures + $5,
         outcome = COALESCE($6::"PullOutcome", outcome),
         finished_at = CASE WHEN $6::text IS NULL THEN finished_at ELSE now() END,
         error_code = COALESCE($7, error_code), error = COALESCE($8, error),
         window_oldest = COALESCE($9, window_oldest), window_latest = COALESCE($10, window_latest)
       WHERE id = $1`,
      [page.runId, page.fetched, stored, duplicates, quarantined, page.finish?.outcome ?? null, page.finish?.errorCode ?? null, page.finish?.error ?? null, page.window?.oldest ?? null, page.window?.latest ?? null],
    );
    // A replay restores the past: it must not make a quiet or failing source look live to its alarm and health.
    const isLive = !page.replayId;
    await session.query(
      `UPDATE sources SET
         last_event_received_at = CASE WHEN $2 > 0 AND $5 THEN now() ELSE last_event_received_at END,
         last_event_time = GREATEST(last_event_time, $3::timestamptz),
         last_successful_pull_at = CASE WHEN $4 AND $5 THEN now() ELSE last_successful_pull_at END
       WHERE id = $1`,
      [page.source.id, stored, newest, page.finish?.outcome === "SUCCEEDED", isLive],
    );
    await session.query("COMMIT");
    return { stored, duplicates, quarantined };
  } catch (error) {
    await session.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Saves a pair's checkpoint (or a replay's state) outside a page: a walk abandoned so the next one starts afresh. */
export async function saveProgress(session: PullSession, progress: { source: { id: string }; logType: string; replayId?: string; state: unknown }) {
  if (progress.replayId) {
    await session.query("UPDATE pull_replays SET state = $2::jsonb WHERE id = $1", [progress.replayId, JSON.stringify(progress.state)]);
    return;
  }
  await session.query(
    `INSERT INTO checkpoints (source_id, log_type, state, updated_at) VALUES ($1, $2, $3::jsonb, now())
     ON CONFLICT (source_id, log_type) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
    [progress.source.id, progress.logType, JSON.stringify(progress.state)],
  );
}

/** Ends a run that stopped without committing a final page: a failure, or a stop between pages. */
export async function finishPullRun(session: PullSession, runId: string, end: { outcome: Exclude<PullOutcome, "RUNNING">; errorCode?: string | null; error?: string | null }) {
  await session.query(`UPDATE pull_runs SET outcome = $2::"PullOutcome", finished_at = now(), error_code = $3, error = $4 WHERE id = $1 AND outcome = 'RUNNING'`, [
    runId,
    end.outcome,
    end.errorCode ?? null,
    end.error ?? null,
  ]);
}

// ---------------------------------------------------------------------------------------------
// Replays: "read this window again". The row holds the replay's own progress; its runs are PullRuns.

export type ReplayRefusal = "not_found" | "wrong_state" | "log_type_not_enabled";

/** Records a replay request with its audit entry; the caller queues it (features/pulls/replays.ts). */
export async function createReplay(request: ReplayRequest, audit: AuditContext): Promise<{ ok: true; replayId: string } | { ok: false; reason: ReplayRefusal }> {
  return db.$transaction(async (tx) => {
    const source = await tx.source.findUnique({ where: { id: request.sourceId }, select: { id: true, name: true, status: true, logTypes: true, activatedAt: true } });
    if (!source) return { ok: false as const, reason: "not_found" as const };
    // Only a source that was set up has a token to replay with; a paused one may replay (it was asked for).
    if (!source.activatedAt || !["ACTIVE", "PAUSED", "ERROR"].includes(source.status)) return { ok: false as const, reason: "wrong_state" as const };
    if (!source.logTypes.includes(request.logType)) return { ok: false as const, reason: "log_type_not_enabled" as const };
    const replay = await tx.pullReplay.create({
      data: { sourceId: source.id, logType: request.logType, windowFrom: request.from, windowTo: request.to, requestedById: audit.actor.id, requestedBy: audit.actor.label },
      select: { id: true },
    });
    const details = { replayId: replay.id, logType: request.logType, from: request.from.toISOString(), to: request.to.toISOString() };
    await recordAudit(audit, { action: "source.replay_requested", target: { type: "source", id: source.id, label: source.name }, details }, tx);
    return { ok: true as const, replayId: replay.id };
  });
}

/** Moves a replay on; a finished replay (SUCCEEDED or FAILED) never changes again. */
export async function updateReplayStatus(replayId: string, status: ReplayStatus, failure?: { errorCode: string; error: string }) {
  const isFinal = status === "SUCCEEDED" || status === "FAILED";
  await db.pullReplay.updateMany({
    where: { id: replayId, status: { notIn: ["SUCCEEDED", "FAILED"] } },
    data: { status, ...(isFinal ? { finishedAt: new Date() } : {}), errorCode: failure?.errorCode ?? null, error: failure?.error ?? null },
  });
}
