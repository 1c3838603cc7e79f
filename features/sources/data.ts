import { hasSecret } from "@/features/secrets/data";
import { evaluateSourceHealth, type SourceHealth } from "@/features/sources/health";
import { listLatestPullRuns } from "@/features/pulls/data";
import {
  isLogType,
  PULL_HISTORY_PAGE_SIZE,
  resumeStepOf,
  SOURCE_PAGE_SIZE,
  SOURCE_SECRET,
  sourceSecretAddress,
  THROUGHPUT_RANGES,
  type LogType,
  type PullHistoryQuery,
  type FailurePage,
  type SourceListPage,
  type SourceSummaryView,
  type SourceListQuery,
  type SourceListRow,
  type Throughput,
  type ThroughputRange,
} from "@/features/sources/schema";
import { db, getPool, type DatabaseClient } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { encodeKeysetCursor } from "@/lib/keyset-cursor";

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

// ---------------------------------------------------------------------------------------------
// The sources list and a source's dashboard. Counts come from event_counts_* (kept by the pull's own
// transaction), never from counting events, so these answer in milliseconds at any event volume.

const HOUR_MS = 60 * 60_000;

type RecentFailures = { count: number; latestReason: string | null; latestLogType: string | null };
const NO_FAILURES: RecentFailures = { count: 0, latestReason: null, latestLogType: null };

/** Quarantined records of the last hour per source, with the latest one's reason: what the health check reports. */
async function listRecentFailures(since: Date): Promise<Map<string, RecentFailures>> {
  const rows = await db.$queryRaw<{ source_id: string; log_type: string; reason: string; count: number }[]>`
    SELECT DISTINCT ON (source_id) source_id, log_type, reason, count(*) OVER (PARTITION BY source_id)::int AS count
    FROM classification_failures WHERE received_at >= ${since}
    ORDER BY source_id, received_at DESC`;
  return new Map(rows.map((row) => [row.source_id, { count: row.count, latestReason: row.reason, latestLogType: row.log_type }]));
}

const startOfHour = (now: Date) => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);

/** Events stored per source over the last 24 hours (the current hour so far included), from the index alone. */
async function listDailyTotals(now: Date): Promise<Map<string, number>> {
  const rows = await db.$queryRaw<{ source_id: string; events: number }[]>`
    SELECT source_id, sum(events)::int AS events FROM event_counts_hour
    WHERE bucket > ${new Date(startOfHour(now).getTime() - 24 * HOUR_MS)} GROUP BY source_id`;
  return new Map(rows.map((row) => [row.source_id, row.events]));
}

/** Events stored by each of these sources in each of the last 24 hours (index 23 is the current hour). */
async function listHourlyCounts(sourceIds: string[], now: Date): Promise<Map<string, number[]>> {
  const currentHour = startOfHour(now);
  const rows = await db.$queryRaw<{ source_id: string; bucket: Date; events: number }[]>`
    SELECT source_id, bucket, events FROM event_counts_hour
    WHERE source_id = ANY(${sourceIds}) AND bucket > ${new Date(currentHour.getTime() - 24 * HOUR_MS)}`;
  const hourly = new Map(sourceIds.map((id) => [id, Array.from({ length: 24 }, () => 0)]));
  for (const row of rows) {
    const index = 23 - Math.round((currentHour.getTime() - row.bucket.getTime()) / HOUR_MS);
    const series = hourly.get(row.source_id);
    if (series && index >= 0 && index <= 23) series[index]! += row.events;
  }
  return hourly;
}

const HEALTH_SORT_RANK = (row: SourceListRow) => (row.health === null ? 2 : row.health.healthy ? 1 : 0);
const STATUS_SORT_RANK: Record<SourceListRow["status"], number> = { ERROR: 0, ACTIVE: 1, PAUSED: 2, AWAITING_GRANT: 3, DRAFT: 4 };
// One collator for every comparison: localeCompare with options builds a new one per call, which
// made sorting a thousand names the slowest part of the list.
const NAME_ORDER = new Intl.Collator("en", { sensitivity: "base" });
const byTime = (value: string | null) => (value ? Date.parse(value) : -Infinity);

const SORTS: Record<SourceListQuery["sort"], (left: SourceListRow, right: SourceListRow) => number> = {
  name: (left, right) => NAME_ORDER.compare(left.name, right.name),
  status: (left, right) => STATUS_SORT_RANK[left.status] - STATUS_SORT_RANK[right.status],
  health: (left, right) => HEALTH_SORT_RANK(left) - HEALTH_SORT_RANK(right),
  lastEvent: (left, right) => byTime(left.lastEventReceivedAt) - byTime(right.lastEventReceivedAt),
  lastPull: (left, right) => byTime(left.lastSuccessfulPullAt) - byTime(right.lastSuccessfulPullAt),
  events24h: (left, right) => left.events24h - right.events24h,
  created: (left, right) => Date.parse(left.createdAt) - Date.parse(right.createdAt),
};

type SourceFacts = {
  id: string; name: string; plan: "ENTERPRISE_GRID" | "PAID"; logTypes: string[]; status: SourceListRow["status"]; credentialsSavedAt: Date | null; grantedAt: Date | null;
  isEnterpriseInstall: boolean; slackTeamName: string | null; slackEnterpriseName: string | null; createdAt: Date; activatedAt: Date | null; pausedAt: Date | null;
  clientId: string | null; grantedClientId: string | null; errorCode: string | null; errorDetail: string | null; errorLogType: string | null; errorSince: Date | null;
  nextRetryAt: Date | null; clientCredentialsError: string | null; lastSuccessfulPullAt: Date | null; lastEventReceivedAt: Date | null; alarmEnabled: boolean;
  alarmState: SourceListRow["alarmState"]; alarmThresholdMinutes: number;
};

/**
 * What the list judges every source on. Straight through pg rather than Prisma: for a thousand
 * rows, Prisma's result mapping cost more than the query itself (profiled with 1,000 sources).
 * Prisma keeps its plain `timestamp` columns in UTC, while pg would read them in the process's time
 * zone: they are turned into instants in SQL.
 */
async function listSourceFacts(): Promise<SourceFacts[]> {
  const { rows } = await getPool().query<SourceFacts>(
    `SELECT id, name, plan, log_types AS "logTypes", status, credentials_saved_at AT TIME ZONE 'UTC' AS "credentialsSavedAt",
            granted_at AT TIME ZONE 'UTC' AS "grantedAt",
            is_enterprise_install AS "isEnterpriseInstall", slack_team_name AS "slackTeamName", slack_enterprise_name AS "slackEnterpriseName",
            created_at AT TIME ZONE 'UTC' AS "createdAt", activated_at AT TIME ZONE 'UTC' AS "activatedAt", paused_at AS "pausedAt", client_id AS "clientId", granted_client_id AS "grantedClientId",
            error_code AS "errorCode", error_detail AS "errorDetail", error_log_type AS "errorLogType", error_since AS "errorSince",
            next_retry_at AS "nextRetryAt", client_credentials_error AS "clientCredentialsError", last_successful_pull_at AS "lastSuccessfulPullAt",
            last_event_received_at AS "lastEventReceivedAt", alarm_enabled AS "alarmEnabled", alarm_state AS "alarmState",
            alarm_threshold_minutes AS "alarmThresholdMinutes"
     FROM sources`,
  );
  return rows;
}

/**
 * One page of the sources list, filtered and sorted. Health is a verdict over several facts
 * (features/sources/health.ts) rather than a column, so every source is judged and the filtering
 * happens here: a thousand rows are a few milliseconds of work, one query each for sources, counts
 * and failures.
 */
export async function listSourcePage(query: SourceListQuery, now = new Date()): Promise<SourceListPage> {
  const [sources, dailyTotals, failures] = await Promise.all([
    listSourceFacts(),
    listDailyTotals(now),
    listRecentFailures(new Date(now.getTime() - HOUR_MS)),
  ]);
  const pullIntervalSeconds = getEnv().PULL_INTERVAL_SECONDS;
  const rows: SourceListRow[] = sources.map((source) => {
    const health = source.activatedAt
      ? evaluateSourceHealth({ ...source, recentFailures: failures.get(source.id) ?? NO_FAILURES, pullIntervalSeconds }, now)
      : null;
    return {
      id: source.id,
      name: source.name,
      plan: source.plan,
      logTypes: source.logTypes.filter(isLogType),
      status: source.status,
      resumeStep: resumeStepOf(source),
      slackName: source.grantedAt ? (source.isEnterpriseInstall ? source.slackEnterpriseName : source.slackTeamName) : null,
      health: health ? { healthy: health.healthy, failing: health.checks.filter((check) => !check.healthy).map(({ label, message }) => ({ label, message })) } : null,
      lastEventReceivedAt: source.lastEventReceivedAt?.toISOString() ?? null,
      lastSuccessfulPullAt: source.lastSuccessfulPullAt?.toISOString() ?? null,
      events24h: dailyTotals.get(source.id) ?? 0,
      // Filled in for the page shown only: a sparkline per source of the thousand would be wasted.
      hourly: [],
      alarmEnabled: source.alarmEnabled,
      alarmState: source.alarmState,
      createdAt: source.createdAt.toISOString(),
    };
  });
  const needle = query.q?.toLocaleLowerCase("en");
  const matching = rows.filter(
    (row) =>
      (!needle || row.name.toLocaleLowerCase("en").includes(needle) || (row.slackName?.toLocaleLowerCase("en").includes(needle) ?? false)) &&
      (!query.status || row.status === query.status) &&
      (!query.health || (row.health !== null && row.health.healthy === (query.health === "healthy"))) &&
      (!query.alarm || (query.alarm === "off" ? row.alarmState === null : row.alarmState === query.alarm)) &&
      (!query.logType || row.logTypes.includes(query.logType)),
  );
  const compare = SORTS[query.sort];
  const direction = query.dir === "asc" ? 1 : -1;
  // Ties fall back to the name, so a page never reshuffles rows that compare equal.
  matching.sort((left, right) => direction * compare(left, right) || SORTS.name(left, right) || left.id.localeCompare(right.id));
  const start = (query.page - 1) * SOURCE_PAGE_SIZE;
  const page = matching.slice(start, start + SOURCE_PAGE_SIZE);
  const hourly = page.length > 0 ? await listHourlyCounts(page.map((row) => row.id), now) : new Map<string, number[]>();
  return {
    sources: page.map((row) => ({ ...row, hourly: hourly.get(row.id) ?? [] })),
    total: matching.length,
    totalUnfiltered: rows.length,
    page: query.page,
    pageSize: SOURCE_PAGE_SIZE,
  };
}

/** Events stored per minute over a range, per log type, in buckets sized for a chart (60 to 672 points). */
export async function loadThroughput(sourceId: string, logTypes: readonly LogType[], range: ThroughputRange, now = new Date()): Promise<Throughput> {
  const { minutes, bucketMinutes } = THROUGHPUT_RANGES[range];
  const bucketMs = bucketMinutes * 60_000;
  const currentBucket = Math.floor(now.getTime() / bucketMs) * bucketMs;
  const count = minutes / bucketMinutes;
  const start = new Date(currentBucket - (count - 1) * bucketMs);
  // Hourly rows for a week (168 per log type), minute rows otherwise (at most 1,440 per log type).
  const rows =
    bucketMinutes >= 60
      ? await db.$queryRaw<{ at: Date; log_type: string; events: number }[]>`
          SELECT bucket AS at, log_type, sum(events)::int AS events FROM event_counts_hour
          WHERE source_id = ${sourceId} AND bucket >= ${start} GROUP BY 1, 2`
      : await db.$queryRaw<{ at: Date; log_type: string; events: number }[]>`
          SELECT date_bin(make_interval(mins => ${bucketMinutes}::int), bucket, 'epoch'::timestamptz) AS at, log_type, sum(events)::int AS events
          FROM event_counts_minute WHERE source_id = ${sourceId} AND bucket >= ${start} GROUP BY 1, 2`;
  const points = Array.from({ length: count }, (_, index) => ({ at: new Date(start.getTime() + index * bucketMs).toISOString(), perMinute: Object.fromEntries(logTypes.map((logType) => [logType, 0])) as Record<string, number> }));
  const totals: Record<string, number> = Object.fromEntries(logTypes.map((logType) => [logType, 0]));
  for (const row of rows) {
    const index = Math.round((row.at.getTime() - start.getTime()) / bucketMs);
    const point = points[index];
    if (!point || !(row.log_type in point.perMinute)) continue;
    // The current bucket is still filling: its rate is over the minutes elapsed so far.
    const elapsedMinutes = index === count - 1 ? Math.max(1, Math.ceil((now.getTime() - currentBucket) / 60_000)) : bucketMinutes;
    point.perMinute[row.log_type] = Math.round((row.events / Math.min(bucketMinutes, elapsedMinutes)) * 100) / 100;
    totals[row.log_type] = (totals[row.log_type] ?? 0) + row.events;
  }
  return { range, bucketMinutes, logTypes: [...logTypes], points, totals };
}

/** A source's pulls, newest first, a page at a time, with the total for the pager. */
export async function listPullHistory(sourceId: string, query: PullHistoryQuery) {
  const where = { sourceId, ...(query.logType ? { logType: query.logType } : {}), ...(query.outcome ? { outcome: query.outcome } : {}) };
  const [total, runs] = await Promise.all([
    db.pullRun.count({ where }),
    db.pullRun.findMany({
      where,
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      skip: (query.page - 1) * PULL_HISTORY_PAGE_SIZE,
      take: PULL_HISTORY_PAGE_SIZE,
      select: {
        id: true, logType: true, trigger: true, attempt: true, startedAt: true, finishedAt: true, pages: true, fetched: true, stored: true,
        duplicates: true, failures: true, outcome: true, errorCode: true, error: true, replayId: true,
      },
    }),
  ]);
  return {
    runs: runs.map((run) => ({
      ...run,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    })),
    total,
    page: query.page,
    pageSize: PULL_HISTORY_PAGE_SIZE,
  };
}

/** Records of a source that did not match their schema, newest first, keyset-paginated on (receivedAt, id). */
export async function listClassificationFailures(sourceId: string, cursor: { at: Date; id: string } | null, limit = 20): Promise<FailurePage> {
  const rows = await db.classificationFailure.findMany({
    where: { sourceId, ...(cursor ? { OR: [{ receivedAt: { lt: cursor.at } }, { receivedAt: cursor.at, id: { lt: cursor.id } }] } : {}) },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: { id: true, logType: true, pullRunId: true, field: true, reason: true, payload: true, receivedAt: true },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    failures: page.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString() })),
    nextCursor: rows.length > limit && last ? encodeKeysetCursor({ at: last.receivedAt, id: last.id }) : null,
  };
}

/** The live part of a source's page: status, health, alarm state and each log type's latest pull. */
export async function loadSourceSummary(sourceId: string, now = new Date()): Promise<SourceSummaryView | null> {
  const source = await findSource(sourceId);
  if (!source) return null;
  const [health, latestRuns] = source.activatedAt ? await Promise.all([loadSourceHealth(source, now), listLatestPullRuns(source.id, source.logTypes)]) : [null, []];
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: source.id,
    name: source.name,
    status: source.status,
    alarmEnabled: source.alarmEnabled,
    alarmState: source.alarmState,
    alarmStateSince: iso(source.alarmStateSince),
    lastEventReceivedAt: iso(source.lastEventReceivedAt),
    lastEventTime: iso(source.lastEventTime),
    lastSuccessfulPullAt: iso(source.lastSuccessfulPullAt),
    health,
    latestRuns: latestRuns.map(({ logType, run }) => ({ logType, run: run ? { ...run, startedAt: run.startedAt.toISOString(), finishedAt: iso(run.finishedAt) } : null })),
  };
}

/** The log types of a source, or null when there is no such source. */
export async function findSourceLogTypes(sourceId: string): Promise<LogType[] | null> {
  const source = await db.source.findUnique({ where: { id: sourceId }, select: { logTypes: true } });
  return source ? source.logTypes.filter(isLogType) : null;
}

/**
 * Deleted sources whose events were to be erased and still are not (the erasure in the request
 * stopped half-way). The audit entry of the delete, committed with it, is the durable record of
 * that choice; a quarter of a year is more than enough for the worker to have finished.
 */
export async function listUnfinishedErasures(): Promise<string[]> {
  const rows = await db.$queryRaw<{ source_id: string }[]>`
    SELECT DISTINCT a.target_id AS source_id FROM audit_trail a
    WHERE a.action = 'source.deleted' AND a.details->>'keepEvents' = 'false' AND a.at > now() - interval '90 days'
      AND NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = a.target_id)
      AND (EXISTS (SELECT 1 FROM events e WHERE e.p_source_id = a.target_id)
           OR EXISTS (SELECT 1 FROM classification_failures c WHERE c.source_id = a.target_id))`;
  return rows.map((row) => row.source_id);
}
