import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { LogType } from "@/features/sources/schema";
import {
  buildSlackAppManifest,
  defaultSlackAppName,
  manifestAsJson,
  manifestAsYaml,
  normalizeSlackAppName,
  SLACK_APP_NAME_MAX_LENGTH,
} from "@/features/wizard/manifest";

const REDIRECT_URL = "https://tributary.example.com/api/slack/oauth/callback";
const AUDIT: LogType[] = ["Slack.AuditLogs"];
const ACCESS_AND_INTEGRATION: LogType[] = ["Slack.AccessLogs", "Slack.IntegrationLogs"];

const manifestFor = (logTypes: readonly LogType[], appName = "Tributary", redirectUrl = REDIRECT_URL) =>
  buildSlackAppManifest({ appName, redirectUrl, logTypes });

describe("buildSlackAppManifest", () => {
  it("asks only for auditlogs:read for audit logs", () => {
    expect(manifestFor(AUDIT).oauth_config.scopes.user).toEqual(["auditlogs:read"]);
  });

  it("asks for admin once for access and integration logs together", () => {
    expect(manifestFor(ACCESS_AND_INTEGRATION).oauth_config.scopes.user).toEqual(["admin"]);
    expect(manifestFor(["Slack.IntegrationLogs"]).oauth_config.scopes.user).toEqual(["admin"]);
  });

  it("asks for no bot scope and has no bot user", () => {
    for (const logTypes of [AUDIT, ACCESS_AND_INTEGRATION]) {
      const manifest = manifestFor(logTypes);
      expect(Object.keys(manifest.oauth_config.scopes)).toEqual(["user"]);
      expect(manifest).not.toHaveProperty("features");
    }
  });

  it("registers the redirect URL exactly as given", () => {
    const redirectUrl = "https://logs.example.com:8443/tributary/api/slack/oauth/callback";
    expect(manifestFor(AUDIT, "Tributary", redirectUrl).oauth_config.redirect_urls).toEqual([redirectUrl]);
  });

  it("turns token rotation and socket mode off", () => {
    for (const logTypes of [AUDIT, ACCESS_AND_INTEGRATION]) {
      const { settings } = manifestFor(logTypes);
      expect(settings.token_rotation_enabled).toBe(false);
      expect(settings.socket_mode_enabled).toBe(false);
    }
  });

  it("makes the app installable on the organization for audit logs only", () => {
    expect(manifestFor(AUDIT).settings.org_deploy_enabled).toBe(true);
    expect(manifestFor(ACCESS_AND_INTEGRATION).settings.org_deploy_enabled).toBe(false);
    expect(manifestFor(["Slack.AccessLogs"]).settings.org_deploy_enabled).toBe(false);
  });

  it("targets manifest version 1 and keeps the description within Slack's limit", () => {
    const manifest = manifestFor(["Slack.AuditLogs", "Slack.AccessLogs", "Slack.IntegrationLogs"]);
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
    expect(manifest.display_information.description).toContain("audit logs");
    expect(manifest.display_information.description.length).toBeLessThanOrEqual(140);
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it("refuses to build an app that would pull nothing", () => {
    expect(() => manifestFor([])).toThrow(/at least one log type/);
  });
});

describe("app name", () => {
  it("defaults to a name that says which logs the app pulls", () => {
    expect(defaultSlackAppName(AUDIT)).toBe("Tributary audit logs");
    expect(defaultSlackAppName(["Slack.AccessLogs"])).toBe("Tributary access logs");
    expect(defaultSlackAppName(["Slack.IntegrationLogs"])).toBe("Tributary integration logs");
    expect(defaultSlackAppName(ACCESS_AND_INTEGRATION)).toBe("Tributary access & integration logs");
  });

  it("keeps every default within Slack's limit", () => {
    const combinations: LogType[][] = [AUDIT, ACCESS_AND_INTEGRATION, ["Slack.AuditLogs", "Slack.AccessLogs", "Slack.IntegrationLogs"], []];
    for (const logTypes of combinations) expect(defaultSlackAppName(logTypes).length).toBeLessThanOrEqual(SLACK_APP_NAME_MAX_LENGTH);
  });

  it("cuts a long name to 35 characters", () => {
    const name = manifestFor(AUDIT, "Tributary security monitoring for the whole organization").display_information.name;
    expect(name).toBe("Tributary security monitoring for");
    expect(name.length).toBeLessThanOrEqual(35);
  });

  it("cuts a single long word at exactly 35 characters", () => {
    expect(normalizeSlackAppName("x".repeat(50), AUDIT)).toBe("x".repeat(35));
    expect(normalizeSlackAppName(`Tributary ${"y".repeat(40)}`, AUDIT)).toBe(`Tributary ${"y".repeat(25)}`);
  });

  it("never splits an emoji in half at the limit", () => {
    const name = normalizeSlackAppName(`${"a".repeat(34)}🔒 logs`, AUDIT);
    expect(name).toBe("a".repeat(34));
  });

  it("puts a pasted multi-line name on one line and falls back to the default when blank", () => {
    expect(normalizeSlackAppName("  Tributary\n\taudit  ", AUDIT)).toBe("Tributary audit");
    expect(normalizeSlackAppName(" \n ", ACCESS_AND_INTEGRATION)).toBe("Tributary access & integration logs");
  });
});

describe("manifest as JSON and YAML", () => {
  const HOSTILE_NAMES = [
    "Tributary: audit # logs",
    "- Tributary",
    `"quoted" 'single'`,
    "no",
    "on",
    "1:30",
    "0x1F",
    "null",
    "*alias & [flow] {map}",
    "Überwachung 🔒 logs",
    "% ! @ ` | >",
  ];
  const HOSTILE_URL = "https://example.com/callback?a=1&b=#frag: x, 'y' \"z\"";

  it("round-trips through JSON", () => {
    const manifest = manifestFor(AUDIT);
    const json = manifestAsJson(manifest);
    expect(JSON.parse(json)).toEqual(manifest);
    expect(json).toContain('\n  "display_information": {\n    "name": "Tributary",');
  });

  it.each(HOSTILE_NAMES)("round-trips the name %j through YAML and JSON", (appName) => {
    const manifest = manifestFor(AUDIT, appName, HOSTILE_URL);
    expect(manifest.display_information.name).toBe(appName);
    expect(parse(manifestAsYaml(manifest))).toEqual(manifest);
    expect(JSON.parse(manifestAsJson(manifest))).toEqual(manifest);
  });

  it("reads back as strings, not booleans or numbers, under YAML 1.1 too", () => {
    const manifest = manifestFor(ACCESS_AND_INTEGRATION, "yes");
    const asYaml11 = parse(manifestAsYaml(manifest), { version: "1.1" }) as typeof manifest;
    expect(asYaml11.display_information.name).toBe("yes");
    expect(asYaml11.settings.token_rotation_enabled).toBe(false);
  });

  it("keeps a long redirect URL on one line", () => {
    const redirectUrl = `https://tributary.example.com/${"x".repeat(150)}/callback`;
    const yaml = manifestAsYaml(manifestFor(AUDIT, "Tributary", redirectUrl));
    expect(yaml.split("\n")).toContain(`    - "${redirectUrl}"`);
  });
});
