import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { BENCH_DIST_DIR, SERVED_DIST_DIR, benchAppEnvironment, buildApp, isBuildCurrent, seedAdmin, signIn, sourceFingerprint, startApp, stopProcess } from "@/bench/app-server";
import { benchDatabaseUrl, isSameParameters, migrationsFingerprint, readPostgresFacts, readSeedRecord, recreateDatabase, writeSeedRecord, type SeedRecord } from "@/bench/database";
import { createHttpClient, measureEndpoint, type Endpoint, type EndpointResult, type HttpClient } from "@/bench/measure";
import { seedDashboard } from "@/bench/seed-dashboard";
import { freePort } from "@/scripts/lib/test-helpers";

// Issue 9 item 7 / issue 10 scenario 3: with 1,000 sources and 10 million events stored, the sources
// list, a source's pages and the explorer answer their API calls in under 200 ms at p95.

export const DASHBOARD_TARGET_MS = 200;
const DAY_MS = 86_400_000;

export type DashboardOptions = {
  isSmoke: boolean;
  sources: number;
  events: number;
  days: number;
  /** Reuse the bench database when it holds a seed made with the same parameters. */
  shouldKeep: boolean;
  shouldBuild: boolean;
  requests: number;
  warmup: number;
  /** A second pass with this many requests in flight; 1 or less skips it. */
  concurrency: number;
  log: (line: string) => void;
};

export type DashboardRun = {
  database: string;
  seed: SeedRecord & { isReused: boolean; ageMinutes: number };
  build: { isSkipped: boolean; seconds: number | null };
  postgres: Awaited<ReturnType<typeof readPostgresFacts>>;
  settings: { requests: number; warmup: number; concurrency: number };
  sequential: EndpointResult[];
  concurrent: EndpointResult[];
};

export const DASHBOARD_DEFAULTS = { sources: 1_000, events: 10_000_000, days: 30, requests: 200, warmup: 20, concurrency: 4 } as const;
export const DASHBOARD_SMOKE_DEFAULTS = { sources: 20, events: 20_000, days: 30, requests: 10, warmup: 2, concurrency: 0 } as const;

function seedParameters(options: DashboardOptions): Record<string, unknown> {
  return {
    sources: options.sources,
    events: options.events,
    days: options.days,
    // A seed made by other generator code or under other migrations is not the one asked for.
    seedCode: createHash("sha256").update(readFileSync(new URL("./seed-dashboard.ts", import.meta.url))).digest("hex").slice(0, 16),
    migrations: migrationsFingerprint(),
  };
}

async function prepareDatabase(databaseUrl: string, options: DashboardOptions): Promise<DashboardRun["seed"]> {
  const parameters = seedParameters(options);
  const existing = await readSeedRecord(databaseUrl);
  if (options.shouldKeep && existing && isSameParameters(existing.parameters, parameters)) {
    const ageMinutes = Math.round((Date.now() - existing.seededAt.getTime()) / 60_000);
    options.log(`reusing the seed from ${existing.seededAt.toISOString()} (${ageMinutes} min old, took ${Math.round(existing.seconds)} s)`);
    if (ageMinutes > 60) {
      options.log(`  note: the seeded events end at the seed time; windows counted back from now (the last hour, the last day) hold fewer of them the older the seed is`);
    }
    return { ...existing, isReused: true, ageMinutes };
  }
  if (options.shouldKeep) options.log(existing ? "the bench database was seeded with other parameters or code: seeding again" : "no seed to keep: seeding");
  options.log(`seeding ${options.sources.toLocaleString("en-US")} sources and ${options.events.toLocaleString("en-US")} events over ${options.days} days`);
  await recreateDatabase(databaseUrl);
  const seededAt = new Date();
  const summary = await seedDashboard(databaseUrl, { sources: options.sources, events: options.events, days: options.days, anchor: seededAt, log: options.log });
  options.log(`seeded in ${summary.seconds.toFixed(1)} s (events loaded at ${Math.round(summary.eventsPerSecond).toLocaleString("en-US")} rows/s)`);
  const record: SeedRecord = { parameters, seededAt, seconds: summary.seconds };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await writeSeedRecord(client, record);
  } finally {
    await client.end().catch(() => {});
  }
  return { ...record, isReused: false, ageMinutes: 0 };
}

type Fixtures = { sourceIds: string[]; ips: string[]; emails: string[]; usernames: string[] };

/**
 * Values that exist in the last day's events, so every indicator search finds something; sampled by
 * page (TABLESAMPLE SYSTEM) because reading ten million rows for them would take longer than the bench.
 */
async function sampleFixtures(databaseUrl: string, events: number): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sourceIds = (await client.query<{ id: string }>("SELECT id FROM sources ORDER BY id")).rows.map((row) => row.id);
    const percent = Math.min(100, (100 * 300_000) / Math.max(1, events));
    // An old kept seed may have nothing in the last day; any value then, rather than none.
    const sample = async (column: string) => {
      for (const since of ["1 day", "100 years"]) {
        const { rows } = await client.query<{ value: string }>(
          `SELECT DISTINCT value FROM (
             SELECT unnest(${column}) AS value FROM events TABLESAMPLE SYSTEM ($1) WHERE p_event_time >= now() - $2::interval
           ) sampled LIMIT 500`,
          [percent, since],
        );
        if (rows.length > 0) return rows.map((row) => row.value);
      }
      return [];
    };
    return { sourceIds, ips: await sample("p_any_ip_addresses"), emails: await sample("p_any_emails"), usernames: await sample("p_any_usernames") };
  } finally {
    await client.end().catch(() => {});
  }
}

const pick = <T>(values: readonly T[]): T => {
  if (values.length === 0) throw new Error("nothing to pick from: the seed has no such values in the last day");
  return values[Math.floor(Math.random() * values.length)]!;
};
const iso = (ms: number) => new Date(ms).toISOString();
const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
// Common and rare ones: a rare action is a long walk down the index for a page of 50 if done badly.
const ACTIONS = ["file_downloaded", "user_login_failed", "public_channel_created", "app_installed", "user_created"];

function lastDay(): Record<string, string> {
  const now = Date.now();
  return { from: iso(now - DAY_MS), to: iso(now) };
}

/** The explorer's page after `pages` pages of `params`, reached by following nextCursor (untimed). */
async function pathAfterPages(client: HttpClient, params: Record<string, string>, pages: number): Promise<string> {
  let cursor: string | null = null;
  for (let page = 0; page < pages; page += 1) {
    const response = await client.get(`/api/events?${query(cursor ? { ...params, cursor } : params)}`);
    if (response.status !== 200) break;
    cursor = (JSON.parse(response.body) as { nextCursor: string | null }).nextCursor;
    if (!cursor) break;
  }
  return `/api/events?${query(cursor ? { ...params, cursor } : params)}`;
}

// The API as built by issue 9 (app/api/sources, app/api/events). A route not there yet is reported
// "missing" rather than failing the run.
function dashboardEndpoints(fixtures: Fixtures): Endpoint[] {
  const target = DASHBOARD_TARGET_MS;
  const source = () => pick(fixtures.sourceIds);
  const endpoint = (group: string, name: string, path: () => string): Endpoint => ({ group, name, targetMs: target, path: async () => path() });
  return [
    endpoint("sources list", "sources list, by name", () => `/api/sources?${query({ page: "1", sort: "name", dir: "asc" })}`),
    endpoint("sources list", "sources list, unhealthy by events 24 h", () => `/api/sources?${query({ page: "1", sort: "events24h", dir: "desc", health: "unhealthy" })}`),
    endpoint("source", "source summary", () => `/api/sources/${source()}`),
    endpoint("source", "source throughput 1 h", () => `/api/sources/${source()}/throughput?range=1h`),
    endpoint("source", "source throughput 24 h", () => `/api/sources/${source()}/throughput?range=24h`),
    endpoint("source", "source throughput 7 d", () => `/api/sources/${source()}/throughput?range=7d`),
    endpoint("source", "source pull history", () => `/api/sources/${source()}/pulls?page=1`),
    endpoint("explorer", "explorer, last 24 h", () => `/api/events?${query(lastDay())}`),
    endpoint("explorer", "explorer, log type", () => `/api/events?${query({ ...lastDay(), logType: "Slack.AccessLogs" })}`),
    endpoint("explorer", "explorer, action", () => `/api/events?${query({ ...lastDay(), action: pick(ACTIONS) })}`),
    endpoint("explorer", "explorer, source", () => `/api/events?${query({ ...lastDay(), sourceId: source() })}`),
    endpoint("explorer", "explorer, search IP", () => `/api/events?${query({ ...lastDay(), q: pick(fixtures.ips) })}`),
    endpoint("explorer", "explorer, search email", () => `/api/events?${query({ ...lastDay(), q: pick(fixtures.emails) })}`),
    endpoint("explorer", "explorer, search username", () => `/api/events?${query({ ...lastDay(), q: pick(fixtures.usernames) })}`),
    endpoint("explorer", "explorer, last 30 d", () => `/api/events?${query({ from: iso(Date.now() - 30 * DAY_MS), to: iso(Date.now()) })}`),
    endpoint("explorer", "explorer, search IP over 30 d", () => `/api/events?${query({ from: iso(Date.now() - 30 * DAY_MS), to: iso(Date.now()), q: pick(fixtures.ips) })}`),
    {
      group: "explorer",
      name: "explorer, 6th page (cursor)",
      targetMs: target,
      path: (client) => pathAfterPages(client, lastDay(), 5),
    },
  ];
}

export async function runDashboard(options: DashboardOptions): Promise<DashboardRun> {
  const database = options.isSmoke ? "tributary_bench_smoke" : "tributary_bench";
  const databaseUrl = benchDatabaseUrl(database);
  // Checked before a seed that may take minutes. Never a build into someone else's directory: .next
  // belongs to `npm run build`, the tests and the developer.
  if (options.shouldBuild && SERVED_DIST_DIR !== BENCH_DIST_DIR) throw new Error(`the bench builds only into ${BENCH_DIST_DIR}; pass --no-build to serve ${SERVED_DIST_DIR}`);
  if (!options.shouldBuild && !existsSync(join(SERVED_DIST_DIR, "BUILD_ID"))) throw new Error(`no production build in ${SERVED_DIST_DIR}: run without --no-build to make one`);
  const seed = await prepareDatabase(databaseUrl, options);

  const port = await freePort();
  const environment = benchAppEnvironment(databaseUrl, port);
  let build: DashboardRun["build"] = { isSkipped: true, seconds: null };
  if (options.shouldBuild) {
    const fingerprint = sourceFingerprint();
    if (isBuildCurrent(fingerprint)) {
      options.log(`${BENCH_DIST_DIR} is current for this source tree: not building`);
    } else {
      options.log(`building the app into ${BENCH_DIST_DIR} (next build)…`);
      const result = buildApp(environment, fingerprint);
      if (!result.ok) throw new Error(`next build failed:\n${result.output.split("\n").slice(-40).join("\n")}`);
      options.log(`built in ${result.seconds.toFixed(0)} s`);
      build = { isSkipped: false, seconds: result.seconds };
    }
  }

  const admin = await seedAdmin(databaseUrl);
  const fixtures = await sampleFixtures(databaseUrl, options.events);
  const postgres = await readPostgresFacts(databaseUrl);
  options.log(`starting the web server on port ${port}`);
  const web = await startApp(environment, port);
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const client = createHttpClient(baseUrl, await signIn(baseUrl, admin));
    const endpoints = dashboardEndpoints(fixtures);
    const sequential: EndpointResult[] = [];
    for (const endpoint of endpoints) {
      const result = await measureEndpoint(client, endpoint, { warmup: options.warmup, requests: options.requests, concurrency: 1 });
      options.log(`  ${endpoint.name}: ${result.latencyMs ? `p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms` : result.outcome}`);
      sequential.push(result);
    }
    const concurrent: EndpointResult[] = [];
    if (options.concurrency > 1) {
      options.log(`again with ${options.concurrency} requests in flight`);
      for (const endpoint of endpoints) {
        if (sequential.find((result) => result.name === endpoint.name)?.outcome === "missing") continue;
        concurrent.push(await measureEndpoint(client, endpoint, { warmup: 0, requests: options.requests, concurrency: options.concurrency }));
      }
    }
    return {
      database,
      seed,
      build,
      postgres,
      settings: { requests: options.requests, warmup: options.warmup, concurrency: options.concurrency },
      sequential,
      concurrent,
    };
  } finally {
    await stopProcess(web, 10_000);
  }
}
