import { describe, expect, it } from "vitest";
import { evaluateSourceHealth, type HealthFacts } from "@/features/sources/health";

const NOW = new Date("2026-11-25T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const healthy: HealthFacts = {
  status: "ACTIVE",
  activatedAt: minutesAgo(600),
  pausedAt: null,
  clientId: "1.2",
  grantedClientId: "1.2",
  errorCode: null,
  errorDetail: null,
  errorLogType: null,
  errorSince: null,
  nextRetryAt: null,
  clientCredentialsError: null,
  lastSuccessfulPullAt: minutesAgo(1),
  lastEventReceivedAt: minutesAgo(30),
  alarmThresholdMinutes: 60,
  recentFailures: { count: 0, latestReason: null, latestLogType: null },
  pullIntervalSeconds: 60,
};

const failing = (facts: Partial<HealthFacts>) =>
  evaluateSourceHealth({ ...healthy, ...facts }, NOW)
    .checks.filter((check) => !check.healthy)
    .map((check) => check.id);

describe("source health", () => {
  it("is healthy only when every check is", () => {
    const health = evaluateSourceHealth(healthy, NOW);
    expect(health.healthy).toBe(true);
    expect(health.checks.map((check) => check.id)).toEqual(["credentials", "permissions", "last_pull", "last_event", "classification"]);
    expect(failing({ lastEventReceivedAt: minutesAgo(61) })).toEqual(["last_event"]);
    expect(evaluateSourceHealth({ ...healthy, lastEventReceivedAt: minutesAgo(61) }, NOW).healthy).toBe(false);
  });

  it("puts each Slack refusal under the check it belongs to, with the raw error and the fix", () => {
    const revoked = evaluateSourceHealth({ ...healthy, status: "ERROR", errorCode: "token_revoked", errorDetail: "audit/v1/logs: HTTP 401 token_revoked", errorLogType: "Slack.AuditLogs", nextRetryAt: new Date("2026-11-25T12:40:00Z") }, NOW);
    const credentials = revoked.checks.find((check) => check.id === "credentials")!;
    expect(credentials).toMatchObject({ healthy: false, fix: "regrant", rawError: "audit/v1/logs: HTTP 401 token_revoked" });
    expect(credentials.message).toContain("tries again at 12:40 UTC");
    expect(failing({ status: "ERROR", errorCode: "missing_scope", errorLogType: "Slack.AccessLogs" })).toEqual(["permissions"]);
    expect(failing({ status: "ERROR", errorCode: "paid_only", errorLogType: "Slack.AccessLogs" })).toEqual(["permissions"]);
    // A regenerated client secret turns the fix into rotating credentials first.
    const rotated = evaluateSourceHealth({ ...healthy, status: "ERROR", errorCode: "token_revoked", errorLogType: "Slack.AuditLogs", clientCredentialsError: "bad_client_secret" }, NOW);
    expect(rotated.checks.find((check) => check.id === "credentials")!.fix).toBe("rotate_credentials");
  });

  it("does not call a new source unhealthy before its first pull is due, nor a paused one for being quiet", () => {
    expect(failing({ activatedAt: minutesAgo(2), lastSuccessfulPullAt: null, lastEventReceivedAt: null })).toEqual([]);
    expect(failing({ activatedAt: minutesAgo(120), lastSuccessfulPullAt: null, lastEventReceivedAt: null })).toEqual(["last_pull", "last_event"]);
    expect(failing({ status: "PAUSED", pausedAt: minutesAgo(500), lastSuccessfulPullAt: minutesAgo(500), lastEventReceivedAt: minutesAgo(500) })).toEqual([]);
    expect(failing({ lastSuccessfulPullAt: minutesAgo(11) })).toEqual(["last_pull"]);
  });

  it("reports records that did not match the schema in the last hour, with the latest reason", () => {
    const health = evaluateSourceHealth({ ...healthy, recentFailures: { count: 3, latestReason: "actor.user.id: required field is missing", latestLogType: "Slack.AuditLogs" } }, NOW);
    const check = health.checks.find((candidate) => candidate.id === "classification")!;
    expect(check).toMatchObject({ healthy: false, rawError: "actor.user.id: required field is missing" });
    expect(check.message).toContain("3 records in the last hour did not match Slack.AuditLogs's schema");
  });
});
