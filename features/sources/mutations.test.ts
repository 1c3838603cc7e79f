import { describe, expect, it } from "vitest";
import type { AuditContext } from "@/features/audit/schema";
import { listPullTargets } from "@/features/sources/data";
import { activateSource, createSource, recordGrant, saveCredentials, saveSource, updateSourceConfig } from "@/features/sources/mutations";
import { db } from "@/lib/db";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Source changes against the real database: what the wizard relies on when two people, or two
// tabs, work on sources at once.

async function adminAudit(): Promise<AuditContext> {
  const email = `sources-${uniqueSuffix()}@example.test`;
  const user = await db.user.create({ data: { email, name: email, role: "ADMIN", passwordHash: "scrypt$placeholder" }, select: { id: true } });
  return { actor: { id: user.id, label: email } };
}

const GRANT = {
  validatedLogTypes: ["Slack.AccessLogs", "Slack.IntegrationLogs"],
  clientId: "1111.2222",
  accessToken: "xoxp-test-token",
  scopes: ["admin"],
  teamId: "T0000000001",
  teamName: "Globex",
  enterpriseId: null,
  enterpriseName: null,
  isEnterpriseInstall: false,
  slackUrl: null,
  installerUserId: "U0000000001",
  installerName: "owner",
};

describe("sources", () => {
  it("keeps names unique regardless of case, also when renaming", async () => {
    const audit = await adminAudit();
    const name = `Unique ${uniqueSuffix()}`;
    const first = await createSource({ name, plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: 1440 }, audit);
    expect(first.ok).toBe(true);
    expect(await createSource({ name: name.toUpperCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: 1440 }, audit)).toEqual({ ok: false, reason: "name_taken" });
    const second = await createSource({ name: `${name} two`, plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: 1440 }, audit);
    if (!second.ok) throw new Error(second.reason);
    expect(await updateSourceConfig(second.sourceId, { name: name.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: 1440 }, audit)).toEqual({ ok: false, reason: "name_taken" });
  });

  it("moves only forward: no Save Source without a secret, no plan change after the grant, no activation before it", async () => {
    const audit = await adminAudit();
    const created = await createSource({ name: `Steps ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs", "Slack.IntegrationLogs"], backfillMinutes: 1440 }, audit);
    if (!created.ok) throw new Error(created.reason);
    const { sourceId } = created;
    const alarm = { isEnabled: true, thresholdMinutes: 60, recipients: ["soc@example.com"] };

    expect(await saveSource(sourceId, audit)).toEqual({ ok: false, reason: "secret_missing" });
    expect(await saveCredentials(sourceId, { clientId: "1111.2222", clientSecret: null }, audit)).toEqual({ ok: false, reason: "secret_missing" });
    expect(await saveCredentials(sourceId, { clientId: "1111.2222", clientSecret: "f".repeat(32) }, audit)).toEqual({ ok: true, droppedGrant: null });
    expect(await saveSource(sourceId, audit)).toEqual({ ok: true });
    expect(await activateSource(sourceId, alarm, audit)).toEqual({ ok: false, reason: "wrong_state" });

    // Checked against other log types (the source was reconfigured while Slack answered): refused.
    expect(await recordGrant(sourceId, { ...GRANT, validatedLogTypes: ["Slack.AuditLogs"] }, audit)).toEqual({ ok: false, reason: "wrong_state" });
    expect(await recordGrant(sourceId, GRANT, audit)).toEqual({ ok: true, isFirstGrant: true, status: "AWAITING_GRANT", replacedGrant: null });
    expect(await updateSourceConfig(sourceId, { name: "Renamed", plan: "ENTERPRISE_GRID", logTypes: ["Slack.AuditLogs"], backfillMinutes: 1440 }, audit)).toEqual({ ok: false, reason: "wrong_state" });
    expect(await listPullTargets()).not.toContainEqual(expect.objectContaining({ sourceId }));

    // Another app's credentials before Finish: the grant of the previous app does not carry over.
    expect(await saveCredentials(sourceId, { clientId: "3333.4444", clientSecret: "e".repeat(32) }, audit)).toEqual({ ok: true, droppedGrant: { token: GRANT.accessToken, grantedClientId: GRANT.clientId } });
    expect(await db.source.findUniqueOrThrow({ where: { id: sourceId }, select: { grantedAt: true } })).toEqual({ grantedAt: null });
    expect(await db.secret.count({ where: { ownerId: sourceId, field: "slack.access_token" } })).toBe(0);
    expect(await activateSource(sourceId, alarm, audit)).toEqual({ ok: false, reason: "wrong_state" });
    expect(await recordGrant(sourceId, { ...GRANT, clientId: "3333.4444" }, audit)).toMatchObject({ ok: true });

    expect(await activateSource(sourceId, alarm, audit)).toEqual({ ok: true, logTypes: ["Slack.AccessLogs", "Slack.IntegrationLogs"] });
    // Finish pressed twice (two tabs): the second is refused, not applied again.
    expect(await activateSource(sourceId, alarm, audit)).toEqual({ ok: false, reason: "wrong_state" });
    expect(await listPullTargets()).toEqual(expect.arrayContaining([{ sourceId, logType: "Slack.AccessLogs" }, { sourceId, logType: "Slack.IntegrationLogs" }]));
  });
});
