import { describe, expect, it } from "vitest";
import {
  alarmMessage,
  alarmRecoveredMessage,
  firstDataMessage,
  formatUtc,
  noDataYetMessage,
  sourceErrorMessage,
  sourceRecoveredMessage,
  systemIncidentMessage,
  systemRecoveredMessage,
  testAlarmMessage,
  type LastPull,
} from "@/features/notifications/messages";
import { explainSlackError } from "@/features/pulls/slack-errors";
import { escapeHtml, renderEmailHtml } from "@/lib/mail-html";

const PUBLIC_URL = "https://tributary.example.com/";
const AT = new Date("2026-12-02T04:30:00.000Z");
const minutesBefore = (minutes: number) => new Date(AT.getTime() - minutes * 60_000);

const AUDIT_SOURCE = { id: "cmww9jbi900185o7d5fp9weop", name: "Prod audit", logTypes: ["Slack.AuditLogs"] };
const TEAM_SOURCE = { id: "cmww9jbi900185o7d5fp9weoq", name: "Globex", logTypes: ["Slack.IntegrationLogs", "Slack.AccessLogs"] };
const HOSTILE_NAME = `<img src=x onerror=alert(1)>"&`;

const pull = (logType: string, outcome: string, minutesAgo: number, error: { code: string; message: string } | null = null): LastPull => ({
  logType,
  outcome,
  startedAt: minutesBefore(minutesAgo + 1),
  finishedAt: outcome === "RUNNING" ? null : minutesBefore(minutesAgo),
  errorCode: error?.code ?? null,
  error: error?.message ?? null,
});

/** Every notice Tributary sends about one source, built for the given source and public URL. */
function everySourceMessage(source: typeof AUDIT_SOURCE, publicUrl: string) {
  const lastPulls = [pull("Slack.AuditLogs", "SUCCEEDED", 5)];
  return {
    sourceError: sourceErrorMessage(source, { ...explainSlackError("token_revoked", { logType: "Slack.AuditLogs" }), detail: "token_revoked", logType: "Slack.AuditLogs", at: AT }, publicUrl),
    sourceRecovered: sourceRecoveredMessage(source, { since: minutesBefore(61), at: AT, code: "invalid_auth" }, publicUrl),
    alarm: alarmMessage(source, { quietSince: minutesBefore(26 * 60), lastEventReceivedAt: minutesBefore(26 * 60), thresholdMinutes: 1440, at: AT, lastPulls }, publicUrl),
    alarmRecovered: alarmRecoveredMessage(source, { quietSince: minutesBefore(200), recoveredAt: AT, alarmedAt: minutesBefore(100) }, publicUrl),
    noDataYet: noDataYetMessage(source, { watchedSince: minutesBefore(1500), thresholdMinutes: 1440, at: AT, lastPulls }, publicUrl),
    firstData: firstDataMessage(source, { watchedSince: minutesBefore(90), receivedAt: AT }, publicUrl),
    testAlarm: testAlarmMessage(source, { requestedBy: "ops@example.com", at: AT, recipients: ["a@example.com", "b@example.com"], thresholdMinutes: 1440, isEnabled: true }, publicUrl),
  };
}

function everySystemMessage(publicUrl: string) {
  return {
    workerDown: systemIncidentMessage({ kind: "worker_down", startedAt: minutesBefore(20), detail: "No heartbeat for 20 minutes", sourcesAffected: 3 }, publicUrl),
    pullsFailing: systemIncidentMessage({ kind: "pulls_failing", startedAt: minutesBefore(45), detail: "getaddrinfo ENOTFOUND slack.com", sourcesAffected: 1 }, publicUrl),
    workerBack: systemRecoveredMessage({ kind: "worker_down", startedAt: minutesBefore(125), endedAt: AT, detail: "No heartbeat", heldAlarms: 2 }, publicUrl),
    pullsBack: systemRecoveredMessage({ kind: "pulls_failing", startedAt: minutesBefore(45), endedAt: AT, detail: "getaddrinfo ENOTFOUND slack.com", heldAlarms: 0 }, publicUrl),
  };
}

const hrefsOf = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

describe("every notice", () => {
  const messages = { ...everySourceMessage(AUDIT_SOURCE, PUBLIC_URL), ...everySystemMessage(PUBLIC_URL) };

  it.each(Object.entries(messages))("%s has a subject, a plain-text part and a complete HTML part", (_, message) => {
    expect(message.subject).toMatch(/^\[Tributary\] /);
    expect(message.text.trim()).not.toBe("");
    expect(message.text).not.toContain("<");
    expect(message.html).toMatch(/^<!DOCTYPE html><html lang="en"[^>]*>.*<\/html>$/s);
    expect(message.html).not.toMatch(/<style|<script/i);
  });

  it.each(Object.entries(messages))("%s links to the console in both parts", (_, message) => {
    const [href] = hrefsOf(message.html);
    expect(href).toMatch(/^https:\/\/tributary\.example\.com\/(sources\/cmww9jbi900185o7d5fp9weop|alarms)$/);
    expect(message.text).toContain(href);
  });

  it("new notices name their state after [Tributary] and the source in double quotes", () => {
    const { alarm, alarmRecovered, noDataYet, firstData, testAlarm } = messages;
    expect(alarm.subject).toMatch(/^\[Tributary\] ALARM: Slack source "Prod audit" /);
    expect(alarmRecovered.subject).toMatch(/^\[Tributary\] OK: Slack source "Prod audit" /);
    expect(noDataYet.subject).toMatch(/^\[Tributary\] NO DATA: Slack source "Prod audit" /);
    expect(firstData.subject).toBe('[Tributary] OK: Slack source "Prod audit" sent its first logs');
    expect(testAlarm.subject).toBe('[Tributary] TEST: drop-off alarm email for Slack source "Prod audit"');
  });

  it("times are UTC to the second, without milliseconds", () => {
    expect(formatUtc(new Date("2026-12-02T04:30:00.123Z"))).toBe("2026-12-02T04:30:00Z");
    for (const message of Object.values(messages)) expect(message.text).not.toMatch(/\d{2}:\d{2}:\d{2}\.\d{3}Z/);
  });
});

describe("a hostile source name", () => {
  const messages = everySourceMessage({ ...AUDIT_SOURCE, name: HOSTILE_NAME }, PUBLIC_URL);

  it.each(Object.entries(messages))("%s: escaped in the HTML, verbatim in the subject and text", (_, message) => {
    expect(message.subject).toContain(`"${HOSTILE_NAME}"`);
    expect(message.text).toContain(HOSTILE_NAME);
    expect(message.html).not.toContain("<img");
    expect(message.html).not.toContain(HOSTILE_NAME);
    expect(message.html).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;&amp;");
  });
});

describe("links", () => {
  it("a javascript: public URL produces no link at all in the HTML", () => {
    const messages = { ...everySourceMessage(AUDIT_SOURCE, "javascript:alert(document.cookie)//"), ...everySystemMessage("javascript:alert(1)") };
    for (const message of Object.values(messages)) {
      expect(hrefsOf(message.html)).toEqual([]);
      expect(message.html).not.toMatch(/javascript:alert\(document|javascript:alert\(1\)\//);
    }
  });

  it("an href cannot break out of its attribute", () => {
    const html = renderEmailHtml({ preheader: "", heading: "h", tone: "info", intro: [], facts: [], action: { label: "Go", href: `https://x.example/"><script>alert(1)</script>` }, footer: [] });
    expect(html).not.toContain("<script");
    expect(hrefsOf(html)[0]).toBe("https://x.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
  });

  it("escapeHtml escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  });
});

describe("the drop-off alarm", () => {
  it("names the quiet time in the subject and the last event with how long ago", () => {
    const message = alarmMessage(
      AUDIT_SOURCE,
      { quietSince: new Date("2026-12-01T02:30:00Z"), lastEventReceivedAt: new Date("2026-12-01T02:30:00Z"), thresholdMinutes: 1440, at: AT, lastPulls: [pull("Slack.AuditLogs", "SUCCEEDED", 5)] },
      PUBLIC_URL,
    );
    expect(message.subject).toBe('[Tributary] ALARM: Slack source "Prod audit" has sent no logs for 1 day 2 h');
    expect(message.text).toContain("Last event received: 2026-12-01T02:30:00Z (1 day 2 h ago)");
    expect(message.text).toContain("Log types: Audit logs");
    expect(message.text).toContain("Alarm threshold: no logs for 1 day");
    expect(message.text).toContain("Tributary emails once more when logs arrive again");
  });

  it("says 'never' when no event ever arrived", () => {
    const message = alarmMessage(AUDIT_SOURCE, { quietSince: minutesBefore(120), lastEventReceivedAt: null, thresholdMinutes: 60, at: AT, lastPulls: [] }, PUBLIC_URL);
    expect(message.text).toContain("Last event received: never");
    expect(message.text).toContain("Audit logs, last pull: none yet");
  });

  it("tells pulls that succeed with nothing new from pulls that fail", () => {
    const facts = { quietSince: minutesBefore(180), lastEventReceivedAt: minutesBefore(180), thresholdMinutes: 120, at: AT };
    const quiet = alarmMessage(TEAM_SOURCE, { ...facts, lastPulls: [pull("Slack.AccessLogs", "SUCCEEDED", 5), pull("Slack.IntegrationLogs", "SUCCEEDED", 4)] }, PUBLIC_URL);
    const failing = alarmMessage(
      TEAM_SOURCE,
      { ...facts, lastPulls: [pull("Slack.AccessLogs", "FAILED", 5, { code: "invalid_auth", message: "Slack answered invalid_auth" }), pull("Slack.IntegrationLogs", "SUCCEEDED", 4)] },
      PUBLIC_URL,
    );

    expect(quiet.text).toContain("Access logs, last pull: succeeded at 2026-12-02T04:25:00Z — Slack answered, with nothing new");
    expect(quiet.text).toContain("Tributary's pulls succeed, but Slack has nothing new");
    expect(quiet.text).not.toContain("fail");

    expect(failing.text).toContain("Access logs, last pull: failed at 2026-12-02T04:25:00Z: invalid_auth: Slack answered invalid_auth");
    expect(failing.text).toContain("Integration logs, last pull: succeeded at 2026-12-02T04:26:00Z — Slack answered, with nothing new");
    expect(failing.text).toContain("Pulls of access logs fail");
    expect(failing.text).not.toContain("Tributary's pulls succeed");
    expect(failing.html).toContain("failed at 2026-12-02T04:25:00Z: invalid_auth: Slack answered invalid_auth");
  });

  it("does not claim 'nothing new' for a pull that started before the source went quiet", () => {
    const message = alarmMessage(AUDIT_SOURCE, { quietSince: minutesBefore(180), lastEventReceivedAt: minutesBefore(180), thresholdMinutes: 120, at: AT, lastPulls: [pull("Slack.AuditLogs", "SUCCEEDED", 180)] }, PUBLIC_URL);
    expect(message.text).not.toContain("nothing new");
    expect(message.text).toContain("no pull has run since the source went quiet");
  });
});

describe("recoveries", () => {
  it("the alarm's recovery states the outage and its three times", () => {
    const message = alarmRecoveredMessage(AUDIT_SOURCE, { quietSince: new Date("2026-11-30T01:00:00Z"), recoveredAt: AT, alarmedAt: new Date("2026-12-01T01:00:00Z") }, PUBLIC_URL);
    expect(message.subject).toBe('[Tributary] OK: Slack source "Prod audit" is receiving logs again after 2 days 3 h');
    expect(message.text).toContain("Quiet since: 2026-11-30T01:00:00Z");
    expect(message.text).toContain("Alarm sent: 2026-12-01T01:00:00Z");
    expect(message.text).toContain("Logs arrived again: 2026-12-02T04:30:00Z");
  });

  it("a source stopped by Slack keeps its subjects and wording", () => {
    const { sourceError, sourceRecovered } = everySourceMessage(AUDIT_SOURCE, PUBLIC_URL);
    expect(sourceError.subject).toBe('[Tributary] Slack source "Prod audit" stopped: Slack revoked the access token');
    expect(sourceError.text).toContain("What to do: Re-grant access on the source's page:\nhttps://tributary.example.com/sources/cmww9jbi900185o7d5fp9weop");
    expect(sourceRecovered.subject).toBe('[Tributary] Slack source "Prod audit" is pulling again');
    expect(sourceRecovered.text).toContain("after 1 h 1 min stopped (invalid_auth)");
  });

  it("Tributary's own recovery names what came back and for how long it was gone", () => {
    const { workerBack, pullsBack } = everySystemMessage(PUBLIC_URL);
    expect(workerBack.subject).toBe("[Tributary] SYSTEM OK: worker is running again after 2 h 5 min");
    expect(workerBack.text).toContain("2 drop-off alarms were held meanwhile");
    expect(pullsBack.subject).toBe("[Tributary] SYSTEM OK: sources are pulling again after 45 min");
    expect(pullsBack.text).toContain("nothing Slack keeps is lost");
  });
});

describe("other notices", () => {
  it("a source that never delivered names the subject's wait and the usual causes", () => {
    const message = noDataYetMessage(AUDIT_SOURCE, { watchedSince: minutesBefore(25 * 60), thresholdMinutes: 1440, at: AT, lastPulls: [pull("Slack.AuditLogs", "SUCCEEDED", 5)] }, PUBLIC_URL);
    expect(message.subject).toBe('[Tributary] NO DATA: Slack source "Prod audit" has sent no logs since it was connected 1 day 1 h ago');
    expect(message.text).toContain("installed on one workspace");
    expect(message.text).toContain("succeeded at 2026-12-02T04:25:00Z — Slack answered, with nothing new");
  });

  it("system incidents go to the alarms page and say per-source alarms are held", () => {
    const { workerDown, pullsFailing } = everySystemMessage(PUBLIC_URL);
    expect(workerDown.subject).toBe("[Tributary] SYSTEM: no worker is running");
    expect(pullsFailing.subject).toBe("[Tributary] SYSTEM: no source has pulled successfully since 2026-12-02T03:45:00Z");
    expect(pullsFailing.text).toContain("getaddrinfo ENOTFOUND slack.com");
    expect(workerDown.text).toContain("3 sources are affected. Their drop-off alarms are held meanwhile");
    expect(hrefsOf(workerDown.html)[0]).toBe("https://tributary.example.com/alarms");
  });

  it("the test alarm says who asked and that the alarm is off when it is", () => {
    const message = testAlarmMessage(AUDIT_SOURCE, { requestedBy: "ops@example.com", at: AT, recipients: ["a@example.com"], thresholdMinutes: 90, isEnabled: false }, PUBLIC_URL);
    expect(message.text).toContain("requested by ops@example.com at 2026-12-02T04:30:00Z");
    expect(message.text).toContain("The alarm is off");
    expect(message.text).toContain("Alarm: off");
  });
});
