import { ErrorCode, LogLevel, WebClient, WebClientEvent, type TeamAccessLogsResponse, type TeamIntegrationLogsResponse } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulatorState, startEmulator, type RunningEmulator } from "@/emulator/server";
import { accessGroundTruth, DISABLE_REASONS, integrationLogKey } from "@/emulator/team-logs";

// team.accessLogs and team.integrationLogs as Slack's own SDK and a plain HTTP client see them.
// Every test registers its own app, so each has its own Tier 2 budget (per method, team and app).

const DAY = 86_400;
const START = 1_760_000_000;

type Login = { user_id: string; ip: string | null; user_agent: string; date_first: number; date_last: number; count: number } & Record<string, unknown>;
type GroundTruthRow = Login & { teamId: string };
type LogEntry = { date: string; change_type: string; user_id: string } & Record<string, unknown>;
type GroundTruthEntry = { teamId: string; key: string; date: number; change_type: string; entry: LogEntry };
type WorkspaceInfo = { id: string; plan: "enterprise" | "paid" | "free" };
type TokenOptions = { scopes?: string[]; kind?: "user" | "bot"; userId?: string; isEnterpriseInstall?: boolean };

const keyOf = (row: { user_id: string; ip: string | null; user_agent: string }) => `${row.user_id}|${row.ip}|${row.user_agent}`;
const withoutTeam = ({ teamId: _teamId, ...row }: GroundTruthRow) => row;

let clock = START;
let emulator: RunningEmulator;
let paid: WorkspaceInfo;
let free: WorkspaceInfo;
let grid: WorkspaceInfo[];

async function control<T = Record<string, unknown>>(path: string, body?: object): Promise<T> {
  const response = await fetch(`${emulator.controlUrl}${path}`, body ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {});
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as T;
}

/** A token for a fresh app: its own rate-limit budget. */
async function mintToken(teamId: string | null, options: TokenOptions = {}): Promise<string> {
  const app = await control<{ clientId: string }>("/apps", { name: `Tributary ${Math.random()}`, redirectUrls: ["http://x/cb"], userScopes: ["admin"], botScopes: [] });
  const token = await control<{ value: string }>("/tokens", { clientId: app.clientId, teamId, scopes: options.scopes ?? ["admin"], kind: options.kind, userId: options.userId, isEnterpriseInstall: options.isEnterpriseInstall });
  return token.value;
}

function sdk(token: string, options: ConstructorParameters<typeof WebClient>[1] = {}) {
  return new WebClient(token, { slackApiUrl: `${emulator.slackApiUrl}/`, retryConfig: { retries: 0 }, ...options });
}

/** A Web API call as a plain form POST (or GET with a query string), token in the Authorization header. */
async function callApi(method: string, token: string | null, params: Record<string, string> = {}, verb: "GET" | "POST" = "POST", target = emulator) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const query = verb === "GET" ? `?${new URLSearchParams(params)}` : "";
  const response = await fetch(`${target.slackApiUrl}/${method}${query}`, {
    method: verb,
    headers: verb === "POST" ? { ...headers, "content-type": "application/x-www-form-urlencoded" } : headers,
    body: verb === "POST" ? new URLSearchParams(params) : undefined,
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
}

async function accessTruth(teamId: string): Promise<GroundTruthRow[]> {
  return (await control<{ rows: GroundTruthRow[] }>(`/ground-truth?kind=access&team=${teamId}`)).rows;
}

async function integrationTruth(teamId: string): Promise<GroundTruthEntry[]> {
  return (await control<{ entries: GroundTruthEntry[] }>(`/ground-truth?kind=integration&team=${teamId}`)).entries;
}

async function allLogins(token: string, params: Record<string, string> = {}): Promise<Login[]> {
  const { body } = await callApi("team.accessLogs", token, { count: "1000", ...params });
  expect(body.ok).toBe(true);
  return body.logins as Login[];
}

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: "t", traffic: { isPaused: true }, now: () => clock });
  const world = await control<{ workspaces: WorkspaceInfo[] }>("");
  paid = world.workspaces.find((workspace) => workspace.plan === "paid")!;
  free = world.workspaces.find((workspace) => workspace.plan === "free")!;
  grid = world.workspaces.filter((workspace) => workspace.plan === "enterprise");
});

afterAll(async () => {
  await emulator.stop();
});

describe("team.accessLogs", () => {
  it("serves the aggregated rows newest first by date_last with Slack's paging object", async () => {
    const client = sdk(await mintToken(paid.id));
    const truth = await accessTruth(paid.id);
    const full = (await client.team.accessLogs({ count: 1000 })) as TeamAccessLogsResponse;
    expect(full.ok).toBe(true);
    expect(full.paging).toEqual({ count: 1000, total: truth.length, page: 1, pages: 1 });
    expect(full.logins).toEqual(truth.map(withoutTeam));
    for (const [index, login] of (full.logins as Login[]).entries()) {
      expect(Object.keys(login)).toEqual(["user_id", "username", "date_first", "date_last", "count", "ip", "user_agent", "isp", "country", "region"]);
      expect(login.user_id).toMatch(/^[UW][A-Z0-9]{2,}$/);
      expect(Number.isInteger(login.date_first) && Number.isInteger(login.date_last)).toBe(true);
      expect(login.date_first).toBeLessThanOrEqual(login.date_last);
      expect(login.date_last).toBeLessThanOrEqual(clock);
      expect(login.date_first).toBeGreaterThanOrEqual(clock - 30 * DAY);
      expect(login.count).toBeGreaterThanOrEqual(login.date_first === login.date_last ? 1 : 2);
      if (index > 0) expect(login.date_last).toBeLessThanOrEqual((full.logins as Login[])[index - 1]!.date_last);
    }

    const first = (await client.team.accessLogs()) as TeamAccessLogsResponse;
    expect(first.paging).toEqual({ count: 100, total: truth.length, page: 1, pages: Math.ceil(truth.length / 100) });
    expect(first.logins).toEqual(truth.slice(0, 100).map(withoutTeam));
    // Classic paging has no cursor (the SDK adds an empty response_metadata of its own).
    expect((await callApi("team.accessLogs", await mintToken(paid.id))).body).not.toHaveProperty("response_metadata");
  });

  it("grows date_last and count of combinations in use and adds new combinations at date_first", async () => {
    const token = await mintToken(paid.id);
    const before = new Map((await allLogins(token)).map((login) => [keyOf(login), login]));
    clock += 120;
    await control("/traffic/generate", { access: 60, teamId: paid.id });
    const after = await allLogins(token);

    const grown = after.filter((login) => before.has(keyOf(login)) && login.count > before.get(keyOf(login))!.count);
    const added = after.filter((login) => !before.has(keyOf(login)));
    expect(grown.length).toBeGreaterThan(10);
    expect(added.length).toBeGreaterThan(0);
    for (const login of grown) {
      expect(login.date_last).toBe(clock);
      expect(login.date_first).toBe(before.get(keyOf(login))!.date_first);
    }
    for (const login of added) {
      expect(login.date_first).toBe(clock);
      expect(login.date_last).toBe(clock);
      expect(login.count).toBeGreaterThanOrEqual(1);
    }
    expect(after.length).toBe(before.size + added.length);
    // Every access spent exactly one count.
    const spent = after.reduce((sum, login) => sum + login.count, 0) - [...before.values()].reduce((sum, login) => sum + login.count, 0);
    expect(spent).toBe(60);
    // What changed now leads the list.
    const changed = grown.length + added.length;
    expect(after.slice(0, changed).every((login) => login.date_last === clock)).toBe(true);
  });

  it("moves back in time with an inclusive before", async () => {
    const token = await mintToken(paid.id);
    const full = await allLogins(token);
    const { body: page } = await callApi("team.accessLogs", token, { count: "20" });
    const oldest = (page.logins as Login[]).at(-1)!;

    const older = await allLogins(token, { before: String(oldest.date_last) });
    expect(older.every((login) => login.date_last <= oldest.date_last)).toBe(true);
    expect(older.map(keyOf)).toContain(keyOf(oldest));
    expect(older).toEqual(full.filter((login) => login.date_last <= oldest.date_last));

    const twentyDaysAgo = clock - 20 * DAY;
    const { body: far } = await callApi("team.accessLogs", token, { before: String(twentyDaysAgo), count: "1000" });
    const farLogins = far.logins as Login[];
    expect(farLogins.length).toBeGreaterThan(0);
    expect(farLogins.length).toBeLessThan(older.length);
    expect(farLogins.every((login) => login.date_last <= twentyDaysAgo)).toBe(true);
    expect((far.paging as { total: number }).total).toBe(farLogins.length);

    expect(await allLogins(token, { before: "now" })).toEqual(full);
  });

  it("pages with count and page and refuses more than 1000 per page or 100 pages", async () => {
    const token = await mintToken(paid.id);
    const full = await allLogins(token);
    const { body } = await callApi("team.accessLogs", token, { count: "7", page: "3" });
    expect(body.logins).toEqual(full.slice(14, 21));
    expect(body.paging).toEqual({ count: 7, total: full.length, page: 3, pages: Math.ceil(full.length / 7) });

    const pastTheEnd = await callApi("team.accessLogs", token, { count: "100", page: "50" });
    expect(pastTheEnd.body).toMatchObject({ ok: true, logins: [], paging: { page: 50, total: full.length } });
    expect((await callApi("team.accessLogs", token, { count: "1000", page: "100" })).body.ok).toBe(true);

    for (const params of [{ count: "1001" }, { page: "101" }, { count: "5000", page: "1" }] as Record<string, string>[]) {
      const response = await callApi("team.accessLogs", token, params);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: false, error: "over_pagination_limit" });
    }
    for (const params of [{ count: "abc" }, { page: "0" }, { count: "-5" }, { before: "yesterday" }] as Record<string, string>[]) {
      expect((await callApi("team.accessLogs", token, params)).body).toMatchObject({ ok: false, error: "invalid_arguments" });
    }
  });

  it("walks every row with cursors through the SDK's paginate()", async () => {
    const client = sdk(await mintToken(paid.id));
    const truth = await accessTruth(paid.id);
    const seen: Login[] = [];
    const cursors: string[] = [];
    for await (const page of client.paginate("team.accessLogs", { limit: 40 })) {
      const response = page as TeamAccessLogsResponse;
      expect(response).not.toHaveProperty("paging");
      expect(response.logins!.length).toBeLessThanOrEqual(40);
      seen.push(...(response.logins as Login[]));
      cursors.push(response.response_metadata!.next_cursor!);
    }
    expect(cursors.length).toBe(Math.ceil(truth.length / 40));
    expect(cursors.at(-1)).toBe("");
    expect(seen).toEqual(truth.map(withoutTeam));
  });

  it("keeps a cursor walk consistent while rows keep growing", async () => {
    const token = await mintToken(paid.id);
    const first = await callApi("team.accessLogs", token, { limit: "30" });
    const bound = clock;
    const firstKeys = new Set((first.body.logins as Login[]).map(keyOf));
    clock += 60;
    await control("/traffic/generate", { access: 40, teamId: paid.id });
    const second = await callApi("team.accessLogs", token, { limit: "1000", cursor: (first.body.response_metadata as { next_cursor: string }).next_cursor });
    const secondLogins = second.body.logins as Login[];
    expect(secondLogins.length).toBeGreaterThan(0);
    expect(secondLogins.some((login) => firstKeys.has(keyOf(login)))).toBe(false);
    expect(secondLogins.every((login) => login.date_last <= bound)).toBe(true);
    expect(second.body.response_metadata).toEqual({ next_cursor: "" });
  });

  it("answers invalid_cursor and invalid_limit", async () => {
    const token = await mintToken(paid.id);
    expect((await callApi("team.accessLogs", token, { limit: "10", cursor: "xxxx" })).body).toEqual({ ok: false, error: "invalid_cursor" });
    expect((await callApi("team.accessLogs", token, { cursor: Buffer.from("logins:1:2:zz").toString("base64") })).body).toEqual({ ok: false, error: "invalid_cursor" });
    for (const limit of ["-1", "1001", "ten"]) expect((await callApi("team.accessLogs", token, { limit })).body).toEqual({ ok: false, error: "invalid_limit" });
    // limit=0 is the documented default: classic paging.
    expect((await callApi("team.accessLogs", token, { limit: "0" })).body).toHaveProperty("paging");
  });

  it("needs team_id with an org token, and only a workspace of the org", async () => {
    const token = await mintToken(null, { isEnterpriseInstall: true });
    expect((await callApi("team.accessLogs", token)).body).toEqual({ ok: false, error: "missing_argument" });
    expect((await callApi("team.accessLogs", token, { team_id: paid.id })).body).toEqual({ ok: false, error: "invalid_team_id" });
    expect((await callApi("team.accessLogs", token, { team_id: "T0NOTREAL00" })).body).toEqual({ ok: false, error: "invalid_team_id" });
    for (const workspace of grid) {
      const response = (await sdk(token).team.accessLogs({ team_id: workspace.id, count: 1000 })) as TeamAccessLogsResponse;
      expect(response.logins).toEqual((await accessTruth(workspace.id)).map(withoutTeam));
    }
    // A workspace-level token ignores team_id.
    const workspaceToken = await mintToken(paid.id);
    expect(await allLogins(workspaceToken, { team_id: grid[0]!.id })).toEqual(await allLogins(workspaceToken));
  });
});

describe("team.integrationLogs", () => {
  it("serves the change log newest first with string dates and services and apps told apart", async () => {
    const client = sdk(await mintToken(paid.id));
    const truth = await integrationTruth(paid.id);
    const response = (await client.team.integrationLogs({ count: 1000 })) as TeamIntegrationLogsResponse;
    const logs = response.logs as LogEntry[];
    expect(response.paging).toEqual({ count: 1000, total: truth.length, page: 1, pages: 1 });
    expect(logs.map(integrationLogKey)).toEqual(truth.map((entry) => entry.key));
    expect(new Set(truth.map((entry) => entry.key)).size).toBe(truth.length);

    for (const [index, entry] of logs.entries()) {
      expect(entry.date).toMatch(/^\d+$/);
      if (index > 0) expect(Number(entry.date)).toBeLessThanOrEqual(Number(logs[index - 1]!.date));
      expect(entry.user_id).toMatch(/^U[A-Z0-9]+$/);
      expect(typeof entry.user_name).toBe("string");
      expect(typeof entry.scope).toBe("string");
      expect(["added", "removed", "enabled", "disabled", "updated", "expanded"]).toContain(entry.change_type);
      if ("service_id" in entry) {
        expect(typeof entry.service_type).toBe("string");
        expect(entry).not.toHaveProperty("app_id");
      } else {
        expect(entry.app_id).toMatch(/^A0/);
        expect(typeof entry.app_type).toBe("string");
      }
      if (entry.change_type === "disabled") expect(DISABLE_REASONS).toContain(entry.reason);
      else expect(entry).not.toHaveProperty("reason");
    }
    const serviceIdTypes = new Set(logs.filter((entry) => "service_id" in entry).map((entry) => typeof entry.service_id));
    expect(serviceIdTypes).toEqual(new Set(["number", "string"]));
    const rss = logs.find((entry) => entry.rss_feed === true);
    expect(rss).toMatchObject({ service_type: "RSS", change_type: "updated", rss_feed_url: expect.stringMatching(/^https:\/\//), rss_feed_title: expect.any(String) });
    expect(["added", "removed"]).toContain(rss!.rss_feed_change_type);
    expect(logs.some((entry) => typeof entry.scope === "string" && entry.scope.includes(","))).toBe(true);
  });

  it("filters by change_type, app_id, service_id and user", async () => {
    const token = await mintToken(paid.id);
    const truth = (await integrationTruth(paid.id)).map((entry) => entry.entry);
    const filtered = async (params: Record<string, string>) => {
      const { body } = await callApi("team.integrationLogs", token, { count: "1000", ...params });
      expect(body.ok).toBe(true);
      return body.logs as LogEntry[];
    };
    expect(await filtered({ change_type: "disabled" })).toEqual(truth.filter((entry) => entry.change_type === "disabled"));
    const app = truth.find((entry) => "app_id" in entry)!;
    expect(await filtered({ app_id: String(app.app_id) })).toEqual(truth.filter((entry) => entry.app_id === app.app_id));
    const numeric = truth.find((entry) => typeof entry.service_id === "number")!;
    const byService = await filtered({ service_id: String(numeric.service_id) });
    expect(byService).toEqual(truth.filter((entry) => entry.service_id !== undefined && String(entry.service_id) === String(numeric.service_id)));
    expect(byService.length).toBeGreaterThan(0);
    const user = truth[0]!.user_id;
    expect(await filtered({ user, change_type: truth[0]!.change_type })).toEqual(truth.filter((entry) => entry.user_id === user && entry.change_type === truth[0]!.change_type));

    // `expanded` shows up in responses but is not a filter value.
    for (const change_type of ["expanded", "deleted"]) {
      expect((await callApi("team.integrationLogs", token, { change_type })).body).toMatchObject({ ok: false, error: "invalid_arguments" });
    }
  });

  it("pages classically and refuses more than 1000 per page or 100 pages", async () => {
    const token = await mintToken(paid.id);
    const truth = (await integrationTruth(paid.id)).map((entry) => entry.entry);
    const { body } = await callApi("team.integrationLogs", token, { count: "9", page: "2" }, "GET");
    expect(body.logs).toEqual(truth.slice(9, 18));
    expect(body.paging).toEqual({ count: 9, total: truth.length, page: 2, pages: Math.ceil(truth.length / 9) });
    expect((await callApi("team.integrationLogs", token, { count: "1001" })).body).toEqual({ ok: false, error: "over_pagination_limit" });
    expect((await callApi("team.integrationLogs", token, { page: "101" })).body).toEqual({ ok: false, error: "over_pagination_limit" });
  });

  it("shows new changes first as they happen", async () => {
    const client = sdk(await mintToken(paid.id));
    const before = (await client.team.integrationLogs({ count: 1000 })) as TeamIntegrationLogsResponse;
    clock += 300;
    await control("/traffic/generate", { integration: 5, teamId: paid.id });
    const after = (await client.team.integrationLogs({ count: 1000 })) as TeamIntegrationLogsResponse;
    expect(after.paging!.total).toBe(before.paging!.total! + 5);
    expect(after.logs!.slice(0, 5).every((entry) => entry.date === String(clock))).toBe(true);
    expect(after.logs!.slice(5)).toEqual(before.logs);
  });

  it("needs team_id with an org token and answers invalid_auth when the user is not in that workspace", async () => {
    const owner = await mintToken(null, { isEnterpriseInstall: true });
    expect((await callApi("team.integrationLogs", owner)).body).toEqual({ ok: false, error: "missing_argument" });
    expect((await callApi("team.integrationLogs", owner, { team_id: paid.id })).body).toEqual({ ok: false, error: "invalid_team_id" });
    for (const workspace of grid) {
      const response = (await sdk(owner).team.integrationLogs({ team_id: workspace.id, count: 1000 })) as TeamIntegrationLogsResponse;
      expect(response.logs!.map((entry) => integrationLogKey(entry as Record<string, unknown>))).toEqual((await integrationTruth(workspace.id)).map((entry) => entry.key));
    }
    const admin = emulator.state.world.users.find((user) => user.teamId === grid[0]!.id && user.role === "admin")!;
    const adminToken = await mintToken(null, { isEnterpriseInstall: true, userId: admin.id });
    expect((await callApi("team.integrationLogs", adminToken, { team_id: grid[1]!.id })).body).toEqual({ ok: false, error: "invalid_auth" });
    expect((await callApi("team.integrationLogs", adminToken, { team_id: grid[0]!.id })).body.ok).toBe(true);
  });
});

describe.each(["team.accessLogs", "team.integrationLogs"])("%s errors", (method) => {
  it("answers token, scope and plan failures with HTTP 200 and ok:false", async () => {
    const expectError = async (token: string | null, error: string, params: Record<string, string> = {}) => {
      const response = await callApi(method, token, params);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ ok: false, error });
    };
    await expectError(null, "not_authed");
    await expectError("xoxp-1-2-3-0123456789abcdef", "invalid_auth");

    // A token in the query string does not count (reference §0).
    const good = await mintToken(paid.id);
    const inQuery = await fetch(`${emulator.slackApiUrl}/${method}?token=${good}`);
    expect(await inQuery.json()).toEqual({ ok: false, error: "not_authed" });
    expect((await callApi(method, good, {}, "GET")).body.ok).toBe(true);

    const revoked = await mintToken(paid.id);
    await control("/tokens/revoke", { token: revoked });
    await expectError(revoked, "token_revoked");

    const person = emulator.state.world.users.find((user) => user.teamId === paid.id && user.role === "user")!;
    const inactive = await mintToken(paid.id, { userId: person.id });
    await control(`/users/${person.id}/deactivate`, {});
    try {
      // A deactivated user's user token is revoked (reference §6, O11).
      await expectError(inactive, "token_revoked");
    } finally {
      await control(`/users/${person.id}/reactivate`, {});
    }

    await expectError(await mintToken(paid.id, { kind: "bot" }), "not_allowed_token_type");
    const narrow = await callApi(method, await mintToken(paid.id, { scopes: ["users:read", "team:read"] }));
    expect(narrow.body).toEqual({ ok: false, error: "missing_scope", needed: "admin", provided: "users:read,team:read" });
    await expectError(await mintToken(free.id), "paid_only");
  });

  it("reaches the SDK as a platform error with the code", async () => {
    const client = sdk(await mintToken(free.id));
    const call = method === "team.accessLogs" ? client.team.accessLogs() : client.team.integrationLogs();
    await expect(call).rejects.toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: "paid_only" } });
  });
});

describe("rate limits (Tier 2, windows sped up 60×)", () => {
  let fast: RunningEmulator;
  beforeAll(async () => {
    fast = await startEmulator({ port: 0, seed: "t", speedUp: 60, traffic: { isPaused: true } });
  });
  afterAll(async () => {
    await fast.stop();
  });

  async function fastToken(): Promise<string> {
    const post = async <T>(path: string, body: object) => (await (await fetch(`${fast.controlUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })).json()) as T;
    const app = await post<{ clientId: string }>("/apps", { name: "Tributary", redirectUrls: ["http://x/cb"], userScopes: ["admin"], botScopes: [] });
    return (await post<{ value: string }>("/tokens", { clientId: app.clientId, teamId: fast.state.world.workspaces.find((workspace) => workspace.plan === "paid")!.id, scopes: ["admin"] })).value;
  }

  it("answers 429 with Retry-After past 20 calls a window, and the SDK waits and retries", async () => {
    const token = await fastToken();
    const raw = await Promise.all(Array.from({ length: 25 }, () => callApi("team.accessLogs", token, {}, "POST", fast)));
    const limited = raw.filter((response) => response.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ retryAfter: "1", body: { ok: false, error: "ratelimited" } });

    const client = new WebClient(token, { slackApiUrl: `${fast.slackApiUrl}/`, retryConfig: { retries: 3, minTimeout: 0, maxTimeout: 0 }, logLevel: LogLevel.ERROR });
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const results = await Promise.all(Array.from({ length: 25 }, () => client.team.integrationLogs({ count: 5 })));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((seconds) => seconds === 1)).toBe(true);
  });

  it("rejects rate-limited calls when the SDK is told to", async () => {
    const client = new WebClient(await fastToken(), { slackApiUrl: `${fast.slackApiUrl}/`, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const settled = await Promise.allSettled(Array.from({ length: 25 }, () => client.team.accessLogs()));
    const rejected = settled.filter((result) => result.status === "rejected");
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected[0]!.reason).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });
  });
});

describe("ground truth", () => {
  it("lists the workspaces that have logs unless one is named", async () => {
    const all = await control<{ rows: GroundTruthRow[] }>("/ground-truth?kind=access");
    expect(new Set(all.rows.map((row) => row.teamId))).toEqual(new Set([...grid.map((workspace) => workspace.id), paid.id]));
    expect((await accessTruth(free.id)).length).toBeGreaterThan(0);
    const entries = await control<{ entries: GroundTruthEntry[] }>("/ground-truth?kind=integration");
    expect(entries.entries.every((entry) => entry.date === Number(entry.entry.date) && entry.key === integrationLogKey(entry.entry))).toBe(true);
  });

  it("derives the same history from the same seed and clock", () => {
    const truth = (seed: string) => accessGroundTruth(createEmulatorState({ seed, now: () => START, traffic: { isPaused: true } }), new URLSearchParams());
    expect(truth("t")).toEqual(truth("t"));
    expect(truth("t")).not.toEqual(truth("u"));
  });
});
