import { z } from "zod";
import type { PullOutcome, PullTrigger } from "@/lib/generated/prisma/enums";

// What the pull engine keeps between runs and reports about each run. Isomorphic: the worker, the
// CLI and (later) the dashboard read the same definitions.

/**
 * Slack indexes audit events a little after they happen, so an event can appear in a window that
 * was already read. Each new window reaches this far below the last one's end; what comes back
 * twice is dropped by the (source, log type, id) key.
 */
export const AUDIT_OVERLAP_SECONDS = 60;

const unixSeconds = z.number().int().min(0);

/**
 * Audit logs: the end of the last fully read window (`watermark`), and the window being read now.
 * `resumeLatest` is the oldest second a committed page reached: everything newer in the window is
 * stored, so a run that stopped (killed, rate limited) continues at [oldest, resumeLatest] with a
 * fresh query. No cursor is kept: Slack's cursors expire and forget `oldest` (reference §7).
 */
export const auditCheckpointSchema = z.object({
  watermark: unixSeconds.nullable(),
  window: z.object({ oldest: unixSeconds, latest: unixSeconds, resumeLatest: unixSeconds }).nullable(),
});
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;
export const EMPTY_AUDIT_CHECKPOINT: AuditCheckpoint = { watermark: null, window: null };

export type { PullOutcome, PullTrigger };

export const PULL_OUTCOME_LABELS: Record<PullOutcome, string> = {
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  INCOMPLETE: "Incomplete",
  FAILED: "Failed",
  ABANDONED: "Abandoned",
};


/** Who asked for a pull and which attempt it is, as recorded on its PullRun. */
export type PullRequest = {
  sourceId: string;
  logType: string;
  trigger: PullTrigger;
  replayId?: string;
  jobId?: string;
  attempt?: number;
  workerId?: string;
};

export type PullRunSummary = {
  id: string;
  sourceId: string;
  logType: string;
  trigger: PullTrigger;
  replayId: string | null;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  windowOldest: string | null;
  windowLatest: string | null;
  pages: number;
  fetched: number;
  stored: number;
  duplicates: number;
  failures: number;
  outcome: PullOutcome;
  errorCode: string | null;
  error: string | null;
};

/** Why a requested pull did not run at all (no PullRun is recorded for these). */
export type PullSkip = "source_not_found" | "source_not_active" | "log_type_not_enabled" | "log_type_not_supported" | "busy" | "waiting_to_retry" | "replay_not_found" | "replay_finished";

export const PULL_SKIP_MESSAGES: Record<PullSkip, string> = {
  source_not_found: "no source has this ID",
  source_not_active: "the source is not active (finish its setup, or resume it)",
  log_type_not_enabled: "the source does not pull this log type",
  log_type_not_supported: "this log type has no puller",
  busy: "another worker is pulling this log type of this source right now",
  waiting_to_retry: "the source is stopped by a Slack error and is retried hourly; not yet",
  replay_not_found: "no replay has this ID",
  replay_finished: "the replay has already finished",
};

/** The earliest time a replay may start: Slack's log APIs hold nothing older. */
const REPLAY_EARLIEST = Date.UTC(2013, 0, 1);

/** "Replay a time window": validated the same way in the console, the API and the command line. */
export const replayRequestSchema = z
  .object({
    sourceId: z.string().trim().min(1, "Choose a source").max(64),
    logType: z.string().trim().min(1, "Choose a log type").max(64),
    from: z.coerce.date({ error: "Enter when the window starts" }),
    to: z.coerce.date({ error: "Enter when the window ends" }),
  })
  .refine((input) => !Number.isNaN(input.from.getTime()) && input.from.getTime() >= REPLAY_EARLIEST, { path: ["from"], message: "The window must start in 2013 or later" })
  .refine((input) => input.to.getTime() > input.from.getTime(), { path: ["to"], message: "The window must end after it starts" })
  .refine((input) => input.to.getTime() <= Date.now() + 60_000, { path: ["to"], message: "The window cannot end in the future" });
export type ReplayRequest = z.infer<typeof replayRequestSchema>;

/** A record that could not be stored, kept whole with the reason. */
export type ClassificationFailureInput = { field: string | null; reason: string; payload: string };
