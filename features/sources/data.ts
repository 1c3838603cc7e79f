import { hasSecret } from "@/features/secrets/data";
import { evaluateSourceHealth, type SourceHealth } from "@/features/sources/health";
import { isLogType, SOURCE_SECRET, sourceSecretAddress, type LogType } from "@/features/sources/schema";
import { db, type DatabaseClient } from "@/lib/db";
import { getEnv } from "@/lib/env";

// Reads of sources as plain objects. Secrets are never selected here: a page learns only whether
// one is stored.

const SOURCE_FIELDS = {
  id: true,
  name: true,
  type: true,
  plan: true,
  logTypes: true,
  status: true,
  clientId: true,
  credentialsSavedAt: true,
  grantedClientId: true,
  grantedScopes: true,
  grantedAt: true,
  slackTeamId: true,
  slackTeamName: true,
  slackEnterpriseId: true,
  slackEnterpriseName: true,
  isEnterpriseInstall: true,
  slackUrl: true,
  installerUserId: true,
  installerName: true,
  alarmEnabled: true,
  alarmThresholdMinutes: true,
  alarmRecipients: true,
  alarmState: true,
  alarmStateSince: true,
  activatedAt: true,
  backfillMinutes: true,
  lastSuccessfulPullAt: true,
  lastEventReceivedAt: true,
  lastEventTime: true,
  errorCode: true,
  errorDetail: true,
  errorLogType: true,
  errorSince: true,
  nextRetryAt: true,
  clientCredentialsError: true,
  pausedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

function withLogTypes<T extends { logTypes: string[] }>(source: T): Omit<T, "logTypes"> & { logTypes: LogType[] } {
  return { ...source, logTypes: source.logTypes.filter(isLogType) };
}

export async function findSource(sourceId: string, client: DatabaseClient = db) {
  const source = await client.source.findUnique({ where: { id: sourceId }, select: SOURCE_FIELDS });
  if (!source) return null;
  const [hasClientSecret, hasAccessToken] = await Promise.all([
    hasSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.clientSecret), client),
    hasSecret(sourceSecretAddress(sourceId, SOURCE_SECRET.accessToken), client),
  ]);
  return { ...withLogTypes(source), hasClientSecret, hasAccessToken };
}
export type SourceDetails = NonNullable<Awaited<ReturnType<typeof findSource>>>;

export async function listSources() {
  const sources = await db.source.findMany({
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { id: true, name: true, plan: true, logTypes: true, status: true, credentialsSavedAt: true, grantedAt: true, isEnterpriseInstall: true, slackTeamName: true, slackEnterpriseName: true, createdAt: true },
  });
  return sources.map(withLogTypes);
}
export type SourceSummary = Awaited<ReturnType<typeof listSources>>[number];

/**
 * Every (source, log type) that should be pulled on a schedule, from Postgres alone. A source in
 * ERROR keeps its schedule: its pulls skip cheaply until the hourly retry is due.
 */
export async function listPullTargets(): Promise<{ sourceId: string; logType: LogType }[]> {
  const sources = await db.source.findMany({ where: { status: { in: ["ACTIVE", "ERROR"] } }, select: { id: true, logTypes: true }, orderBy: { id: "asc" } });
  return sources.flatMap((source) => source.logTypes.filter(isLogType).map((logType) => ({ sourceId: source.id, logType })));
}

/** Whether another source holds a grant of this Slack app (so revoking one of its tokens may hit that source). */
export async function isAppGrantedToAnotherSource(clientId: string | null, sourceId: string): Promise<boolean> {
  if (!clientId) return false;
  return (await db.source.count({ where: { grantedClientId: clientId, id: { not: sourceId } } })) > 0;
}

/** The source's health checks (features/sources/health.ts), from its row and the last hour's quarantined records. */
export async function loadSourceHealth(source: SourceDetails, now = new Date()): Promise<SourceHealth> {
  const since = new Date(now.getTime() - 60 * 60_000);
  const [count, latest] = await Promise.all([
    db.classificationFailure.count({ where: { sourceId: source.id, receivedAt: { gte: since } } }),
    db.classificationFailure.findFirst({ where: { sourceId: source.id, receivedAt: { gte: since } }, orderBy: { receivedAt: "desc" }, select: { reason: true, logType: true } }),
  ]);
  return evaluateSourceHealth(
    { ...source, recentFailures: { count, latestReason: latest?.reason ?? null, latestLogType: latest?.logType ?? null }, pullIntervalSeconds: getEnv().PULL_INTERVAL_SECONDS },
    now,
  );
}
