import type { RunningEmulator } from "@/emulator/server";
import { CLI_ACTOR } from "@/features/audit/schema";
import { getLogSchema } from "@/features/events/log-schema";
import { normalizeRecord } from "@/features/events/normalize";
import { accessCombinationKey, integrationEntryKey } from "@/features/pulls/team-logs";
import { createGrantedSource } from "@/features/sources/mutations";
import type { LogType } from "@/features/sources/schema";
import { accessGroundTruth, auditGrantOf, auditGroundTruth, emulatorControl, emulatorWorkspaces, integrationGroundTruth } from "@/scripts/lib/test-sources";

// The chaos run's sources, one per kind of Slack install, and what the emulator says each should
// hold: every log type on its own key, the same key Tributary stores it under (its dedupe key).

export type ChaosPair = { sourceId: string; name: string; logType: LogType; teamId: string | null };

export const ALARM_RECIPIENT = "soc@chaos.test";
/** Longer than any single fault lasts; a source that went quiet this long while Slack kept talking would be a real miss. */
export const ALARM_THRESHOLD_MINUTES = 2;

async function createSource(slack: RunningEmulator, options: { name: string; plan: "ENTERPRISE_GRID" | "PAID"; logTypes: LogType[]; teamId: string | null }) {
  const isAudit = options.logTypes.includes("Slack.AuditLogs");
  const app = await emulatorControl<{ clientId: string; clientSecret: string }>(slack, "/apps", {
    name: `Chaos ${options.name}`,
    redirectUrls: ["http://127.0.0.1/api/oauth/slack/callback"],
    userScopes: [isAudit ? "auditlogs:read" : "admin"],
    botScopes: [],
  });
  const token = await emulatorControl<{ value: string; userId: string; enterpriseId: string }>(
    slack,
    "/tokens",
    isAudit ? { clientId: app.clientId, isEnterpriseInstall: true } : { clientId: app.clientId, teamId: options.teamId, scopes: ["admin"] },
  );
  const grant = isAudit
    ? auditGrantOf(token)
    : { ...auditGrantOf(token), scopes: ["admin"], teamId: options.teamId, enterpriseId: null, isEnterpriseInstall: false };
  const created = await createGrantedSource(
    {
      config: { name: options.name, plan: options.plan, logTypes: options.logTypes, backfillMinutes: 60 },
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      alarm: { isEnabled: true, thresholdMinutes: ALARM_THRESHOLD_MINUTES, recipients: [ALARM_RECIPIENT] },
      grant,
    },
    { actor: CLI_ACTOR },
  );
  if (!created.ok) throw new Error(`could not create the chaos source ${options.name}: ${created.reason}`);
  return options.logTypes.map((logType): ChaosPair => ({ sourceId: created.sourceId, name: options.name, logType, teamId: options.teamId }));
}

/** An Enterprise Grid org's audit logs, and the access and integration logs of two workspaces (one in the grid, one on a paid plan). */
export async function createChaosSources(slack: RunningEmulator): Promise<ChaosPair[]> {
  const workspaces = await emulatorWorkspaces(slack);
  const paid = workspaces.find((workspace) => workspace.plan === "paid");
  const gridWorkspace = workspaces.find((workspace) => workspace.plan === "enterprise");
  if (!paid || !gridWorkspace) throw new Error("the emulator's world has no paid or grid workspace");
  const teamLogs: LogType[] = ["Slack.AccessLogs", "Slack.IntegrationLogs"];
  return [
    ...(await createSource(slack, { name: "Northwind org (audit)", plan: "ENTERPRISE_GRID", logTypes: ["Slack.AuditLogs"], teamId: null })),
    ...(await createSource(slack, { name: `${paid.name} (access, integrations)`, plan: "PAID", logTypes: teamLogs, teamId: paid.id })),
    ...(await createSource(slack, { name: `${gridWorkspace.name} (access, integrations)`, plan: "ENTERPRISE_GRID", logTypes: teamLogs, teamId: gridWorkspace.id })),
  ];
}

/** The keys the emulator says this pair's source must hold, once each. */
export async function expectedKeys(slack: RunningEmulator, pair: ChaosPair): Promise<string[]> {
  if (pair.logType === "Slack.AuditLogs") return (await auditGroundTruth(slack)).map((event) => event.id);
  if (pair.logType === "Slack.AccessLogs") return (await accessGroundTruth(slack, pair.teamId!)).map((row) => accessCombinationKey(row as unknown as Record<string, unknown>)!);
  const schema = getLogSchema("Slack.IntegrationLogs")!;
  return (await integrationGroundTruth(slack, pair.teamId!)).map((entry) => {
    const normalized = normalizeRecord(schema, entry.entry, { parseTime: new Date() });
    if (!normalized.ok) throw new Error(`the emulator served an integration entry Tributary cannot read: ${normalized.reason}`);
    return integrationEntryKey(normalized.event);
  });
}
