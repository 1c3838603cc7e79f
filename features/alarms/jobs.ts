import type { Logger } from "pino";
import { findHoldingIncident, findLatestWorkerSighting, findOpenIncidents, listAlarmCandidates, loadPullingFacts } from "@/features/alarms/data";
import { closeIncident, evaluateSourceAlarm, markAlarmsEvaluated, openIncident, recordPastIncident } from "@/features/alarms/mutations";
import { EVALUATION_GAP_MS, incidentGraceMs, judgeAlarm, pullsStalledAfterMs, WORKER_DOWN_AFTER_MS } from "@/features/alarms/schema";
import { formatUtc } from "@/features/notifications/messages";
import { getEnv } from "@/lib/env";

// The alarm evaluator, run every minute by the worker (a BullMQ job scheduler). First it asks
// whether Tributary itself is failing, since then every source looks quiet at once and the right
// message is one notice to the admins, not an alarm per source; then it judges each source.

export type EvaluationSummary = { sources: number; changes: number; emails: number; heldBy: string | null };

export async function evaluateAlarms(logger: Logger, options: { now?: Date } = {}): Promise<EvaluationSummary> {
  const now = options.now ?? new Date();
  const env = getEnv();
  const publicUrl = env.PUBLIC_URL;

  // 1. A worker is running (this one): any "no worker" incident is over. A long gap since the last
  // evaluation means no worker ran meanwhile, even if no web process was there to notice.
  const previous = await markAlarmsEvaluated(now);
  const wasClosed = await closeIncident("worker_down", { now, publicUrl });
  if (!wasClosed && previous && now.getTime() - previous.getTime() > EVALUATION_GAP_MS) {
    const id = await recordPastIncident("worker_down", previous, `No worker ran the alarm checks between ${formatUtc(previous)} and ${formatUtc(now)}.`, { now, publicUrl });
    logger.warn({ incidentId: id, since: previous }, "no worker was running; recorded as a past incident");
  }

  // 2. Every active source failing to pull is Tributary's problem (or Slack's, for everyone).
  const stalledAfterMs = pullsStalledAfterMs(env.PULL_INTERVAL_SECONDS);
  const since = new Date(now.getTime() - stalledAfterMs);
  const pulling = await loadPullingFacts(since);
  if (pulling.fleet > 0 && pulling.pulling === 0) {
    const detail =
      pulling.runs === 0
        ? `No pull has even started since ${formatUtc(since)}: the worker is running but takes no pull jobs (check Redis and the worker's log).`
        : `None of the ${pulling.fleet} active sources has pulled successfully since ${formatUtc(since)} (${pulling.runs} attempts)${
            pulling.topErrorCode ? `; the most common failure is ${pulling.topErrorCode} (${pulling.topErrorCount}×): ${pulling.topError ?? ""}` : ""
          }.`;
    const incident = await openIncident("pulls_failing", since, detail, { now, publicUrl, sourcesAffected: pulling.fleet });
    if (incident.isNew) logger.warn({ incidentId: incident.id, detail }, "no source is pulling: admins notified, alarm emails held");
  } else if (await closeIncident("pulls_failing", { now, publicUrl })) {
    // Pulling again, or no active source left to pull (all paused or stopped by their own errors).
    logger.info({ fleet: pulling.fleet }, "the pulls_failing incident is over");
  }

  // 3. Each source, its emails held while an incident is open or just over.
  const holding = await findHoldingIncident(now, incidentGraceMs(env.PULL_INTERVAL_SECONDS));
  const context = { now, publicUrl, holdingIncidentId: holding?.id ?? null };
  const candidates = await listAlarmCandidates();
  // Judged in memory first; only a source whose state changes, or that is overdue (a no-data
  // reminder or a held email may be due), takes a transaction. Most sources are OK and stay so.
  const ids = candidates
    .filter((source) => {
      const judgement = judgeAlarm(source, now);
      return judgement.state !== source.alarmState || (judgement.state !== null && judgement.isOverdue);
    })
    .map((source) => source.id);
  let changes = 0;
  let emails = 0;
  for (const sourceId of ids) {
    const change = await evaluateSourceAlarm(sourceId, context);
    if (!change) continue;
    changes += 1;
    if (change.isEmailed) emails += 1;
    logger.info({ sourceId, change: change.kind, emailed: change.isEmailed, heldBy: context.holdingIncidentId }, "alarm state changed");
  }
  return { sources: candidates.length, changes, emails, heldBy: context.holdingIncidentId };
}

/**
 * The web process's watch on the workers, since a worker cannot report its own absence: with no
 * worker seen for a few minutes, one "no worker running" incident is opened and the admins told.
 * Returns whether an incident is open, in which case the web process delivers the outbox itself.
 */
export async function watchWorkers(logger: Logger, now = new Date()): Promise<{ isWorkerDown: boolean }> {
  const lastSeen = await findLatestWorkerSighting();
  // A fresh install whose worker never started is shown on the console, not emailed about.
  if (!lastSeen) return { isWorkerDown: false };
  if (now.getTime() - lastSeen.getTime() <= WORKER_DOWN_AFTER_MS) {
    return { isWorkerDown: (await findOpenIncidents()).some((incident) => incident.kind === "worker_down") };
  }
  const env = getEnv();
  const detail = `No worker process has reported since ${formatUtc(lastSeen)}: nothing is being pulled and the alarms are not checked.`;
  const incident = await openIncident("worker_down", lastSeen, detail, { now, publicUrl: env.PUBLIC_URL, sourcesAffected: 0 });
  if (incident.isNew) logger.error({ incidentId: incident.id, lastSeen }, "no worker is running: admins notified");
  return { isWorkerDown: true };
}
