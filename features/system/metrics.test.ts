import { describe, expect, it } from "vitest";
import { scrapeWebMetrics } from "@/features/system/metrics";
import { db } from "@/lib/db";
import { isolatedDatabaseForThisFile } from "@/scripts/lib/test-databases";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// The web's fleet metrics against a database of their own, so every count is known.
isolatedDatabaseForThisFile("metrics");

const sample = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);

async function source(status: "ACTIVE" | "PAUSED" | "ERROR", alarmState: "OK" | "ALARM" | null) {
  const name = `Metrics ${uniqueSuffix()}`;
  await db.source.create({ data: { name, nameKey: name.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"], status, alarmState } });
}

describe("the web's fleet metrics", () => {
  it("count sources by status and alarm state, the outbox, open incidents and live workers, and read 0 once a state empties", async () => {
    await source("ACTIVE", "OK");
    await source("ACTIVE", "ALARM");
    await source("ERROR", "ALARM");
    await source("PAUSED", null);
    const base = { kind: "alarm", recipients: ["soc@example.com"], subject: "s", textBody: "t" };
    await db.notification.createMany({
      data: [
        { ...base, dedupeKey: `pending-${uniqueSuffix()}` },
        { ...base, dedupeKey: `retrying-${uniqueSuffix()}`, attempts: 2, lastError: "450 mailbox busy" },
        { ...base, dedupeKey: `sent-${uniqueSuffix()}`, attempts: 1, sentAt: new Date() },
      ],
    });
    await db.systemIncident.create({ data: { kind: "pulls_failing", startedAt: new Date(), detail: "No source pulls" } });

    const { contentType, text } = await scrapeWebMetrics();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'tributary_sources{status="ACTIVE"}')).toBe(2);
    expect(sample(text, 'tributary_sources{status="ERROR"}')).toBe(1);
    expect(sample(text, 'tributary_sources{status="PAUSED"}')).toBe(1);
    expect(sample(text, 'tributary_alarm_sources{state="ALARM"}')).toBe(2);
    expect(sample(text, 'tributary_alarm_sources{state="OK"}')).toBe(1);
    expect(sample(text, 'tributary_notifications{state="pending"}')).toBe(1);
    expect(sample(text, 'tributary_notifications{state="retrying"}')).toBe(1);
    expect(sample(text, 'tributary_notifications{state="sent"}')).toBe(1);
    expect(sample(text, 'tributary_open_incidents{kind="pulls_failing"}')).toBe(1);
    expect(sample(text, "tributary_workers_alive")).toBe(0);
    // Redis answers (the shared test Redis): the queue counts are there.
    expect(sample(text, "tributary_queue_up")).toBe(1);
    expect(sample(text, 'tributary_queue_jobs{queue="pulls",state="failed"}')).toBeGreaterThanOrEqual(0);

    // Every source recovers: the ALARM series is gone rather than stuck at its last value.
    await db.source.updateMany({ where: { alarmState: "ALARM" }, data: { alarmState: "OK" } });
    const after = (await scrapeWebMetrics()).text;
    expect(sample(after, 'tributary_alarm_sources{state="OK"}')).toBe(3);
    expect(after).not.toContain('tributary_alarm_sources{state="ALARM"}');
  });
});
