import { describe, expect, it } from "vitest";
import { describeSlackFailure } from "@/features/pulls/pull-end";
import { explainSlackError } from "@/features/pulls/slack-errors";

describe("Slack errors explained", () => {
  it("stops the source for token, scope and plan refusals, with the fix an operator can apply", () => {
    const cases: [string, string, string | null][] = [
      ["token_revoked", "access", "regrant"],
      ["invalid_auth", "access", "regrant"],
      ["account_inactive", "access", "regrant"],
      ["missing_scope", "permissions", "regrant"],
      ["paid_only", "plan", "upgrade_plan"],
    ];
    for (const [code, kind, fix] of cases) {
      expect(explainSlackError(code, { logType: "Slack.AccessLogs" }), code).toMatchObject({ kind, fix, isSourceError: true });
    }
    // Audit logs refused for the install target or the plan: install on the organization.
    expect(explainSlackError("not_allowed_token_type", { logType: "Slack.AuditLogs" })).toMatchObject({ kind: "permissions", fix: "reinstall_on_org" });
    expect(explainSlackError("feature_not_enabled", { logType: "Slack.AuditLogs" })).toMatchObject({ kind: "plan", fix: "reinstall_on_org" });
  });

  it("retries request errors at once and unknown codes at the next interval, without stopping the source", () => {
    expect(describeSlackFailure({ kind: "slack_error", error: "invalid_cursor", status: 400 }, { logType: "Slack.AuditLogs", method: "audit/v1/logs" })).toMatchObject({
      outcome: "FAILED",
      retry: { afterSeconds: 0 },
    });
    const unknown = describeSlackFailure({ kind: "slack_error", error: "brand_new_error" }, { logType: "Slack.AccessLogs", method: "team.accessLogs" });
    expect(unknown).toMatchObject({ retry: null });
    expect(unknown.sourceError).toBeUndefined();
    expect(unknown.error).toContain("brand_new_error");
  });

  it("names the scope needed and the scopes granted", () => {
    const failure = describeSlackFailure({ kind: "slack_error", error: "missing_scope", needed: "admin", provided: "" }, { logType: "Slack.IntegrationLogs", method: "team.integrationLogs" });
    expect(failure.error).toContain("The token is missing the admin scope");
    expect(failure.error).toContain("(Slack said team.integrationLogs: missing_scope; needed: admin; granted: none.)");
    expect(failure.sourceError).toEqual({ code: "missing_scope", detail: "team.integrationLogs: missing_scope; needed: admin; granted: none", needed: "admin", provided: "" });
  });
});
