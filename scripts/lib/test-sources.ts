import type { RunningEmulator } from "@/emulator/server";
import { CLI_ACTOR } from "@/features/audit/schema";
import { createGrantedSource } from "@/features/sources/mutations";
import { ALARM_DEFAULT_MINUTES, type LogType } from "@/features/sources/schema";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Granted, active sources for tests of the pull engine: an app registered in the emulator, a token
// minted without the OAuth dance, and the source stored the way `tributary sources add-slack` does.

async function control<T>(slack: RunningEmulator, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${slack.controlUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** What an organization install of an audit-logs app tells Tributary, for a token minted by the emulator. */
export function auditGrantOf(token: { value: string; userId: string; enterpriseId: string }) {
  return {
    accessToken: token.value,
    scopes: ["auditlogs:read"],
    teamId: null,
    teamName: null,
    enterpriseId: token.enterpriseId,
    enterpriseName: null,
    isEnterpriseInstall: true,
    slackUrl: null,
    installerUserId: token.userId,
    installerName: null,
  };
}

export async function createAuditSource(slack: RunningEmulator, options: { backfillMinutes?: number; name?: string } = {}) {
  const app = await control<{ clientId: string; clientSecret: string }>(slack, "/apps", {
    name: `Pull test ${uniqueSuffix()}`,
    redirectUrls: ["http://127.0.0.1/api/oauth/slack/callback"],
    userScopes: ["auditlogs:read"],
    botScopes: [],
  });
  const token = await control<{ value: string; userId: string; enterpriseId: string }>(slack, "/tokens", { clientId: app.clientId, isEnterpriseInstall: true });
  const logTypes: LogType[] = ["Slack.AuditLogs"];
  const created = await createGrantedSource(
    {
      config: { name: options.name ?? `Audit ${uniqueSuffix()}`, plan: "ENTERPRISE_GRID", logTypes, backfillMinutes: options.backfillMinutes ?? 24 * 60 },
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      alarm: { isEnabled: false, thresholdMinutes: ALARM_DEFAULT_MINUTES, recipients: [] },
      grant: auditGrantOf(token),
    },
    { actor: CLI_ACTOR },
  );
  if (!created.ok) throw new Error(`could not create the test source: ${created.reason}`);
  return { sourceId: created.sourceId, token: token.value, clientId: app.clientId };
}

type WorldWorkspace = { id: string; name: string; plan: "enterprise" | "paid" | "free"; enterpriseId: string | null; owner: string };

/** The emulator's workspaces: one of each plan ("enterprise" ones are in the grid). */
export async function emulatorWorkspaces(slack: RunningEmulator): Promise<WorldWorkspace[]> {
  const response = await fetch(slack.controlUrl);
  return ((await response.json()) as { workspaces: WorldWorkspace[] }).workspaces;
}

/**
 * A source of access and/or integration logs of one workspace, granted with a workspace install.
 * `plan` picks the emulator's workspace (the free one answers paid_only); `scopes` overrides the
 * granted scopes (none: missing_scope). `alarmRecipients` receive the notices of an error.
 */
export async function createTeamLogsSource(
  slack: RunningEmulator,
  options: { logTypes: LogType[]; plan?: "paid" | "enterprise" | "free"; scopes?: string[]; backfillMinutes?: number; alarmRecipients?: string[]; name?: string },
) {
  const workspaces = await emulatorWorkspaces(slack);
  const workspace = workspaces.find((candidate) => candidate.plan === (options.plan ?? "paid"));
  if (!workspace) throw new Error(`the emulator has no ${options.plan} workspace`);
  const app = await control<{ clientId: string; clientSecret: string }>(slack, "/apps", {
    name: `Team logs test ${uniqueSuffix()}`,
    redirectUrls: ["http://127.0.0.1/api/oauth/slack/callback"],
    userScopes: ["admin"],
    botScopes: [],
  });
  const scopes = options.scopes ?? ["admin"];
  const token = await control<{ value: string; userId: string }>(slack, "/tokens", { clientId: app.clientId, teamId: workspace.id, scopes });
  const created = await createGrantedSource(
    {
      config: { name: options.name ?? `Team logs ${uniqueSuffix()}`, plan: workspace.plan === "enterprise" ? "ENTERPRISE_GRID" : "PAID", logTypes: options.logTypes, backfillMinutes: options.backfillMinutes ?? 30 * 24 * 60 },
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      alarm: { isEnabled: true, thresholdMinutes: ALARM_DEFAULT_MINUTES, recipients: options.alarmRecipients ?? [] },
      grant: {
        accessToken: token.value,
        scopes,
        teamId: workspace.id,
        teamName: workspace.name,
        enterpriseId: workspace.enterpriseId,
        enterpriseName: null,
        isEnterpriseInstall: false,
        slackUrl: null,
        installerUserId: token.userId,
        installerName: null,
      },
    },
    { actor: CLI_ACTOR },
  );
  if (!created.ok) throw new Error(`could not create the test source: ${created.reason}`);
  return { sourceId: created.sourceId, token: token.value, clientId: app.clientId, teamId: workspace.id, userId: token.userId };
}

export async function emulatorControl<T>(slack: RunningEmulator, path: string, body: unknown = {}): Promise<T> {
  return control<T>(slack, path, body);
}

type AuditTruth = { total: number; events: { id: string; date_create: number; served: boolean }[] };

/** Every audit event the emulator holds in [oldest, latest], newest first (all of them, bulk included). */
export async function auditGroundTruth(slack: RunningEmulator, window: { oldest?: number; latest?: number } = {}): Promise<AuditTruth["events"]> {
  const events: AuditTruth["events"] = [];
  for (let offset = 0; ; ) {
    const query = new URLSearchParams({ kind: "audit", offset: String(offset), limit: "100000" });
    if (window.oldest !== undefined) query.set("oldest", String(window.oldest));
    if (window.latest !== undefined) query.set("latest", String(window.latest));
    const response = await fetch(`${slack.controlUrl}/ground-truth?${query}`);
    const page = (await response.json()) as AuditTruth;
    events.push(...page.events);
    offset += page.events.length;
    if (page.events.length === 0 || offset >= page.total) return events;
  }
}

export type AccessTruthRow = { teamId: string; user_id: string; username: string; date_first: number; date_last: number; count: number; ip: string | null; user_agent: string };

/** Every access-log combination the emulator holds for a workspace, as it stands now. */
export async function accessGroundTruth(slack: RunningEmulator, teamId: string): Promise<AccessTruthRow[]> {
  const response = await fetch(`${slack.controlUrl}/ground-truth?kind=access&team=${encodeURIComponent(teamId)}`);
  return ((await response.json()) as { rows: AccessTruthRow[] }).rows;
}

export type IntegrationTruthEntry = { teamId: string; key: string; date: number; change_type: string; entry: Record<string, unknown> };

/** Every integration-log entry the emulator holds for a workspace, newest first, exactly as served. */
export async function integrationGroundTruth(slack: RunningEmulator, teamId: string): Promise<IntegrationTruthEntry[]> {
  const response = await fetch(`${slack.controlUrl}/ground-truth?kind=integration&team=${encodeURIComponent(teamId)}`);
  return ((await response.json()) as { entries: IntegrationTruthEntry[] }).entries;
}
