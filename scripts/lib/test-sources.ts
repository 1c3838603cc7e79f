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
      grant: {
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
      },
    },
    { actor: CLI_ACTOR },
  );
  if (!created.ok) throw new Error(`could not create the test source: ${created.reason}`);
  return { sourceId: created.sourceId, token: token.value, clientId: app.clientId };
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
