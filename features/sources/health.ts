import { explainClientCredentialsError, explainSlackError, type SourceFix } from "@/features/pulls/slack-errors";
import { describeMinutes } from "@/features/sources/schema";

// A source's health as separate checks, each healthy or not with a message and the raw error, the
// way Panther's open-source console modelled integration health. The badge is healthy only when
// every check is. Pure and isomorphic: the page, the list and (later) alarms read the same verdict.

export type HealthCheckId = "credentials" | "permissions" | "last_pull" | "last_event" | "classification";

export type HealthCheck = {
  id: HealthCheckId;
  label: string;
  healthy: boolean;
  message: string;
  /** What Slack or Tributary said, word for word, when there is something. */
  rawError: string | null;
  fix: SourceFix;
};

export type SourceHealth = { healthy: boolean; checks: HealthCheck[] };

export type HealthFacts = {
  status: string;
  activatedAt: Date | null;
  pausedAt: Date | null;
  clientId: string | null;
  grantedClientId: string | null;
  errorCode: string | null;
  errorDetail: string | null;
  errorLogType: string | null;
  errorSince: Date | null;
  nextRetryAt: Date | null;
  clientCredentialsError: string | null;
  lastSuccessfulPullAt: Date | null;
  lastEventReceivedAt: Date | null;
  alarmThresholdMinutes: number;
  /** Classification failures received in the last hour, and the latest one's reason. */
  recentFailures: { count: number; latestReason: string | null; latestLogType: string | null };
  pullIntervalSeconds: number;
};

/** "5 minutes", "3 hours", "2 days": how long ago, rounded down to a unit a person reads at a glance. */
function ago(now: Date, then: Date): string {
  const minutes = Math.max(1, Math.round((now.getTime() - then.getTime()) / 60_000));
  if (minutes >= 2880) return `${Math.floor(minutes / 1440)} days`;
  if (minutes >= 120) return `${Math.floor(minutes / 60)} hours`;
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

/** A pull may be late by a few intervals (a retry with backoff, a busy worker) before it counts as stale. */
function stalePullMinutes(intervalSeconds: number): number {
  return Math.max(10, Math.ceil((intervalSeconds * 5) / 60));
}

export function evaluateSourceHealth(facts: HealthFacts, now: Date = new Date()): SourceHealth {
  // The detail keeps Slack's "needed: …; granted: …", so the check can name the scope to add.
  const needed = facts.errorDetail ? (/needed: ([^;]+)/.exec(facts.errorDetail)?.[1] ?? null) : null;
  const explained = facts.errorCode ? explainSlackError(facts.errorCode, { logType: facts.errorLogType ?? "", needed }) : null;
  const retry = facts.status === "ERROR" && facts.nextRetryAt ? ` Tributary tries again at ${facts.nextRetryAt.toISOString().slice(11, 16)} UTC.` : "";
  const isPaused = facts.status === "PAUSED";

  const credentialsProblem = facts.clientCredentialsError ? explainClientCredentialsError(facts.clientCredentialsError) : null;
  const isRotating = facts.grantedClientId !== null && facts.clientId !== facts.grantedClientId;
  const credentials: HealthCheck =
    explained?.kind === "access"
      ? { id: "credentials", label: "Credentials", healthy: false, message: `${explained.title}. ${explained.explanation}${retry}`, rawError: facts.errorDetail, fix: credentialsProblem ? "rotate_credentials" : explained.fix }
      : credentialsProblem
        ? { id: "credentials", label: "Credentials", healthy: false, message: `${credentialsProblem.title}. ${credentialsProblem.explanation}`, rawError: facts.clientCredentialsError, fix: credentialsProblem.fix }
        : isRotating
          ? { id: "credentials", label: "Credentials", healthy: true, message: "The token works. New app credentials are saved: grant access again to finish rotating them.", rawError: null, fix: "regrant" }
          : { id: "credentials", label: "Credentials", healthy: true, message: "Slack accepts the token.", rawError: null, fix: null };

  const permissions: HealthCheck =
    explained && (explained.kind === "permissions" || explained.kind === "plan")
      ? { id: "permissions", label: "Permissions and plan", healthy: false, message: `${explained.title}. ${explained.explanation}${retry}`, rawError: facts.errorDetail, fix: explained.fix }
      : { id: "permissions", label: "Permissions and plan", healthy: true, message: "The token's scopes and the Slack plan allow these logs.", rawError: null, fix: null };

  const staleMinutes = stalePullMinutes(facts.pullIntervalSeconds);
  let lastPull: HealthCheck;
  if (isPaused) {
    lastPull = { id: "last_pull", label: "Last successful pull", healthy: true, message: `Paused${facts.pausedAt ? ` ${ago(now, facts.pausedAt)} ago` : ""}: nothing is pulled until the source is resumed, which then pulls the time missed.`, rawError: null, fix: null };
  } else if (facts.lastSuccessfulPullAt) {
    const isStale = now.getTime() - facts.lastSuccessfulPullAt.getTime() > staleMinutes * 60_000;
    lastPull = {
      id: "last_pull",
      label: "Last successful pull",
      healthy: !isStale,
      message: isStale ? `No pull has succeeded for ${ago(now, facts.lastSuccessfulPullAt)}; pulls are due every ${describeMinutes(Math.max(1, Math.round(facts.pullIntervalSeconds / 60)))}.` : `${ago(now, facts.lastSuccessfulPullAt)} ago.`,
      rawError: isStale ? facts.errorDetail : null,
      fix: null,
    };
  } else {
    const isWaiting = facts.activatedAt !== null && now.getTime() - facts.activatedAt.getTime() <= staleMinutes * 60_000;
    lastPull = { id: "last_pull", label: "Last successful pull", healthy: isWaiting, message: isWaiting ? "Waiting for the first pull." : "No pull has succeeded yet.", rawError: isWaiting ? null : facts.errorDetail, fix: null };
  }

  const threshold = facts.alarmThresholdMinutes;
  let lastEvent: HealthCheck;
  if (isPaused) {
    lastEvent = { id: "last_event", label: "Last event received", healthy: true, message: facts.lastEventReceivedAt ? `${ago(now, facts.lastEventReceivedAt)} ago (paused).` : "None yet (paused).", rawError: null, fix: null };
  } else if (facts.lastEventReceivedAt) {
    const isQuiet = now.getTime() - facts.lastEventReceivedAt.getTime() > threshold * 60_000;
    lastEvent = {
      id: "last_event",
      label: "Last event received",
      healthy: !isQuiet,
      message: isQuiet ? `No new events for ${ago(now, facts.lastEventReceivedAt)}, longer than the ${describeMinutes(threshold)} this source expects.` : `${ago(now, facts.lastEventReceivedAt)} ago.`,
      rawError: null,
      fix: null,
    };
  } else {
    const isOverdue = facts.activatedAt !== null && now.getTime() - facts.activatedAt.getTime() > threshold * 60_000;
    lastEvent = {
      id: "last_event",
      label: "Last event received",
      healthy: !isOverdue,
      message: isOverdue ? `No events received in the ${ago(now, facts.activatedAt!)} since the source was activated.` : "No events yet.",
      rawError: null,
      fix: null,
    };
  }

  const { count, latestReason, latestLogType } = facts.recentFailures;
  const classification: HealthCheck =
    count > 0
      ? {
          id: "classification",
          label: "Records matching the schema",
          healthy: false,
          message: `${count.toLocaleString("en")} ${count === 1 ? "record" : "records"} in the last hour did not match ${latestLogType ?? "its log type"}'s schema and ${count === 1 ? "was" : "were"} kept aside with the reason; the pulls go on.`,
          rawError: latestReason,
          fix: null,
        }
      : { id: "classification", label: "Records matching the schema", healthy: true, message: "Every record in the last hour matched its schema.", rawError: null, fix: null };

  const checks = [credentials, permissions, lastPull, lastEvent, classification];
  return { healthy: checks.every((check) => check.healthy), checks };
}
