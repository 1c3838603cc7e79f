import { describe, expect, it } from "vitest";
import { createWorkerMetrics, scheduledDueTime } from "@/lib/metrics/worker";

describe("worker metrics", () => {
  it("counts pulls by source, log type and outcome, events stored, duplicates, quarantines, 429s and errors by code", async () => {
    const metrics = createWorkerMetrics();
    const pull = { sourceId: "src1", logType: "Slack.AuditLogs", stored: 0, duplicates: 0, failures: 0, durationSeconds: 0.4 };
    metrics.observePull({ ...pull, outcome: "SUCCEEDED", stored: 120, duplicates: 7, failures: 2, errorCode: null });
    metrics.observePull({ ...pull, outcome: "SUCCEEDED", stored: 30, errorCode: null });
    metrics.observePull({ ...pull, outcome: "INCOMPLETE", errorCode: "ratelimited", durationSeconds: 3 });
    metrics.observePull({ ...pull, outcome: "FAILED", errorCode: "token_revoked" });
    metrics.observePull({ ...pull, outcome: "INCOMPLETE", errorCode: "rate_budget" });
    metrics.observeScheduleLag("Slack.AuditLogs", 0.3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('tributary_pulls_total{source_id="src1",log_type="Slack.AuditLogs",outcome="SUCCEEDED"} 2');
    expect(text).toContain('tributary_pulls_total{source_id="src1",log_type="Slack.AuditLogs",outcome="FAILED"} 1');
    expect(text).toContain('tributary_events_stored_total{log_type="Slack.AuditLogs"} 150');
    expect(text).toContain('tributary_events_duplicate_total{log_type="Slack.AuditLogs"} 7');
    expect(text).toContain('tributary_classification_failures_total{log_type="Slack.AuditLogs"} 2');
    expect(text).toContain('tributary_slack_rate_limited_total{log_type="Slack.AuditLogs"} 1');
    expect(text).toContain('tributary_pull_errors_total{log_type="Slack.AuditLogs",code="token_revoked"} 1');
    expect(text).not.toContain('code="ratelimited"');
    // Tributary's own pacing is not a fault.
    expect(text).toContain('tributary_pulls_paused_total{log_type="Slack.AuditLogs",reason="rate_budget"} 1');
    expect(text).not.toContain('code="rate_budget"');
    expect(text).toContain('tributary_pull_duration_seconds_count{log_type="Slack.AuditLogs"} 5');
    expect(text).toContain('tributary_pull_duration_seconds_bucket{le="0.5",log_type="Slack.AuditLogs"} 4');
    expect(text).toContain('tributary_schedule_lag_seconds_bucket{le="0.25",log_type="Slack.AuditLogs"} 0');
    expect(text).toContain('tributary_schedule_lag_seconds_bucket{le="0.5",log_type="Slack.AuditLogs"} 1');
  });

  it("reads when a scheduled job was due from its ID, and nothing from other jobs", () => {
    expect(scheduledDueTime("repeat:pull:src1:Slack.AuditLogs:1796219058064")).toBe(1796219058064);
    expect(scheduledDueTime("42")).toBeNull();
    expect(scheduledDueTime(undefined)).toBeNull();
    expect(scheduledDueTime("repeat:pull:src1:Slack.AuditLogs:soon")).toBeNull();
  });
});
