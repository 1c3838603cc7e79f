import { createHash } from "node:crypto";
import { checkToken, missingScope } from "@/emulator/auth";
import { json, parameter, webApiError, type Reply, type RequestContext } from "@/emulator/http";
import { createRandom, type Random } from "@/emulator/random";
import type { AccessLogRow, EmulatorState, IntegrationLogEntry } from "@/emulator/state";
import { findUser, findWorkspace, type Integration, NETWORKS, type User, usersOfTeam, type Workspace, workspacesWithLogs } from "@/emulator/world";

// team.accessLogs and team.integrationLogs (reference §2, §3): the aggregated access rows per
// (user, IP, user agent) that grow as people keep working, and the integration change log. Both are
// classic page/count lists for an admin user token on a paid workspace; access logs also speak
// cursors when `limit` is passed.

const DAY = 86_400;
const ACCESS_HISTORY_DAYS = 30;
const INTEGRATION_HISTORY_DAYS = 90;
const DEFAULT_COUNT = 100;
// "the max count value is 1000 and the max page value is 100" (reference §2).
const MAX_COUNT = 1000;
const MAX_PAGE = 100;
const MAX_LIMIT = 1000;
const DEFAULT_CURSOR_LIMIT = 100;

/** The change_type values the filter accepts; responses also carry `expanded` (reference §3). */
export const CHANGE_TYPE_FILTERS = ["added", "removed", "enabled", "disabled", "updated"] as const;
export const DISABLE_REASONS = ["user", "rate_limits", "slack", "errors", "system"] as const;

// Scopes an app asks for when it is reinstalled with more (an `expanded` entry).
const EXTRA_SCOPES = ["users:read", "users:read.email", "channels:history", "channels:read", "files:read", "reactions:read", "groups:read", "team:read"];
const RSS_FEEDS = [
  { title: "Slack Engineering", url: "https://slack.engineering/feed/" },
  { title: "AWS Security Bulletins", url: "https://aws.amazon.com/security/security-bulletins/feed/" },
  { title: "CISA Cybersecurity Advisories", url: "https://www.cisa.gov/cybersecurity-advisories/all.xml" },
  { title: "Krebs on Security", url: "https://krebsonsecurity.com/feed/" },
  { title: "The GitHub Blog", url: "https://github.blog/feed/" },
];

const isAdmin = (user: User) => user.role === "primary_owner" || user.role === "owner" || user.role === "admin";
const hexDigest = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);

// ---------------------------------------------------------------------------------------------
// Access logs: data

type Place = { ip: string | null; userAgent: string; isp: string | null; country: string | null; region: string | null };

export function accessLogKey(row: Pick<AccessLogRow, "user_id" | "ip" | "user_agent">): string {
  return `${row.user_id}|${row.ip}|${row.user_agent}`;
}

/**
 * Forgets access-log combinations not used since `before` (a later use starts a new one, as after
 * Slack's own retention) and integration entries older than it.
 */
export function pruneTeamLogs(state: EmulatorState, before: number): void {
  for (const rows of state.accessLogs.values()) {
    for (const [key, row] of rows) if (row.date_last < before) rows.delete(key);
  }
  for (const [teamId, entries] of state.integrationLogs) {
    const kept = entries.filter((entry) => Number(entry.date) >= before);
    if (kept.length !== entries.length) state.integrationLogs.set(teamId, kept);
  }
}

function accessRowsOf(state: EmulatorState, teamId: string): Map<string, AccessLogRow> {
  let rows = state.accessLogs.get(teamId);
  if (!rows) {
    rows = new Map();
    state.accessLogs.set(teamId, rows);
  }
  return rows;
}

function addAccessRow(rows: Map<string, AccessLogRow>, user: User, place: Place, dateFirst: number, dateLast: number, count: number): AccessLogRow {
  const row: AccessLogRow = {
    user_id: user.id,
    username: user.name,
    date_first: dateFirst,
    date_last: dateLast,
    count,
    ip: place.ip,
    user_agent: place.userAgent,
    isp: place.isp,
    country: place.country,
    region: place.region,
  };
  rows.set(accessLogKey(row), row);
  return row;
}

/** One more access by this combination at `at`: an existing row grows, a new one starts at count 1. */
function recordAccess(rows: Map<string, AccessLogRow>, user: User, place: Place, at: number): AccessLogRow {
  const existing = rows.get(accessLogKey({ user_id: user.id, ip: place.ip, user_agent: place.userAgent }));
  if (!existing) return addAccessRow(rows, user, place, at, at, 1);
  existing.count += 1;
  existing.date_last = Math.max(existing.date_last, at);
  return existing;
}

function addressOn(random: Random, network: (typeof NETWORKS)[number]): string {
  if (network.country === "US" && random.chance(0.15)) return `2601:646:${random.hex(4)}:${random.hex(4)}::${random.hex(3)}`;
  return `${network.prefix}${random.int(1, 254)}.${random.int(1, 254)}`;
}

function placeOn(random: Random, network: (typeof NETWORKS)[number], userAgent: string): Place {
  // Slack cannot always place an address: ISP, country and region are null now and then.
  const isLocated = !random.chance(0.03);
  return { ip: addressOn(random, network), userAgent, isp: isLocated ? network.isp : null, country: isLocated ? network.country : null, region: isLocated ? network.region : null };
}

const networkOf = (row: AccessLogRow) => NETWORKS.find((network) => network.isp === row.isp || (row.ip !== null && row.ip.startsWith(network.prefix)));

/**
 * A combination this person has not used yet: a new address on a network they use (new DHCP lease),
 * a new device on an address they use, or a trip.
 */
function newPlaceFor(random: Random, state: EmulatorState, user: User, userRows: AccessLogRow[], rows: Map<string, AccessLogRow>): Place {
  const devices = state.world.devices.get(user.id) ?? [];
  const userAgents = [...new Set([...devices.map((device) => device.userAgent), ...userRows.map((row) => row.user_agent)])];
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const base = userRows.length ? random.pick(userRows) : null;
    const kind = random.weighted(["new-address", "new-device", "trip"], [5, 3, 2]);
    let place: Place;
    if (kind === "new-device" && base) {
      const userAgent = random.pick(devices.length ? [...devices.map((device) => device.userAgent), ...userAgents] : userAgents);
      place = { ip: base.ip, userAgent, isp: base.isp, country: base.country, region: base.region };
    } else {
      const network = kind === "new-address" && base ? (networkOf(base) ?? random.pick(NETWORKS)) : random.pick(NETWORKS);
      place = placeOn(random, network, base?.user_agent ?? userAgents[0] ?? devices[0]?.userAgent ?? "Slack/4.41.97");
    }
    if (!rows.has(accessLogKey({ user_id: user.id, ip: place.ip, user_agent: place.userAgent }))) return place;
  }
  return placeOn(random, random.pick(NETWORKS), userAgents[0] ?? "Slack/4.41.97");
}

function seedAccessRows(state: EmulatorState, random: Random, workspace: Workspace, now: number) {
  const rows = accessRowsOf(state, workspace.id);
  for (const user of usersOfTeam(state.world, workspace.id)) {
    // A few people have not signed in during the window: they show up later as new users.
    if (random.chance(0.06)) continue;
    const devices = state.world.devices.get(user.id) ?? [];
    devices.forEach((device, index) => {
      const isPrimary = index === 0;
      const dateFirst = isPrimary ? now - random.int(20 * DAY, ACCESS_HISTORY_DAYS * DAY) : now - random.int(3600, ACCESS_HISTORY_DAYS * DAY);
      const isOneOff = !isPrimary && random.chance(0.15);
      const dateLast = isOneOff ? dateFirst : isPrimary ? now - random.int(0, 2 * DAY) : random.int(dateFirst, now);
      const count = dateLast === dateFirst ? 1 : Math.max(2, Math.round(((dateLast - dateFirst) / DAY) * random.int(3, 40)));
      addAccessRow(rows, user, { ip: device.ip, userAgent: device.userAgent, isp: device.isp, country: device.country, region: device.region }, dateFirst, dateLast, count);
    });
    // Hotel, conference and airport networks: short-lived combinations.
    if (devices.length && random.chance(0.25)) {
      for (let trip = random.int(1, 2); trip > 0; trip -= 1) {
        const userAgent = random.pick(devices).userAgent;
        // A row without an address is rare but allowed by the schema (reference §2: `ip` nullable).
        const place: Place = random.chance(0.03) ? { ip: null, userAgent, isp: null, country: null, region: null } : placeOn(random, random.pick(NETWORKS), userAgent);
        const dateFirst = now - random.int(DAY, ACCESS_HISTORY_DAYS * DAY);
        const dateLast = random.chance(0.3) ? dateFirst : Math.min(now, dateFirst + random.int(60, 6 * 3600));
        addAccessRow(rows, user, place, dateFirst, dateLast, dateLast === dateFirst ? 1 : random.int(2, 15));
      }
    }
  }
}

/**
 * `count` accesses in one workspace at `now`: mostly people carrying on with a combination they
 * already have (date_last moves to now, count grows), some from a new address or device, and now
 * and then someone who has not been seen before.
 */
export function generateAccessActivity(state: EmulatorState, teamId: string, count: number, now: number): void {
  if (!findWorkspace(state.world, teamId)) return;
  const { random } = state;
  const rows = accessRowsOf(state, teamId);
  const people = usersOfTeam(state.world, teamId).filter((user) => !user.isDeactivated);
  if (!people.length) return;
  const rowsByUser = new Map<string, AccessLogRow[]>();
  for (const row of rows.values()) {
    const userRows = rowsByUser.get(row.user_id);
    if (userRows) userRows.push(row);
    else rowsByUser.set(row.user_id, [row]);
  }
  const seen = people.filter((user) => rowsByUser.has(user.id));
  const unseen = people.filter((user) => !rowsByUser.has(user.id));
  const remember = (user: User, row: AccessLogRow) => {
    const userRows = rowsByUser.get(user.id) ?? [];
    if (!userRows.includes(row)) userRows.push(row);
    if (!rowsByUser.has(user.id)) {
      rowsByUser.set(user.id, userRows);
      seen.push(user);
      unseen.splice(unseen.indexOf(user), 1);
    }
  };

  for (let index = 0; index < count; index += 1) {
    const roll = random.next();
    if ((roll < 0.04 && unseen.length) || !seen.length) {
      const user = random.pick(unseen);
      const device = state.world.devices.get(user.id)?.[0];
      const place = device ? { ip: device.ip, userAgent: device.userAgent, isp: device.isp, country: device.country, region: device.region } : newPlaceFor(random, state, user, [], rows);
      remember(user, recordAccess(rows, user, place, now));
    } else if (roll < 0.14) {
      const user = random.pick(seen);
      remember(user, recordAccess(rows, user, newPlaceFor(random, state, user, rowsByUser.get(user.id) ?? [], rows), now));
    } else {
      const user = random.pick(seen);
      const userRows = rowsByUser.get(user.id)!;
      // People mostly use the device they use most.
      const row = random.weighted(userRows, userRows.map((candidate) => Math.sqrt(candidate.count) + 1));
      row.count += 1;
      row.date_last = Math.max(row.date_last, now);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Integration logs: data

type Status = "absent" | "active" | "disabled";

function integrationLogOf(state: EmulatorState, teamId: string): IntegrationLogEntry[] {
  let log = state.integrationLogs.get(teamId);
  if (!log) {
    log = [];
    state.integrationLogs.set(teamId, log);
  }
  return log;
}

/** The workspace's RSS feed service: a legacy service that is not in the world's integrations. */
function rssServiceOf(workspace: Workspace): Integration {
  return { kind: "service", id: String(1_000_000_000 + (parseInt(hexDigest(`rss:${workspace.id}`, 8), 16) % 9_000_000_000)), name: "RSS", scope: "incoming-webhook", channel: workspace.channels[0]?.id ?? null };
}

const isEntryOf = (entry: IntegrationLogEntry, integration: Integration) => (integration.kind === "app" ? entry.app_id === integration.id : entry.service_id !== undefined && String(entry.service_id) === integration.id);

function lastEntryOf(log: IntegrationLogEntry[], integration: Integration, changeType?: string): IntegrationLogEntry | undefined {
  return log.findLast((entry) => isEntryOf(entry, integration) && (!changeType || entry.change_type === changeType));
}

function statusOf(log: IntegrationLogEntry[], integration: Integration): Status {
  const last = lastEntryOf(log, integration);
  if (!last || last.change_type === "removed") return "absent";
  return last.change_type === "disabled" ? "disabled" : "active";
}

function nextChangeType(random: Random, status: Status, integration: Integration): string {
  if (status === "absent") return "added";
  if (status === "disabled") return random.weighted(["enabled", "removed"], [7, 3]);
  if (integration.kind === "app") return random.weighted(["updated", "expanded", "disabled", "removed"], [3, 3, 2, 1]);
  return random.weighted(["updated", "disabled", "removed"], [5, 3, 1]);
}

/**
 * A stable identity for an integration log entry, which has no ID of its own: a digest of the entry
 * exactly as served (keys sorted). The emulator never serves two identical entries in a workspace.
 */
export function integrationLogKey(entry: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(entry).sort().map((key) => [key, entry[key]]));
  return hexDigest(canonical, 32);
}

function buildIntegrationEntry(random: Random, log: IntegrationLogEntry[], people: User[], integration: Integration, date: number): IntegrationLogEntry {
  const changeType = nextChangeType(random, statusOf(log, integration), integration);
  const actor = random.weighted(people, people.map((user) => (isAdmin(user) ? 4 : 1)));
  const reason = changeType === "disabled" ? random.weighted(DISABLE_REASONS, [55, 10, 8, 15, 12]) : null;
  // Slack, not a person, disables for rate limits or errors: the entry names whoever installed it.
  const installer = lastEntryOf(log, integration, "added")?.user_id;
  const user = reason && reason !== "user" && typeof installer === "string" ? (people.find((person) => person.id === installer) ?? actor) : actor;
  const entry: Record<string, unknown> =
    integration.kind === "app"
      ? { app_id: integration.id, app_type: integration.name }
      : // Slack sends service_id as a number in some entries and a string in others (reference §3).
        { service_id: random.chance(0.5) ? Number(integration.id) : integration.id, service_type: integration.name };
  entry.user_id = user.id;
  entry.user_name = user.name;
  if (integration.kind === "service" && integration.channel) entry.channel = integration.channel;
  entry.date = String(date);
  entry.change_type = changeType;
  if (reason) entry.reason = reason;
  if (integration.name === "RSS" && changeType === "updated") {
    const feed = random.pick(RSS_FEEDS);
    Object.assign(entry, { rss_feed: true, rss_feed_change_type: random.weighted(["added", "removed"], [3, 1]), rss_feed_title: feed.title, rss_feed_url: feed.url });
  }
  const extraScopes = EXTRA_SCOPES.filter((scope) => !integration.scope.split(",").includes(scope));
  entry.scope = changeType === "expanded" ? `${integration.scope},${random.pick(extraScopes)}` : integration.scope;
  return entry as IntegrationLogEntry;
}

function appendIntegrationChange(state: EmulatorState, random: Random, workspace: Workspace, date: number) {
  const log = integrationLogOf(state, workspace.id);
  const people = usersOfTeam(state.world, workspace.id).filter((user) => !user.isDeactivated);
  if (!people.length) return;
  const integrations = state.world.integrations.get(workspace.id) ?? [];
  const rss = rssServiceOf(workspace);
  const sameSecond = new Set(log.filter((entry) => entry.date === String(date)).map(integrationLogKey));
  let entry: IntegrationLogEntry | null = null;
  // Re-roll the rare exact duplicate, so the digest identifies an entry (see integrationLogKey).
  for (let attempt = 0; attempt < 20 && (!entry || sameSecond.has(integrationLogKey(entry))); attempt += 1) {
    const integration = random.chance(0.05) || !integrations.length ? rss : random.pick(integrations);
    entry = buildIntegrationEntry(random, log, people, integration, date);
  }
  log.push(entry!);
}

/** `count` integration changes in one workspace at `now`, following each integration's lifecycle. */
export function generateIntegrationChanges(state: EmulatorState, teamId: string, count: number, now: number): void {
  const workspace = findWorkspace(state.world, teamId);
  if (!workspace) return;
  for (let index = 0; index < count; index += 1) appendIntegrationChange(state, state.random, workspace, now);
}

/**
 * A realistic past for every workspace: 30 days of access rows and 90 days of integration changes.
 * The free workspace gets a little too, though the API answers paid_only there.
 */
export function seedTeamLogsHistory(state: EmulatorState, now: number): void {
  // Independent of how much other seeders draw from state.random.
  const random = createRandom(state.world.seed).fork("team-logs-history");
  for (const workspace of state.world.workspaces) {
    seedAccessRows(state, random, workspace, now);
    const changes = workspace.plan === "enterprise" ? 70 : workspace.plan === "paid" ? 50 : 8;
    const dates = Array.from({ length: changes }, () => now - random.int(600, INTEGRATION_HISTORY_DAYS * DAY)).sort((a, b) => a - b);
    for (const date of dates) appendIntegrationChange(state, random, workspace, date);
  }
}

// ---------------------------------------------------------------------------------------------
// Web API

type Outcome<T> = { ok: true; value: T } | { ok: false; reply: Reply };
const fail = (reply: Reply) => ({ ok: false, reply }) as const;

function invalidArguments(message: string): Reply {
  return webApiError("invalid_arguments", { response_metadata: { messages: [`[ERROR] ${message}`] } });
}

/** Admin user token on a workspace that has logs; an org token names the workspace in team_id. */
function authorizeLogsRequest(context: RequestContext, options: { isMembershipChecked: boolean }): Outcome<Workspace> {
  const { state } = context;
  const check = checkToken(context);
  if (!check.ok) return fail(webApiError(check.error));
  const { token } = check;
  if (token.kind !== "user") return fail(webApiError("not_allowed_token_type"));
  const scopeError = missingScope(token, "admin");
  if (scopeError) return fail(scopeError);
  let workspace: Workspace | undefined;
  if (token.teamId === null) {
    // "Required if org token is used" (reference §2, §3).
    const teamId = parameter(context, "team_id");
    if (!teamId) return fail(webApiError("missing_argument"));
    workspace = findWorkspace(state.world, teamId);
    if (!workspace || workspace.enterpriseId === null || workspace.enterpriseId !== token.enterpriseId) return fail(webApiError("invalid_team_id"));
    // "passing the team_id parameter will result in an invalid_auth error if the org owner is not part of the team" (§3).
    const user = findUser(state.world, token.userId);
    const isMember = user !== undefined && (user.teamId === workspace.id || (user.role === "primary_owner" && user.enterpriseId === workspace.enterpriseId));
    if (options.isMembershipChecked && !isMember) return fail(webApiError("invalid_auth"));
  } else {
    // team_id is ignored with a workspace-level token.
    workspace = findWorkspace(state.world, token.teamId);
    if (!workspace) return fail(webApiError("invalid_auth"));
  }
  if (workspace.plan === "free") return fail(webApiError("paid_only"));
  return { ok: true, value: workspace };
}

/** A whole-number parameter: undefined when absent or empty, NaN when malformed. */
function wholeNumber(context: RequestContext, name: string): number | undefined {
  const raw = parameter(context, name)?.trim();
  if (!raw) return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
}

type ClassicPaging = { count: number; page: number };

function readClassicPaging(context: RequestContext): Outcome<ClassicPaging> {
  const count = wholeNumber(context, "count") ?? DEFAULT_COUNT;
  const page = wholeNumber(context, "page") ?? 1;
  if (!Number.isInteger(count) || count < 1) return fail(invalidArguments("count must be a positive whole number"));
  if (!Number.isInteger(page) || page < 1) return fail(invalidArguments("page must be a positive whole number"));
  if (count > MAX_COUNT || page > MAX_PAGE) return fail(webApiError("over_pagination_limit"));
  return { ok: true, value: { count, page } };
}

function classicPage<T>(items: T[], { count, page }: ClassicPaging) {
  const total = items.length;
  return { items: items.slice((page - 1) * count, page * count), paging: { count, total, page, pages: Math.ceil(total / count) } };
}

// Cached digests of row keys: the tie-break between rows with the same date_last, and what a cursor carries.
const tieBreaks = new WeakMap<AccessLogRow, string>();
function tieBreakOf(row: AccessLogRow): string {
  let value = tieBreaks.get(row);
  if (!value) {
    value = hexDigest(accessLogKey(row), 16);
    tieBreaks.set(row, value);
  }
  return value;
}

/** Newest first by date_last (reference §2: the sort key is UNCONFIRMED, see README Assumptions). */
function sortedAccessRows(state: EmulatorState, teamId: string): AccessLogRow[] {
  const rows = [...(state.accessLogs.get(teamId)?.values() ?? [])];
  return rows.sort((a, b) => b.date_last - a.date_last || (tieBreakOf(a) < tieBreakOf(b) ? -1 : tieBreakOf(a) > tieBreakOf(b) ? 1 : 0));
}

const servedLogin = (row: AccessLogRow) => ({
  user_id: row.user_id,
  username: row.username,
  date_first: row.date_first,
  date_last: row.date_last,
  count: row.count,
  ip: row.ip,
  user_agent: row.user_agent,
  isp: row.isp,
  country: row.country,
  region: row.region,
});

type AccessCursor = { before: number; dateLast: number; tieBreak: string };

// The cursor pins the `before` of the first page and the last row served, so pages stay consistent
// while rows keep growing: a row updated mid-walk moves past `before` and is seen by the next poll.
function encodeAccessCursor(cursor: AccessCursor): string {
  return Buffer.from(`logins:${cursor.before}:${cursor.dateLast}:${cursor.tieBreak}`).toString("base64");
}

function decodeAccessCursor(value: string): AccessCursor | null {
  const match = /^logins:(\d+):(\d+):([0-9a-f]{16})$/.exec(Buffer.from(value, "base64").toString("utf8"));
  return match ? { before: Number(match[1]), dateLast: Number(match[2]), tieBreak: match[3]! } : null;
}

function readBefore(context: RequestContext): number | null {
  const raw = parameter(context, "before")?.trim();
  if (!raw || raw === "now") return context.state.now();
  return /^\d+(\.\d+)?$/.test(raw) ? Math.floor(Number(raw)) : null;
}

export function handleAccessLogs(context: RequestContext): Reply {
  const authorized = authorizeLogsRequest(context, { isMembershipChecked: false });
  if (!authorized.ok) return authorized.reply;
  const before = readBefore(context);
  if (before === null) return invalidArguments("before must be `now` or a Unix timestamp");
  const cursorValue = parameter(context, "cursor")?.trim() ?? "";
  const limit = wholeNumber(context, "limit");
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)) return webApiError("invalid_limit");
  const rows = sortedAccessRows(context.state, authorized.value.id);

  // "If specified, result is returned using a cursor-based approach instead of a classic one" (§2).
  if (limit || cursorValue) {
    const cursor = cursorValue ? decodeAccessCursor(cursorValue) : null;
    if (cursorValue && !cursor) return webApiError("invalid_cursor");
    const bound = cursor?.before ?? before;
    const remaining = rows.filter((row) => row.date_last <= bound && (!cursor || row.date_last < cursor.dateLast || (row.date_last === cursor.dateLast && tieBreakOf(row) > cursor.tieBreak)));
    const page = remaining.slice(0, limit || DEFAULT_CURSOR_LIMIT);
    const last = page.at(-1);
    const nextCursor = last && remaining.length > page.length ? encodeAccessCursor({ before: bound, dateLast: last.date_last, tieBreak: tieBreakOf(last) }) : "";
    return json({ ok: true, logins: page.map(servedLogin), response_metadata: { next_cursor: nextCursor } });
  }

  const paging = readClassicPaging(context);
  if (!paging.ok) return paging.reply;
  const { items, paging: served } = classicPage(
    rows.filter((row) => row.date_last <= before),
    paging.value,
  );
  return json({ ok: true, logins: items.map(servedLogin), paging: served });
}

export function handleIntegrationLogs(context: RequestContext): Reply {
  const authorized = authorizeLogsRequest(context, { isMembershipChecked: true });
  if (!authorized.ok) return authorized.reply;
  const changeType = parameter(context, "change_type")?.trim() || undefined;
  if (changeType && !(CHANGE_TYPE_FILTERS as readonly string[]).includes(changeType)) return invalidArguments(`change_type must be one of ${CHANGE_TYPE_FILTERS.join(", ")}`);
  const appId = parameter(context, "app_id")?.trim() || undefined;
  const serviceId = parameter(context, "service_id")?.trim() || undefined;
  const user = parameter(context, "user")?.trim() || undefined;
  const paging = readClassicPaging(context);
  if (!paging.ok) return paging.reply;
  const entries = [...(context.state.integrationLogs.get(authorized.value.id) ?? [])]
    .reverse()
    .filter(
      (entry) =>
        (!changeType || entry.change_type === changeType) &&
        (!appId || entry.app_id === appId) &&
        (!serviceId || (entry.service_id !== undefined && String(entry.service_id) === serviceId)) &&
        (!user || entry.user_id === user),
    );
  const { items, paging: served } = classicPage(entries, paging.value);
  return json({ ok: true, logs: items, paging: served });
}

// ---------------------------------------------------------------------------------------------
// Ground truth (GET /_emulator/ground-truth?kind=access|integration[&team=T…])

/** Workspaces named by `team`, or every workspace whose logs the API serves. */
function groundTruthTeams(state: EmulatorState, query: URLSearchParams): string[] {
  const team = query.get("team");
  if (team) return findWorkspace(state.world, team) ? [team] : [];
  return workspacesWithLogs(state.world).map((workspace) => workspace.id);
}

/** Every (user, IP, user agent) combination with its date_first, date_last and count, newest first. */
export function accessGroundTruth(state: EmulatorState, query: URLSearchParams): object {
  const rows = groundTruthTeams(state, query).flatMap((teamId) => sortedAccessRows(state, teamId).map((row) => ({ teamId, ...servedLogin(row) })));
  return { now: state.now(), rows };
}

/** Every integration log entry with its key (integrationLogKey of the served entry), newest first. */
export function integrationGroundTruth(state: EmulatorState, query: URLSearchParams): object {
  const entries = groundTruthTeams(state, query).flatMap((teamId) =>
    [...(state.integrationLogs.get(teamId) ?? [])].reverse().map((entry) => ({ teamId, key: integrationLogKey(entry), date: Number(entry.date), change_type: entry.change_type, entry })),
  );
  return { now: state.now(), entries };
}
