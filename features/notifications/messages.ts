import { SOURCE_FIX_LABELS, type ExplainedSlackError } from "@/features/pulls/slack-errors";
import { describeLogTypes, describeMinutes, isLogType, LOG_TYPE_INFO, LOG_TYPES } from "@/features/sources/schema";
import { renderEmailHtml, type EmailContent } from "@/lib/mail-html";

// The words of the notices Tributary sends, each as a plain-text part and an HTML part saying the
// same thing. Subjects start with "[Tributary]", then a state word (ALARM, OK, NO DATA, SYSTEM,
// TEST) and the source's name in double quotes, so a mail filter can route them.

type SourceFacts = { id: string; name: string; logTypes: readonly string[] };

export type NotificationMessage = { subject: string; text: string; html: string };

/** The latest pull of one log type, as the alarm emails report it. */
export type LastPull = {
  logType: string;
  /** SUCCEEDED, INCOMPLETE, FAILED, ABANDONED or RUNNING (PullOutcome). */
  outcome: string;
  startedAt: Date;
  finishedAt: Date | null;
  errorCode: string | null;
  error: string | null;
};

const consoleUrl = (publicUrl: string, path: string) => `${publicUrl.replace(/\/$/, "")}${path}`;
const sourceUrl = (publicUrl: string, sourceId: string) => consoleUrl(publicUrl, `/sources/${encodeURIComponent(sourceId)}`);

/** "2026-12-02T04:30:00Z": UTC, to the second; milliseconds only make a notice harder to read. */
export function formatUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** "2 h 5 min", "3 days 4 h": how long a source was stopped, to the minute. */
export function describeDuration(milliseconds: number): string {
  const minutes = Math.max(0, Math.round(milliseconds / 60_000));
  if (minutes < 1) return "less than a minute";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} ${days === 1 ? "day" : "days"}` : null, hours ? `${hours} h` : null, rest && !days ? `${rest} min` : null].filter(Boolean);
  return parts.join(" ");
}

const between = (from: Date, to: Date) => describeDuration(to.getTime() - from.getTime());

/** Intro paragraphs, facts as "Label: value", the link on a line of its own: read well in a terminal. */
function renderEmailText(content: EmailContent): string {
  return [
    ...content.intro,
    content.facts.map(([label, value]) => `${label}: ${value}`).join("\n"),
    content.action ? `${content.action.label}:\n${content.action.href}` : "",
    ...content.footer,
  ]
    .filter(Boolean)
    .join("\n\n");
}

function composeMessage(subject: string, content: EmailContent): NotificationMessage {
  return { subject, text: renderEmailText(content), html: renderEmailHtml(content) };
}

const RECIPIENT_FOOTER = "You get this email as a recipient of this source's drop-off alarm; the recipients are set on the source's page.";

// ---------------------------------------------------------------------------------------------
// A source stopped by Slack's refusal, and working again.

export function sourceErrorMessage(source: SourceFacts, problem: ExplainedSlackError & { detail: string; logType: string; at: Date }, publicUrl: string): NotificationMessage {
  const fix = problem.fix ? `${SOURCE_FIX_LABELS[problem.fix]} on the source's page` : "Open the source's page for details";
  const url = sourceUrl(publicUrl, source.id);
  const stopped = `Tributary stopped pulling ${describeLogTypes(source.logTypes)} for the Slack source "${source.name}" at ${formatUtc(problem.at)}.`;
  const nextSteps =
    "Tributary tries again once an hour and writes again if the source recovers by itself; fixing it from the source's page brings it back at once. Nothing Slack keeps is lost meanwhile: the pulls continue from where they stopped.";
  return {
    subject: `[Tributary] Slack source "${source.name}" stopped: ${problem.title}`,
    // Written by hand rather than rendered: its wording predates the HTML part and is relied upon.
    text: [stopped, "", `What happened: ${problem.title}.`, problem.explanation, "", `What to do: ${fix}:`, url, "", `Slack said: ${problem.detail}`, "", nextSteps].join("\n"),
    html: renderEmailHtml({
      preheader: `${problem.title}. ${fix}.`,
      heading: `Slack source "${source.name}" stopped: ${problem.title}`,
      tone: "alarm",
      badge: "Stopped",
      intro: [stopped, `What happened: ${problem.title}. ${problem.explanation}`, `What to do: ${fix}.`],
      facts: [
        ["Source", source.name],
        ["Log types", describeLogTypes(source.logTypes)],
        ["Stopped at", formatUtc(problem.at)],
        ["Slack said", problem.detail],
      ],
      action: { label: problem.fix ? SOURCE_FIX_LABELS[problem.fix] : "Open the source", href: url },
      footer: [nextSteps, RECIPIENT_FOOTER],
    }),
  };
}

export function sourceRecoveredMessage(source: SourceFacts, facts: { since: Date; at: Date; code: string | null }, publicUrl: string): NotificationMessage {
  const duration = between(facts.since, facts.at);
  const url = sourceUrl(publicUrl, source.id);
  const works = `The Slack source "${source.name}" works again since ${formatUtc(facts.at)}, after ${duration} stopped${facts.code ? ` (${facts.code})` : ""}.`;
  const catchUp = "Its pulls continue from where they stopped, so the logs of that time are pulled now.";
  return {
    subject: `[Tributary] Slack source "${source.name}" is pulling again`,
    text: [works, catchUp, "", url].join("\n"),
    html: renderEmailHtml({
      preheader: `Working again after ${duration} stopped.`,
      heading: `Slack source "${source.name}" is pulling again`,
      tone: "ok",
      badge: "Pulling again",
      intro: [works, catchUp],
      facts: [
        ["Source", source.name],
        ["Stopped at", formatUtc(facts.since)],
        ["Working again at", formatUtc(facts.at)],
        ["Stopped for", duration],
        ...(facts.code ? [["Slack's error", facts.code] as [string, string]] : []),
      ],
      action: { label: "Open the source", href: url },
      footer: [RECIPIENT_FOOTER],
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// What the last pulls say about a quiet source: the first question an operator asks is whether
// Slack has nothing new (pulls succeed) or Tributary cannot get it (pulls fail).

const logTypeLabel = (logType: string) => (isLogType(logType) ? LOG_TYPE_INFO[logType].label : logType);

/**
 * A pull that succeeded and started after the source went quiet stored nothing: had it stored an
 * event, the source would not be quiet. One that started before may have brought the last event.
 */
const isSucceededWithNothingNew = (pull: LastPull, quietSince: Date) => pull.outcome === "SUCCEEDED" && pull.startedAt.getTime() > quietSince.getTime();

function describePull(pull: LastPull, quietSince: Date): string {
  const at = formatUtc(pull.finishedAt ?? pull.startedAt);
  const error = [pull.errorCode, pull.error].filter(Boolean).join(": ");
  switch (pull.outcome) {
    case "SUCCEEDED":
      return isSucceededWithNothingNew(pull, quietSince) ? `succeeded at ${at} — Slack answered, with nothing new` : `succeeded at ${at}; no pull has run since the source went quiet`;
    case "FAILED":
      return `failed at ${at}${error ? `: ${error}` : ""}`;
    case "INCOMPLETE":
      return `stopped before the end of its window at ${at}${error ? ` (${error})` : ""}; the next pull continues from there`;
    case "ABANDONED":
      return `abandoned at ${at}: its worker stopped mid-pull; the next pull resumes from the last page stored`;
    case "RUNNING":
      return `running since ${formatUtc(pull.startedAt)}`;
    default:
      return `${pull.outcome.toLowerCase()} at ${at}${error ? `: ${error}` : ""}`;
  }
}

function sentenceList(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** One fact per log type (the source's, then any other pulled), and a sentence when the pulls agree. */
function diagnosePulls(logTypes: readonly string[], pulls: readonly LastPull[], quietSince: Date): { summary: string | null; facts: [string, string][] } {
  const ordered = [...LOG_TYPES.filter((type) => logTypes.includes(type)), ...logTypes.filter((type) => !isLogType(type))];
  const pullOf = new Map(pulls.map((pull) => [pull.logType, pull]));
  const types = [...new Set([...ordered, ...pulls.map((pull) => pull.logType)])];
  const facts = types.map((type): [string, string] => {
    const pull = pullOf.get(type);
    return [`${logTypeLabel(type)}, last pull`, pull ? describePull(pull, quietSince) : "none yet"];
  });

  const quietTypes = pulls.filter((pull) => isSucceededWithNothingNew(pull, quietSince)).map((pull) => logTypeLabel(pull.logType).toLowerCase());
  const failedTypes = pulls.filter((pull) => pull.outcome === "FAILED").map((pull) => logTypeLabel(pull.logType).toLowerCase());
  let summary: string | null = null;
  if (pulls.length === 0) {
    summary = "No pull of this source is recorded: Tributary has not asked Slack at all. Check that Tributary's worker is running.";
  } else if (quietTypes.length === pulls.length) {
    summary = "Tributary's pulls succeed, but Slack has nothing new: the logs stopped on Slack's side, or nothing happened that Slack logs.";
  } else if (failedTypes.length === pulls.length) {
    summary = "Tributary's pulls fail, so the logs may be waiting in Slack: the errors below say why. Nothing Slack keeps is lost; the pulls continue from where they stopped once it is fixed.";
  } else if (failedTypes.length > 0 && failedTypes.length + quietTypes.length === pulls.length) {
    summary = `Pulls of ${sentenceList(failedTypes)} fail (the errors are below); pulls of ${sentenceList(quietTypes)} succeed, but Slack has nothing new.`;
  }
  return { summary, facts };
}

// ---------------------------------------------------------------------------------------------
// The drop-off alarm of one source.

export function alarmMessage(
  source: SourceFacts,
  facts: { quietSince: Date; lastEventReceivedAt: Date | null; thresholdMinutes: number; at: Date; lastPulls: LastPull[] },
  publicUrl: string,
): NotificationMessage {
  const quiet = between(facts.quietSince, facts.at);
  const threshold = describeMinutes(facts.thresholdMinutes);
  const pulls = diagnosePulls(source.logTypes, facts.lastPulls, facts.quietSince);
  const lastEvent = facts.lastEventReceivedAt ? `${formatUtc(facts.lastEventReceivedAt)} (${between(facts.lastEventReceivedAt, facts.at)} ago)` : "never";
  return composeMessage(`[Tributary] ALARM: Slack source "${source.name}" has sent no logs for ${quiet}`, {
    preheader: pulls.summary ?? `No logs since ${formatUtc(facts.quietSince)}, longer than the ${threshold} this source expects.`,
    heading: `Slack source "${source.name}" has sent no logs for ${quiet}`,
    tone: "alarm",
    badge: "Alarm",
    intro: [
      `No logs have arrived from the Slack source "${source.name}" since ${formatUtc(facts.quietSince)}: ${quiet}, longer than the ${threshold} its drop-off alarm allows.`,
      ...(pulls.summary ? [pulls.summary] : []),
    ],
    facts: [
      ["Source", source.name],
      ["Log types", describeLogTypes(source.logTypes)],
      ["Last event received", lastEvent],
      ["Alarm threshold", `no logs for ${threshold}`],
      ...pulls.facts,
    ],
    action: { label: "Open the source", href: sourceUrl(publicUrl, source.id) },
    footer: ["Tributary emails once more when logs arrive again.", RECIPIENT_FOOTER],
  });
}

export function alarmRecoveredMessage(source: SourceFacts, facts: { quietSince: Date; recoveredAt: Date; alarmedAt: Date }, publicUrl: string): NotificationMessage {
  const outage = between(facts.quietSince, facts.recoveredAt);
  return composeMessage(`[Tributary] OK: Slack source "${source.name}" is receiving logs again after ${outage}`, {
    preheader: `Logs arrive again after ${outage} without any.`,
    heading: `Slack source "${source.name}" is receiving logs again`,
    tone: "ok",
    badge: "OK",
    intro: [
      `Logs from the Slack source "${source.name}" arrive again since ${formatUtc(facts.recoveredAt)}, after ${outage} without any.`,
      "Its drop-off alarm is back to watching, and emails again if the logs stop for longer than its threshold.",
    ],
    facts: [
      ["Source", source.name],
      ["Quiet since", formatUtc(facts.quietSince)],
      ["Alarm sent", formatUtc(facts.alarmedAt)],
      ["Logs arrived again", formatUtc(facts.recoveredAt)],
      ["Without logs for", outage],
    ],
    action: { label: "Open the source", href: sourceUrl(publicUrl, source.id) },
    footer: [RECIPIENT_FOOTER],
  });
}

export function noDataYetMessage(source: SourceFacts, facts: { watchedSince: Date; thresholdMinutes: number; at: Date; lastPulls: LastPull[] }, publicUrl: string): NotificationMessage {
  const watched = between(facts.watchedSince, facts.at);
  const threshold = describeMinutes(facts.thresholdMinutes);
  const pulls = diagnosePulls(source.logTypes, facts.lastPulls, facts.watchedSince);
  return composeMessage(`[Tributary] NO DATA: Slack source "${source.name}" has sent no logs since it was connected ${watched} ago`, {
    preheader: pulls.summary ?? `Connected ${watched} ago, and no logs yet.`,
    heading: `Slack source "${source.name}" has sent no logs yet`,
    tone: "alarm",
    badge: "No data",
    intro: [
      `The Slack source "${source.name}" was connected at ${formatUtc(facts.watchedSince)}, ${watched} ago, and has not delivered a single log since: longer than the ${threshold} its drop-off alarm allows.`,
      "A new source that never delivers usually means one of three things: the Slack plan or the chosen log types do not match (audit logs need Enterprise Grid, access and integration logs a paid plan); the Slack app was installed on one workspace where audit logs need it installed on the whole organization; or the organization has simply been quiet.",
      ...(pulls.summary ? [pulls.summary] : []),
    ],
    facts: [
      ["Source", source.name],
      ["Log types", describeLogTypes(source.logTypes)],
      ["Connected", formatUtc(facts.watchedSince)],
      ["Alarm threshold", `no logs for ${threshold}`],
      ...pulls.facts,
    ],
    action: { label: "Open the source", href: sourceUrl(publicUrl, source.id) },
    footer: ["Tributary emails again when the first logs arrive.", RECIPIENT_FOOTER],
  });
}

export function firstDataMessage(source: SourceFacts, facts: { watchedSince: Date; receivedAt: Date }, publicUrl: string): NotificationMessage {
  const wait = between(facts.watchedSince, facts.receivedAt);
  return composeMessage(`[Tributary] OK: Slack source "${source.name}" sent its first logs`, {
    preheader: `First logs ${wait} after it was connected.`,
    heading: `Slack source "${source.name}" sent its first logs`,
    tone: "ok",
    badge: "OK",
    intro: [
      `The first logs from the Slack source "${source.name}" arrived at ${formatUtc(facts.receivedAt)}, ${wait} after it was connected.`,
      "From now on its drop-off alarm watches for the logs stopping.",
    ],
    facts: [
      ["Source", source.name],
      ["Log types", describeLogTypes(source.logTypes)],
      ["Connected", formatUtc(facts.watchedSince)],
      ["First logs received", formatUtc(facts.receivedAt)],
    ],
    action: { label: "Open the source", href: sourceUrl(publicUrl, source.id) },
    footer: [RECIPIENT_FOOTER],
  });
}

export function testAlarmMessage(
  source: SourceFacts,
  facts: { requestedBy: string; at: Date; recipients: string[]; thresholdMinutes: number; isEnabled: boolean },
  publicUrl: string,
): NotificationMessage {
  const threshold = describeMinutes(facts.thresholdMinutes);
  const when = facts.isEnabled
    ? `A real alarm goes to the recipients below once the source has sent no logs for ${threshold}.`
    : `The alarm is off, so no real alarm is sent until it is turned on from the source's page; it would then go to the recipients below once the source has sent no logs for ${threshold}.`;
  return composeMessage(`[Tributary] TEST: drop-off alarm email for Slack source "${source.name}"`, {
    preheader: `A test requested by ${facts.requestedBy}: nothing is wrong with the source.`,
    heading: `Test of the drop-off alarm email for Slack source "${source.name}"`,
    tone: "info",
    badge: "Test",
    intro: [
      `This is a test, requested by ${facts.requestedBy} at ${formatUtc(facts.at)}, to check that the drop-off alarm of the Slack source "${source.name}" reaches you. It says nothing about the source's health.`,
      when,
      "A real alarm names when the last log arrived and what the last pull of each log type got from Slack, so it tells apart Slack having nothing new from Tributary's pulls failing. Tributary then emails once more when logs arrive again.",
    ],
    facts: [
      ["Source", source.name],
      ["Log types", describeLogTypes(source.logTypes)],
      ["Requested by", facts.requestedBy],
      ["Recipients", facts.recipients.join(", ")],
      ["Alarm", facts.isEnabled ? `on: after no logs for ${threshold}` : "off"],
    ],
    action: { label: "Open the source", href: sourceUrl(publicUrl, source.id) },
    footer: [RECIPIENT_FOOTER],
  });
}

// ---------------------------------------------------------------------------------------------
// Tributary itself is the problem: one notice to the admins instead of an alarm per source.

type SystemIncidentKind = "worker_down" | "pulls_failing";

const INCIDENT_PROBLEM: Record<SystemIncidentKind, string> = {
  worker_down: "No Tributary worker is running",
  pulls_failing: "No source pulls successfully from Slack",
};

const INCIDENT_SINCE: Record<SystemIncidentKind, string> = {
  worker_down: "No Tributary worker has run since",
  pulls_failing: "No source has pulled successfully from Slack since",
};

const INCIDENT_CHECKS: Record<SystemIncidentKind, string> = {
  worker_down:
    "What to check: that the worker process runs (npm run worker; its /healthz answers) and what its logs say; that Redis is reachable from it; that this server reaches Slack over HTTPS.",
  pulls_failing:
    "What to check: the worker's logs for the error of the failing pulls; that Redis is reachable from the worker; that this server reaches Slack over HTTPS (a firewall, proxy or DNS change, or a Slack outage).",
};

export function systemIncidentMessage(incident: { kind: SystemIncidentKind; startedAt: Date; detail: string; sourcesAffected: number }, publicUrl: string): NotificationMessage {
  const since = formatUtc(incident.startedAt);
  const subject = incident.kind === "worker_down" ? "[Tributary] SYSTEM: no worker is running" : `[Tributary] SYSTEM: no source has pulled successfully since ${since}`;
  const sources = `${incident.sourcesAffected} ${incident.sourcesAffected === 1 ? "source is" : "sources are"}`;
  return composeMessage(subject, {
    preheader: `${INCIDENT_PROBLEM[incident.kind]} since ${since}. Per-source alarms are held meanwhile.`,
    heading: `${INCIDENT_SINCE[incident.kind]} ${since}`,
    tone: "alarm",
    badge: "System",
    intro: [
      incident.detail,
      `${sources} affected. Their drop-off alarms are held meanwhile, so this one notice goes out instead of one per source.`,
      INCIDENT_CHECKS[incident.kind],
    ],
    facts: [
      ["Problem", INCIDENT_PROBLEM[incident.kind]],
      ["Since", since],
      ["Sources affected", String(incident.sourcesAffected)],
    ],
    action: { label: "Open the alarms", href: consoleUrl(publicUrl, "/alarms") },
    footer: ["Tributary writes again when it is well. Sources still quiet once they have caught up then alarm on their own."],
  });
}

export function systemRecoveredMessage(incident: { kind: SystemIncidentKind; startedAt: Date; endedAt: Date; detail: string; heldAlarms: number }, publicUrl: string): NotificationMessage {
  const duration = between(incident.startedAt, incident.endedAt);
  const recovered = incident.kind === "worker_down" ? "worker is running again" : "sources are pulling again";
  const held =
    incident.heldAlarms === 0
      ? "No drop-off alarm was held meanwhile."
      : `${incident.heldAlarms} drop-off ${incident.heldAlarms === 1 ? "alarm was" : "alarms were"} held meanwhile.`;
  return composeMessage(`[Tributary] SYSTEM OK: ${recovered} after ${duration}`, {
    preheader: `Pulls continue from where they stopped. ${held}`,
    heading: `Tributary's ${recovered}`,
    tone: "ok",
    badge: "System OK",
    intro: [
      `The problem that started at ${formatUtc(incident.startedAt)} ended at ${formatUtc(incident.endedAt)}, after ${duration}: Tributary's ${recovered}.`,
      "Pulls continue from where they stopped, so nothing Slack keeps is lost: the logs of that time are being pulled now.",
      `${held} Sources that are still quiet once they have caught up alarm on their own; the others need nothing.`,
    ],
    facts: [
      ["Started", formatUtc(incident.startedAt)],
      ["Ended", formatUtc(incident.endedAt)],
      ["Lasted", duration],
      ["Detail", incident.detail],
      ["Alarms held", String(incident.heldAlarms)],
    ],
    action: { label: "Open the alarms", href: consoleUrl(publicUrl, "/alarms") },
    footer: [],
  });
}
