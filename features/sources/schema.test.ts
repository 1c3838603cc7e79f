import { describe, expect, it } from "vitest";
import { alarmSettingsSchema, clientIdSchema, clientSecretSchema, describeMinutes, requiredUserScopes, resumeStepOf, sourceConfigSchema, sourceNameKey, sourceNameSchema } from "@/features/sources/schema";

const SOURCE_ID = "cmww9jbi900185o7d5fp9weop";

function firstMessage(result: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) {
  return result.success ? null : { path: result.error!.issues[0]!.path.join("."), message: result.error!.issues[0]!.message };
}

describe("source names", () => {
  it("trims, collapses inner whitespace and counts characters, not bytes", () => {
    expect(sourceNameSchema.parse("  My   Slack\tlogs ")).toBe("My Slack logs");
    expect(sourceNameSchema.parse("é".repeat(64))).toHaveLength(64);
    expect(sourceNameSchema.parse("🦊".repeat(64))).toBe("🦊".repeat(64));
    expect(firstMessage(sourceNameSchema.safeParse("a".repeat(65)))?.message).toBe("Use at most 64 characters");
  });

  it("refuses names with nothing visible or with hidden characters", () => {
    expect(firstMessage(sourceNameSchema.safeParse("   "))?.message).toBe("Enter a name for the source");
    expect(firstMessage(sourceNameSchema.safeParse("prod\u200bslack"))?.message).toContain("Use visible characters only");
    expect(firstMessage(sourceNameSchema.safeParse("prod\u0007"))?.message).toContain("Use visible characters only");
    expect(firstMessage(sourceNameSchema.safeParse("prod\u202eslack"))?.message).toContain("Use visible characters only");
    // Joiners are part of real words and emoji, not hidden text.
    expect(sourceNameSchema.parse("لاگ\u200cهای اسلک")).toBe("لاگ\u200cهای اسلک");
    expect(sourceNameSchema.parse("SOC 👩\u200d💻")).toBe("SOC 👩\u200d💻");
  });

  it("compares names regardless of case and Unicode form", () => {
    expect(sourceNameKey("Slack PROD")).toBe(sourceNameKey("slack prod"));
    expect(sourceNameKey("Cafe\u0301")).toBe(sourceNameKey("Café"));
  });
});

describe("plan and log types", () => {
  const parse = (plan: string, logTypes: string[]) => sourceConfigSchema.safeParse({ name: "Slack", plan, logTypes });

  it("takes audit logs alone on Enterprise Grid, access and integration logs on a paid plan or a grid workspace", () => {
    expect(parse("ENTERPRISE_GRID", ["Slack.AuditLogs"]).data?.logTypes).toEqual(["Slack.AuditLogs"]);
    expect(parse("PAID", ["Slack.IntegrationLogs", "Slack.AccessLogs"]).data?.logTypes).toEqual(["Slack.AccessLogs", "Slack.IntegrationLogs"]);
    expect(parse("ENTERPRISE_GRID", ["Slack.IntegrationLogs"]).data?.logTypes).toEqual(["Slack.IntegrationLogs"]);
  });

  it("explains each combination it refuses", () => {
    expect(firstMessage(parse("FREE", []))).toMatchObject({ path: "plan", message: expect.stringContaining("free plan has no log APIs") });
    expect(firstMessage(parse("PAID", ["Slack.AuditLogs"]))).toEqual({ path: "logTypes", message: "Audit logs need Enterprise Grid" });
    expect(firstMessage(parse("ENTERPRISE_GRID", ["Slack.AuditLogs", "Slack.AccessLogs"]))?.message).toContain("Audit logs need their own source");
    expect(firstMessage(parse("PAID", []))).toEqual({ path: "logTypes", message: "Choose at least one log type" });
    expect(firstMessage(parse("PAID", ["Slack.Messages"]))?.path).toBe("logTypes.0");
    expect(firstMessage(sourceConfigSchema.safeParse({ name: "Slack", logTypes: [] }))).toEqual({ path: "plan", message: "Choose your Slack plan" });
  });

  it("asks Slack for auditlogs:read for audit logs and admin, once, for the others", () => {
    expect(requiredUserScopes(["Slack.AuditLogs"])).toEqual(["auditlogs:read"]);
    expect(requiredUserScopes(["Slack.AccessLogs", "Slack.IntegrationLogs"])).toEqual(["admin"]);
  });
});

describe("app credentials", () => {
  it("accepts Slack's client ID format and says what to copy instead of an app ID or a token", () => {
    expect(clientIdSchema.parse(" 1234567890123.1234567890123 ")).toBe("1234567890123.1234567890123");
    expect(clientIdSchema.safeParse("A0123456789").error?.issues[0]?.message).toContain("two numbers joined by a dot");
    expect(clientIdSchema.safeParse("").error?.issues[0]?.message).toBe("Enter the Client ID");
    expect(clientSecretSchema.safeParse("xoxp-1-2-3").error?.issues[0]?.message).toContain("That is a Slack token");
    expect(clientSecretSchema.safeParse("abc def").error?.issues[0]?.message).toContain("no spaces");
  });
});

describe("drop-off alarm settings", () => {
  const parse = (input: Record<string, unknown>) => alarmSettingsSchema.safeParse({ sourceId: SOURCE_ID, isEnabled: true, thresholdMinutes: 1440, recipients: "a@example.com", ...input });

  it("takes 15 minutes to 30 days", () => {
    expect(parse({ thresholdMinutes: 15 }).success).toBe(true);
    expect(parse({ thresholdMinutes: 43_200 }).success).toBe(true);
    expect(firstMessage(parse({ thresholdMinutes: 14 }))?.message).toBe("The shortest interval is 15 minutes");
    expect(firstMessage(parse({ thresholdMinutes: 43_201 }))?.message).toBe("The longest interval is 30 days");
    expect(firstMessage(parse({ thresholdMinutes: Number.NaN }))?.path).toBe("thresholdMinutes");
  });

  it("splits recipients on commas, semicolons and new lines, drops duplicates, and names a bad address", () => {
    expect(parse({ recipients: "a@example.com, B@example.com;\nb@example.com" }).data?.recipients).toEqual(["a@example.com", "b@example.com"]);
    expect(firstMessage(parse({ recipients: "a@example.com, not-an-email" }))).toEqual({ path: "recipients", message: '"not-an-email" is not an email address' });
    expect(firstMessage(parse({ recipients: "" }))?.message).toBe("Add at least one email address, or turn the alarm off");
    expect(parse({ recipients: "", isEnabled: false }).success).toBe(true);
    expect(firstMessage(parse({ recipients: Array.from({ length: 21 }, (_, index) => `r${index}@example.com`).join(",") }))?.message).toBe("At most 20 recipients");
  });

  it("describes thresholds in the largest whole unit", () => {
    expect(describeMinutes(1440)).toBe("1 day");
    expect(describeMinutes(2160)).toBe("36 hours");
    expect(describeMinutes(90)).toBe("90 minutes");
  });
});

describe("resuming setup", () => {
  it("resumes at the step after the last one finished, and not at all once active", () => {
    expect(resumeStepOf({ status: "DRAFT", credentialsSavedAt: null, grantedAt: null })).toBe("credentials");
    expect(resumeStepOf({ status: "AWAITING_GRANT", credentialsSavedAt: new Date(), grantedAt: null })).toBe("verify");
    expect(resumeStepOf({ status: "AWAITING_GRANT", credentialsSavedAt: new Date(), grantedAt: new Date() })).toBe("alarm");
    expect(resumeStepOf({ status: "ACTIVE", credentialsSavedAt: new Date(), grantedAt: new Date() })).toBeNull();
  });
});
