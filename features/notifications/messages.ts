import { SOURCE_FIX_LABELS, type ExplainedSlackError } from "@/features/pulls/slack-errors";
import { describeLogTypes } from "@/features/sources/schema";

// The words of the notices Tributary sends about a source, as plain text (issue 8's sender adds the
// HTML part). Subjects start with "[Tributary]" and name the source, so a mail filter can route them.

type SourceFacts = { id: string; name: string; logTypes: readonly string[] };

const sourceUrl = (publicUrl: string, sourceId: string) => `${publicUrl.replace(/\/$/, "")}/sources/${encodeURIComponent(sourceId)}`;

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

export function sourceErrorMessage(source: SourceFacts, problem: ExplainedSlackError & { detail: string; logType: string; at: Date }, publicUrl: string) {
  const fix = problem.fix ? `${SOURCE_FIX_LABELS[problem.fix]} on the source's page` : "Open the source's page for details";
  return {
    subject: `[Tributary] Slack source "${source.name}" stopped: ${problem.title}`,
    text: [
      `Tributary stopped pulling ${describeLogTypes(source.logTypes)} for the Slack source "${source.name}" at ${problem.at.toISOString()}.`,
      "",
      `What happened: ${problem.title}.`,
      problem.explanation,
      "",
      `What to do: ${fix}:`,
      sourceUrl(publicUrl, source.id),
      "",
      `Slack said: ${problem.detail}`,
      "",
      "Tributary tries again once an hour and writes again if the source recovers by itself; fixing it from the source's page brings it back at once. Nothing Slack keeps is lost meanwhile: the pulls continue from where they stopped.",
    ].join("\n"),
  };
}

export function sourceRecoveredMessage(source: SourceFacts, facts: { since: Date; at: Date; code: string | null }, publicUrl: string) {
  const duration = describeDuration(facts.at.getTime() - facts.since.getTime());
  return {
    subject: `[Tributary] Slack source "${source.name}" is pulling again`,
    text: [
      `The Slack source "${source.name}" works again since ${facts.at.toISOString()}, after ${duration} stopped${facts.code ? ` (${facts.code})` : ""}.`,
      "Its pulls continue from where they stopped, so the logs of that time are pulled now.",
      "",
      sourceUrl(publicUrl, source.id),
    ].join("\n"),
  };
}
