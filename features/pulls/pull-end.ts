import type { LogSchema } from "@/features/events/log-schema";
import type { PullSession } from "@/features/pulls/mutations";
import { explainSlackError } from "@/features/pulls/slack-errors";

// How a pull ends, shared by the three pullers: what the run records, what the worker does next
// (delay the job, retry with backoff, or leave it to the source's ERROR state), and the words.

export type PullFailure = {
  outcome: "INCOMPLETE" | "FAILED";
  errorCode: string;
  error: string;
  /** null: not retried by the queue (the next interval, or the source's hourly retry, tries again). */
  retry: { afterSeconds: number } | null;
  /** Set when Slack refused the token, its permissions or the plan: the source goes to ERROR. */
  sourceError?: { code: string; detail: string; needed: string | null; provided: string | null };
};
export type PullEnd = { outcome: "SUCCEEDED" } | PullFailure;

export const WORKER_STOPPING = {
  outcome: "INCOMPLETE" as const,
  errorCode: "worker_stopping",
  error: "The worker was shutting down; the next run continues where this one stopped.",
  retry: null,
} satisfies PullFailure;

/** Admits one Slack call under Tributary's shared per-token budget, or ends the run until a call is free. */
export type SlackCallGate = (method: string) => Promise<{ ok: true } | { ok: false; end: PullFailure }>;

/** What every puller is given, whatever its log type. */
export type PullerContext = {
  session: PullSession;
  runId: string;
  /** Set for a replay: its progress goes to the replay, and the end of its window moves no watermark. */
  replayId?: string;
  source: { id: string; label: string };
  token: string;
  schema: LogSchema;
  timeoutMs: number;
  /** Takes a call from Tributary's shared per-token budget before each request. */
  gate: SlackCallGate;
  /** Aborted when the worker shuts down: the run stops at a page boundary, abandoning a request in flight. */
  stopSignal: AbortSignal;
};

type SlackFailure =
  | { kind: "slack_error"; status?: number; error: string; needed?: string; provided?: string }
  | { kind: "ratelimited"; retryAfterSeconds: number }
  | { kind: "unreachable"; detail: string };

const LIMIT_WORDS: Record<string, string> = {
  "Slack.AuditLogs": "Slack's audit-log rate limit (50 calls a minute, shared by every app in the organization)",
  "Slack.AccessLogs": "Slack's rate limit for team.accessLogs (20 calls a minute)",
  "Slack.IntegrationLogs": "Slack's rate limit for team.integrationLogs (20 calls a minute)",
};

/** How a failed call ends the run, in words an operator can act on. Nothing here ever carries the token. */
export function describeSlackFailure(failure: SlackFailure, context: { logType: string; method: string }): PullFailure {
  if (failure.kind === "ratelimited") {
    return {
      outcome: "INCOMPLETE",
      errorCode: "ratelimited",
      error: `${LIMIT_WORDS[context.logType] ?? "Slack's rate limit"} was reached; Slack asked to wait ${failure.retryAfterSeconds} s. Everything read so far is stored and the pull continues from there.`,
      retry: { afterSeconds: failure.retryAfterSeconds },
    };
  }
  if (failure.kind === "unreachable") {
    return { outcome: "FAILED", errorCode: "slack_unreachable", error: `Slack did not answer usably (${failure.detail}). Everything read so far is stored; the pull is retried with backoff.`, retry: { afterSeconds: 0 } };
  }
  const explained = explainSlackError(failure.error, { logType: context.logType, needed: failure.needed ?? null, provided: failure.provided ?? null });
  const said = [
    `${context.method}: ${failure.status === undefined ? "" : `HTTP ${failure.status} `}${failure.error}`,
    failure.needed ? `needed: ${failure.needed}` : null,
    failure.provided !== undefined ? `granted: ${failure.provided || "none"}` : null,
  ]
    .filter(Boolean)
    .join("; ");
  return {
    outcome: "FAILED",
    errorCode: failure.error,
    error: `${explained.title}. ${explained.explanation} (Slack said ${said}.)`,
    // A refused cursor or argument is worth one fresh query at once; anything else waits for the next interval.
    retry: explained.kind === "request" ? { afterSeconds: 0 } : null,
    ...(explained.isSourceError ? { sourceError: { code: failure.error, detail: said, needed: failure.needed ?? null, provided: failure.provided ?? null } } : {}),
  };
}

/** The run that waits for Tributary's own budget: no Slack call was made, the job comes back when one is free. */
export function budgetExhausted(context: { logType: string; method: string; retryAfterMs: number }): PullFailure {
  const afterSeconds = Math.max(1, Math.ceil(context.retryAfterMs / 1000));
  return {
    outcome: "INCOMPLETE",
    errorCode: "rate_budget",
    error: `Tributary paces its calls to stay within ${LIMIT_WORDS[context.logType] ?? "Slack's rate limit"} for this token, and the budget is used up; the pull continues in ${afterSeconds} s where it stopped.`,
    retry: { afterSeconds },
  };
}
