import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

// What one worker process did, for Prometheus (GET /metrics on the worker's health port). Counters
// are per process: sum them across replicas in queries (`sum by (log_type) (rate(...))`). The
// fleet-wide state (sources, alarms, queues, notifications) is the web's /api/metrics, read from
// Postgres and Redis, so it is the same whichever replica answers.

export type PullObservation = {
  sourceId: string;
  logType: string;
  outcome: string;
  stored: number;
  duplicates: number;
  failures: number;
  durationSeconds: number;
  /** The run's error code: `ratelimited`, `slack_unreachable`, a Slack code (`token_revoked`…), `storage_failed`… */
  errorCode: string | null;
};

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

/** Ends that are no fault: the pull continues where it stopped (features/pulls/pull-end.ts). */
const PAUSE_CODES = new Set(["rate_budget", "worker_stopping"]);

export function createWorkerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tributary_worker_" });
  // Per source as the operators asked; a fleet of thousands can drop the label at scrape time.
  const pulls = new Counter({ name: "tributary_pulls_total", help: "Pull runs finished, by source, log type and outcome.", labelNames: ["source_id", "log_type", "outcome"], registers: [registry] });
  const eventsStored = new Counter({ name: "tributary_events_stored_total", help: "Events stored (new to Tributary).", labelNames: ["log_type"], registers: [registry] });
  const duplicates = new Counter({ name: "tributary_events_duplicate_total", help: "Records Slack served again and that were recognised as already stored.", labelNames: ["log_type"], registers: [registry] });
  const classificationFailures = new Counter({ name: "tributary_classification_failures_total", help: "Records quarantined because they did not fit the log type's schema.", labelNames: ["log_type"], registers: [registry] });
  const pullDuration = new Histogram({
    name: "tributary_pull_duration_seconds",
    help: "Time from a pull's start to its end.",
    labelNames: ["log_type"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const scheduleLag = new Histogram({
    name: "tributary_schedule_lag_seconds",
    help: "Time from when a scheduled pull was due to when a worker started it.",
    labelNames: ["log_type"],
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const slackRateLimited = new Counter({ name: "tributary_slack_rate_limited_total", help: "Pulls that Slack answered with 429 (Retry-After honoured).", labelNames: ["log_type"], registers: [registry] });
  const pullErrors = new Counter({ name: "tributary_pull_errors_total", help: "Pulls that ended with an error, by its code (Slack's own codes, slack_unreachable, storage_failed…).", labelNames: ["log_type", "code"], registers: [registry] });
  const pullsPaused = new Counter({
    name: "tributary_pulls_paused_total",
    help: "Pulls stopped on purpose and continued later: Tributary's own pacing (rate_budget) or a worker shutting down (worker_stopping).",
    labelNames: ["log_type", "reason"],
    registers: [registry],
  });

  return {
    registry,
    observePull(pull: PullObservation) {
      pulls.inc({ source_id: pull.sourceId, log_type: pull.logType, outcome: pull.outcome });
      eventsStored.inc({ log_type: pull.logType }, pull.stored);
      duplicates.inc({ log_type: pull.logType }, pull.duplicates);
      classificationFailures.inc({ log_type: pull.logType }, pull.failures);
      pullDuration.observe({ log_type: pull.logType }, pull.durationSeconds);
      if (pull.errorCode === "ratelimited") slackRateLimited.inc({ log_type: pull.logType });
      else if (pull.errorCode && PAUSE_CODES.has(pull.errorCode)) pullsPaused.inc({ log_type: pull.logType, reason: pull.errorCode });
      else if (pull.errorCode) pullErrors.inc({ log_type: pull.logType, code: pull.errorCode });
    },
    observeScheduleLag(logType: string, seconds: number) {
      scheduleLag.observe({ log_type: logType }, Math.max(0, seconds));
    },
  };
}

/** When a scheduled job was due: job schedulers name each job `repeat:<scheduler>:<due time in ms>`. */
export function scheduledDueTime(jobId: string | undefined): number | null {
  if (!jobId?.startsWith("repeat:")) return null;
  const due = Number(jobId.slice(jobId.lastIndexOf(":") + 1));
  return Number.isSafeInteger(due) && due > 0 ? due : null;
}
