import type { AlarmState } from "@/lib/generated/prisma/enums";

// The drop-off alarm's rules, free of I/O so they can be read and tested on their own.
//
// A source is watched while its alarm is on and it is ACTIVE or in ERROR (a source whose token was
// revoked has gone quiet too; the alarm says so once its threshold passes). Paused sources, drafts
// and sources with the alarm off are not watched. The quiet time runs from the last event received,
// or from when watching began (activation, the last resume) if that is later, so time spent paused
// is never counted as silence.

export type { AlarmState };

export const ALARM_STATE_LABELS: Record<AlarmState, string> = { OK: "OK", ALARM: "In alarm", INSUFFICIENT_DATA: "Insufficient data" };

/** What happened, as recorded in a source's alarm history. */
export const ALARM_HISTORY_KINDS = ["alarm", "recovered", "cleared", "no_data_overdue", "first_data", "watching", "unwatched"] as const;
export type AlarmHistoryKind = (typeof ALARM_HISTORY_KINDS)[number];

export const ALARM_HISTORY_LABELS: Record<AlarmHistoryKind, string> = {
  alarm: "Went quiet: alarm",
  recovered: "Logs arriving again",
  cleared: "Alarm cleared: threshold raised",
  no_data_overdue: "Still no logs since connected",
  first_data: "First logs received",
  watching: "Alarm watching",
  unwatched: "Alarm not watching",
};

export type WatchedSourceFacts = {
  status: string;
  alarmEnabled: boolean;
  alarmThresholdMinutes: number;
  lastEventReceivedAt: Date | null;
  alarmWatchedSince: Date | null;
  activatedAt: Date | null;
};

export type AlarmJudgement =
  | { state: null; reason: "alarm_off" | "paused" | "not_active" }
  | { state: AlarmState; quietSince: Date; isOverdue: boolean };

/** The state a source should be in now. `isOverdue`: quiet for longer than the threshold. */
export function judgeAlarm(source: WatchedSourceFacts, now: Date): AlarmJudgement {
  if (source.status === "PAUSED") return { state: null, reason: "paused" };
  if (source.status !== "ACTIVE" && source.status !== "ERROR") return { state: null, reason: "not_active" };
  if (!source.alarmEnabled) return { state: null, reason: "alarm_off" };
  const watchedSince = source.alarmWatchedSince ?? source.activatedAt ?? now;
  const received = source.lastEventReceivedAt;
  const quietSince = received && received > watchedSince ? received : watchedSince;
  const isOverdue = now.getTime() - quietSince.getTime() > source.alarmThresholdMinutes * 60_000;
  if (!received) return { state: "INSUFFICIENT_DATA", quietSince, isOverdue };
  return { state: isOverdue ? "ALARM" : "OK", quietSince, isOverdue };
}

export const UNWATCHED_REASONS = {
  alarm_off: "The alarm was turned off.",
  paused: "The source is paused; its alarm resumes with it, counting from the resume.",
  not_active: "The source is not active.",
} as const;

// ---------------------------------------------------------------------------------------------
// When Tributary itself is the problem. One incident of a kind is open at a time; while one is open,
// and for a grace period after (the pulls catch up), per-source alarm emails are held and the admins
// get one notice instead.

export const INCIDENT_KINDS = ["worker_down", "pulls_failing"] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_LABELS: Record<IncidentKind, string> = {
  worker_down: "No worker running",
  pulls_failing: "No source is pulling",
};

/** No worker has reported for this long: the web process opens a worker_down incident. */
export const WORKER_DOWN_AFTER_MS = 3 * 60_000;
/** The alarm evaluator runs every minute; a longer gap than this means no worker was running. */
export const EVALUATION_GAP_MS = 5 * 60_000;
export const ALARM_EVALUATION_INTERVAL_MS = 60_000;

/** How long without any successful pull, on any source, before it is Tributary's problem. */
export function pullsStalledAfterMs(pullIntervalSeconds: number): number {
  return Math.max(10 * 60_000, 3 * pullIntervalSeconds * 1000);
}

/** After an incident ends, alarm emails stay held this long, so the pulls can catch up first. */
export function incidentGraceMs(pullIntervalSeconds: number): number {
  return pullsStalledAfterMs(pullIntervalSeconds);
}
