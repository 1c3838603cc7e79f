import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { readSecret } from "@/features/secrets/data";
import { findSource } from "@/features/sources/data";
import { activateSource, saveCredentials, type SourceRefusal } from "@/features/sources/mutations";
import { requiredUserScopes, SOURCE_SECRET, sourceSecretAddress, type AlarmSettings } from "@/features/sources/schema";
import { createGrantState, deleteStaleGrantStates } from "@/features/wizard/mutations";
import { checkClientCredentials, revokeReplacedToken, slackAuthorizeUrl, slackRedirectUri } from "@/features/wizard/slack-grant";
import { schedulePullsNow } from "@/lib/queue/producer";
import { webLogger } from "@/lib/web-logger";

// The wizard's steps that do more than one write, shared by its server actions (features/wizard/
// actions.ts) and the REST API (app/api/v1): whoever calls, the same checks with Slack, the same
// grant state and the same scheduling. Callers authorize first and map the reasons to their words.

export type CredentialsRefusal = SourceRefusal | "wrong_client_id" | "wrong_secret";

/**
 * Checks a client ID and secret with Slack when it can, then stores them (the secret encrypted). An
 * empty secret keeps the one saved. Slack being unreachable does not block (the grant will tell);
 * a definite "wrong" from Slack does.
 */
export async function saveCheckedCredentials(
  input: { sourceId: string; clientId: string; clientSecret: string },
  audit: AuditContext,
): Promise<{ ok: true; isVerified: boolean } | { ok: false; reason: CredentialsRefusal }> {
  const { sourceId, clientId, clientSecret } = input;
  const source = await findSource(sourceId);
  if (!source) return { ok: false, reason: "not_found" };
  const secretToCheck = clientSecret || (await readSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret)));
  if (!secretToCheck) return { ok: false, reason: "secret_missing" };
  const check = await checkClientCredentials(clientId, secretToCheck);
  if (check === "wrong_client_id" || check === "wrong_secret") return { ok: false, reason: check };
  const result = await saveCredentials(sourceId, { clientId, clientSecret: clientSecret || null }, audit);
  if (!result.ok) return result;
  // A grant of the previous app, dropped during setup, is revoked in Slack rather than left alive.
  if (result.droppedGrant) await revokeReplacedToken(result.droppedGrant, source, audit);
  return { ok: true, isVerified: check === "valid" };
}

/**
 * Grant Access: a fresh single-use state bound to this user and source, and Slack's authorize URL
 * carrying it. The callback completes the grant only for the same user, signed in to the console.
 */
export async function startGrant(sourceId: string, userId: string, audit: AuditContext): Promise<{ ok: true; url: string } | { ok: false; reason: "not_found" | "credentials_missing" }> {
  const source = await findSource(sourceId);
  if (!source) return { ok: false, reason: "not_found" };
  if (!source.clientId || !source.hasClientSecret || !source.credentialsSavedAt) return { ok: false, reason: "credentials_missing" };
  await deleteStaleGrantStates();
  const state = await createGrantState({ sourceId: source.id, userId, clientId: source.clientId, redirectUri: slackRedirectUri() });
  const userScopes = requiredUserScopes(source.logTypes);
  await recordAudit(audit, { action: "source.grant_started", target: { type: "source", id: source.id, label: source.name }, details: { clientId: source.clientId, userScopes } });
  const team = source.grantedAt ? (source.isEnterpriseInstall ? source.slackEnterpriseId : source.slackTeamId) : null;
  return { ok: true, url: slackAuthorizeUrl({ clientId: source.clientId, userScopes, state, team }) };
}

/** Finish Setup: alarm settings saved, the source active, its pulls scheduled and the first one queued. */
export async function finishSetup(sourceId: string, alarm: Omit<AlarmSettings, "sourceId">, audit: AuditContext): Promise<{ ok: true; isScheduled: boolean } | { ok: false; reason: SourceRefusal }> {
  const result = await activateSource(sourceId, alarm, audit);
  if (!result.ok) return result;
  const targets = result.logTypes.map((logType) => ({ sourceId, logType }));
  // Postgres already says ACTIVE; if Redis is away, the worker's reconciliation schedules the pulls.
  const isScheduled = await schedulePullsNow(targets, String(Date.now()));
  if (!isScheduled) webLogger.warn({ event: "pull_schedule_deferred", sourceId }, "could not reach Redis; pulls will be scheduled by the worker's reconciliation");
  return { ok: true, isScheduled };
}
