import { describe, expect, it } from "vitest";
import type { LogType } from "@/features/sources/schema";
import { SLACK_PLAN_HELP, slackAppSetupSteps, type SetupStep } from "@/features/wizard/instructions";

const REDIRECT_URL = "https://tributary.example.com/api/slack/oauth/callback";
const AUDIT: LogType[] = ["Slack.AuditLogs"];
const ACCESS_AND_INTEGRATION: LogType[] = ["Slack.AccessLogs", "Slack.IntegrationLogs"];

const stepsFor = (logTypes: readonly LogType[], redirectUrl = REDIRECT_URL) => slackAppSetupSteps(logTypes, { redirectUrl });
const textOf = (steps: SetupStep[]) => steps.map((step) => `${step.title}\n${step.detail ?? ""}`).join("\n\n");
const indexOfStep = (steps: SetupStep[], title: RegExp) => steps.findIndex((step) => title.test(step.title));

describe("slackAppSetupSteps", () => {
  it("asks for an organization owner for audit logs and a workspace admin or owner otherwise", () => {
    expect(stepsFor(AUDIT)[0]?.title).toMatch(/owner of the Enterprise organization/);
    expect(stepsFor(ACCESS_AND_INTEGRATION)[0]?.title).toMatch(/admin or owner of the workspace/);
  });

  it("gives the redirect URL to enter", () => {
    for (const logTypes of [AUDIT, ACCESS_AND_INTEGRATION]) {
      const redirectStep = stepsFor(logTypes).find((step) => /Redirect URL/.test(step.title));
      expect(redirectStep?.detail).toContain(REDIRECT_URL);
      expect(redirectStep?.detail).toContain("Save URLs");
    }
  });

  it("names auditlogs:read for audit logs and admin for access and integration logs", () => {
    const scopeStepOf = (logTypes: readonly LogType[]) => stepsFor(logTypes).filter((step) => /user token scope/.test(step.title));

    const [auditScopeStep, ...otherAuditScopeSteps] = scopeStepOf(AUDIT);
    expect(otherAuditScopeSteps).toEqual([]);
    expect(auditScopeStep?.title).toBe("Add the auditlogs:read user token scope");
    expect(auditScopeStep?.detail).toContain("User Token Scopes");
    expect(auditScopeStep?.detail).toContain("add auditlogs:read.");

    const [workspaceScopeStep, ...otherWorkspaceScopeSteps] = scopeStepOf(ACCESS_AND_INTEGRATION);
    expect(otherWorkspaceScopeSteps).toEqual([]);
    expect(workspaceScopeStep?.title).toBe("Add the admin user token scope");
    expect(workspaceScopeStep?.detail).toContain("add admin.");
    expect(textOf(stepsFor(ACCESS_AND_INTEGRATION))).not.toContain("auditlogs:read");
  });

  it("includes public distribution, after the scopes, only for audit logs", () => {
    const auditSteps = stepsFor(AUDIT);
    const checklist = indexOfStep(auditSteps, /distribution checklist/);
    const activate = indexOfStep(auditSteps, /Activate Public Distribution/);
    expect(checklist).toBeGreaterThan(indexOfStep(auditSteps, /user token scope/));
    expect(activate).toBe(checklist + 1);
    for (const item of ["Enable Features & Functionality", "Add OAuth Redirect URLs", "Remove Hard Coded Information", "Use HTTPS For Your Features"]) {
      expect(auditSteps[checklist]?.detail).toContain(item);
    }
    expect(auditSteps[activate]?.detail).toContain("does not make the app available to other organizations");

    for (const logTypes of [ACCESS_AND_INTEGRATION, ["Slack.AccessLogs"], ["Slack.IntegrationLogs"]] satisfies LogType[][]) {
      const text = textOf(stepsFor(logTypes));
      expect(text).not.toContain("Manage Distribution");
      expect(text).not.toContain("Public Distribution");
    }
  });

  it("warns about plain HTTP only where Slack checks for HTTPS", () => {
    const httpUrl = "http://tributary.internal/api/slack/oauth/callback";
    expect(textOf(stepsFor(AUDIT, httpUrl))).toContain("starts with http://");
    expect(textOf(stepsFor(AUDIT))).not.toContain("starts with http://");
    expect(textOf(stepsFor(ACCESS_AND_INTEGRATION, httpUrl))).not.toContain("starts with http://");
  });

  it("ends with the credentials to copy and warns against the look-alike secrets", () => {
    for (const logTypes of [AUDIT, ACCESS_AND_INTEGRATION]) {
      const last = stepsFor(logTypes).at(-1);
      expect(last?.title).toBe("Copy the Client ID and Client Secret");
      expect(last?.detail).toContain("Basic Information");
      expect(last?.detail).toMatch(/Do not copy the Signing Secret or the Verification Token/);
    }
  });

  it("offers the manifest and from scratch, with the default app name", () => {
    const createStep = stepsFor(AUDIT).find((step) => step.title === "Create a new Slack app");
    expect(createStep?.detail).toContain("https://api.slack.com/apps");
    expect(createStep?.detail).toContain("From an app manifest");
    expect(createStep?.detail).toContain("From scratch");
    expect(createStep?.detail).toContain('"Tributary audit logs"');
  });

  it("is plain text", () => {
    for (const logTypes of [AUDIT, ACCESS_AND_INTEGRATION]) expect(textOf(stepsFor(logTypes))).not.toMatch(/<[a-z/]|\*\*|`/i);
    expect(SLACK_PLAN_HELP).not.toMatch(/<[a-z/]|\*\*|`/i);
  });

  it("refuses an empty selection", () => {
    expect(() => stepsFor([])).toThrow(/at least one log type/);
  });
});

describe("SLACK_PLAN_HELP", () => {
  it("tells where to look for the plan", () => {
    expect(SLACK_PLAN_HELP).toContain("top left");
    expect(SLACK_PLAN_HELP).toContain("Enterprise Grid");
    expect(SLACK_PLAN_HELP).toContain("Billing");
  });
});
