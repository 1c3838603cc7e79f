import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "@/emulator/audit-catalog";
import { startEmulator, type RunningEmulator } from "@/emulator/server";

// The Audit Logs API as a puller meets it (reference §1): paging, bounds, ties, filters, every
// refusal, the org-wide rate limit and bulk mode. Checked against the emulator's ground truth.

type Entry = {
  id: string;
  date_create: number;
  action: string;
  actor: { type: string; user: { id: string; name: string; email: string; team: string } };
  entity: { type: string } & Record<string, { id?: string; channel?: string } | string>;
  context: { location: { type: string; id: string }; ua: string; ip_address: string; session_id: string | number | null; app?: { id: string } };
  details?: Record<string, unknown>;
};
type LogsBody = { entries: Entry[]; response_metadata: { next_cursor: string } };
type Truth = {
  total: number;
  stored: number;
  bulk?: { count: number; oldest: number; latest: number; seed: string };
  served: { distinct: number; rows: number; bulk: { distinct: number; rows: number } };
  events: { id: string; date_create: number; served: boolean }[];
};

let emulator: RunningEmulator;
let token: string;
let clientId: string;

beforeAll(async () => {
  // Rate-limit windows shrink to a millisecond here so paging never waits; the rate-limit test
  // runs its own emulator at real speed.
  emulator = await startEmulator({ port: 0, seed: "t", speedUp: 60_000, traffic: { isPaused: true } });
  ({ clientId, token } = await grantAuditToken(emulator));
});

afterAll(async () => {
  await emulator.stop();
});

async function control<T = Record<string, unknown>>(target: RunningEmulator, path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
  const response = await fetch(`${target.controlUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as T };
}

async function grantAuditToken(target: RunningEmulator, tokenFields: Record<string, unknown> = {}) {
  const app = await control<{ clientId: string }>(target, "/apps", { name: "Tributary", redirectUrls: ["http://x/cb"], userScopes: ["auditlogs:read"], botScopes: [] });
  const granted = await control<{ value: string }>(target, "/tokens", { clientId: app.body.clientId, isEnterpriseInstall: true, scopes: ["auditlogs:read"], ...tokenFields });
  expect(granted.status).toBe(201);
  return { clientId: app.body.clientId, token: granted.body.value };
}

async function logs(parameters: Record<string, string | number>, bearer: string | null = token, target = emulator) {
  const query = new URLSearchParams(Object.entries(parameters).map(([key, value]) => [key, String(value)]));
  const response = await fetch(`${target.slackAuditApiUrl}/logs?${query}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
  return { status: response.status, headers: response.headers, body: (await response.json()) as LogsBody & Record<string, unknown> };
}

/** Every page of a query, resending the same parameters with each cursor as pullers must (§7). */
async function pageThrough(parameters: Record<string, string | number>) {
  const pages: Entry[][] = [];
  let cursor = "";
  do {
    const { status, body } = await logs(cursor ? { ...parameters, cursor } : parameters);
    expect(status).toBe(200);
    expect(body).not.toHaveProperty("ok");
    pages.push(body.entries);
    cursor = body.response_metadata.next_cursor;
  } while (cursor);
  return pages;
}

const groundTruth = async (parameters = "") => (await control<Truth>(emulator, `/ground-truth?kind=audit${parameters}`)).body;
const generate = async (count: number) => (await control<{ audit: { id: string; date_create: number }[] }>(emulator, "/traffic/generate", { audit: count })).body.audit;

describe("GET /audit/v1/logs paging", () => {
  it("serves every event exactly once, newest first, as the ground truth lists them", async () => {
    await generate(25);
    const truth = await groundTruth();
    expect(truth.total).toBeGreaterThanOrEqual(625);
    const oldest = truth.events.at(-1)!.date_create;

    const pages = await pageThrough({ oldest, limit: 50 });
    const served = pages.flat();
    expect(pages.length).toBeGreaterThan(10);
    expect(served.map((entry) => entry.id)).toEqual(truth.events.map((event) => event.id));
    expect(new Set(served.map((entry) => entry.id)).size).toBe(served.length);
    for (let index = 1; index < served.length; index += 1) expect(served[index]!.date_create).toBeLessThanOrEqual(served[index - 1]!.date_create);

    const after = await groundTruth();
    expect(after.events.every((event) => event.served)).toBe(true);
    expect(after.served.distinct).toBeGreaterThanOrEqual(truth.total);
  });

  it("finishes the boundary second even when that passes the limit", async () => {
    const created = await generate(7);
    const second = created[0]!.date_create;
    const sameSecond = await groundTruth(`&oldest=${second}&latest=${second}`);
    expect(sameSecond.total).toBeGreaterThanOrEqual(7);

    const first = await logs({ latest: second, limit: 3 });
    expect(first.body.entries).toHaveLength(sameSecond.total);
    expect(first.body.entries.every((entry) => entry.date_create === second)).toBe(true);
    const next = await logs({ latest: second, limit: 3, cursor: first.body.response_metadata.next_cursor });
    expect(next.body.entries.length).toBeGreaterThanOrEqual(3);
    expect(next.body.entries.every((entry) => entry.date_create < second)).toBe(true);
    const lastSecond = next.body.entries.at(-1)!.date_create;
    const whole = await groundTruth(`&oldest=${lastSecond}&latest=${lastSecond}`);
    expect(next.body.entries.filter((entry) => entry.date_create === lastSecond).map((entry) => entry.id)).toEqual(whole.events.map((event) => event.id));
  });

  it("forgets oldest when a cursor is sent without it, as the live API does (§1.4)", async () => {
    const truth = await groundTruth();
    const oldest = truth.events[40]!.date_create;
    const first = await logs({ oldest, limit: 20 });
    expect(first.body.entries.every((entry) => entry.date_create >= oldest)).toBe(true);
    const withBound = await pageThrough({ oldest, limit: 20 });
    expect(withBound.flat().every((entry) => entry.date_create >= oldest)).toBe(true);

    const withoutBound = await logs({ limit: 9999, cursor: first.body.response_metadata.next_cursor });
    expect(withoutBound.body.entries.some((entry) => entry.date_create < oldest)).toBe(true);
    expect(withoutBound.body.entries.map((entry) => entry.id)).toEqual(truth.events.slice(first.body.entries.length).map((event) => event.id));
  });

  it("includes both bounds", async () => {
    const truth = await groundTruth();
    const newer = truth.events[100]!.date_create;
    const older = truth.events[200]!.date_create;
    const window = await groundTruth(`&oldest=${older}&latest=${newer}`);
    const served = (await pageThrough({ oldest: older, latest: newer, limit: 30 })).flat();
    expect(served.map((entry) => entry.id)).toEqual(window.events.map((event) => event.id));
    expect(served[0]!.date_create).toBe(newer);
    expect(served.at(-1)!.date_create).toBe(older);

    const empty = await logs({ oldest: newer, latest: older });
    expect(empty.body).toEqual({ entries: [], response_metadata: { next_cursor: "" } });
  });

  it("filters by action, actor and entity, combined with AND", async () => {
    const everything = (await logs({ limit: 9999 })).body.entries;
    expect(everything.length).toBeGreaterThan(600);
    const ids = (entries: Entry[]) => entries.map((entry) => entry.id);

    const byActions = (await pageThrough({ action: "user_login,file_downloaded", limit: 100 })).flat();
    expect(byActions.length).toBeGreaterThan(0);
    expect(ids(byActions)).toEqual(ids(everything.filter((entry) => entry.action === "user_login" || entry.action === "file_downloaded")));

    const actor = everything.find((entry) => entry.action === "user_login")!.actor.user.id;
    const byActor = (await logs({ actor, limit: 9999 })).body.entries;
    expect(ids(byActor)).toEqual(ids(everything.filter((entry) => entry.actor.user.id === actor)));

    const fileEvent = everything.find((entry) => entry.entity.type === "file")!;
    const fileId = (fileEvent.entity.file as { id: string }).id;
    expect(ids((await logs({ entity: fileId })).body.entries)).toEqual([fileEvent.id]);

    const both = (await logs({ actor, action: "user_login", limit: 9999 })).body.entries;
    expect(both.every((entry) => entry.actor.user.id === actor && entry.action === "user_login")).toBe(true);
    expect(await logs({ action: "workspace_deleted" })).toMatchObject({ status: 200, body: { entries: [], response_metadata: { next_cursor: "" } } });
  });
});

describe("events", () => {
  it("look like Slack's, types quirks included (§1.3)", async () => {
    const entries = (await logs({ limit: 9999 })).body.entries;
    const catalogue = new Set(Object.values(AUDIT_ACTIONS).flat());
    const world = emulator.state.world;
    for (const entry of entries) {
      expect(entry.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(catalogue.has(entry.action)).toBe(true);
      expect(entry.actor.type).toBe("user");
      expect(entry.actor.user.id).toMatch(/^(W[A-Z0-9]{10}|USLACKSECURITY|USLACKUSER)$/);
      expect(entry.entity[entry.entity.type]).toBeTypeOf("object");
      expect(["enterprise", "workspace"]).toContain(entry.context.location.type);
      expect([world.enterprise.id, ...world.enterprise.workspaceIds]).toContain(entry.context.location.id);
    }
    const actions = entries.map((entry) => entry.action);
    const logins = actions.filter((action) => action === "user_login").length;
    expect(logins).toBeGreaterThan(entries.length / 4);
    expect(new Set(actions).size).toBeGreaterThan(15);

    const sessionTypes = new Set(entries.map((entry) => (entry.context.session_id === null ? "null" : typeof entry.context.session_id)));
    expect(sessionTypes).toEqual(new Set(["string", "number", "null"]));
    expect(entries.some((entry) => entry.context.ip_address === "")).toBe(true);
    const anomaly = entries.find((entry) => entry.action === "anomaly")!;
    expect(Array.isArray(anomaly.details?.reason)).toBe(true);
    expect(String(anomaly.details?.action_timestamp)).toHaveLength(16);
    const byApp = entries.find((entry) => entry.context.app);
    expect(byApp?.context.session_id).toBeNull();
    const channelEvent = entries.find((entry) => entry.entity.type === "channel")!;
    expect(channelEvent.entity.channel).toMatchObject({ privacy: expect.stringMatching(/^(public|private)$/), is_shared: false });
  });

  it("are the same for the same seed", async () => {
    const other = await startEmulator({ port: 0, seed: "t", speedUp: 60_000, traffic: { isPaused: true }, now: () => emulator.state.now() });
    try {
      const first = emulator.state.auditEntries.get(emulator.state.world.enterprise.id)!.slice(0, 50);
      const second = other.state.auditEntries.get(other.state.world.enterprise.id)!.slice(0, 50);
      expect(second.map((entry) => [entry.action, entry.id])).toEqual(first.map((entry) => [entry.action, entry.id]));
    } finally {
      await other.stop();
    }
  });
});

describe("refusals (non-2xx with an ok:false body, §1.8)", () => {
  it("needs a token, a valid one, not revoked, whose owner is active", async () => {
    expect(await logs({}, null)).toMatchObject({ status: 401, body: { ok: false, error: "not_authed" } });
    expect(await logs({}, "xoxp-1-2-3-nope")).toMatchObject({ status: 401, body: { ok: false, error: "invalid_auth" } });

    const revoked = await grantAuditToken(emulator);
    expect((await logs({}, revoked.token)).status).toBe(200);
    await control(emulator, "/tokens/revoke", { token: revoked.token });
    expect(await logs({}, revoked.token)).toMatchObject({ status: 401, body: { ok: false, error: "token_revoked" } });

    const owner = emulator.state.world.users.find((user) => user.role === "primary_owner" && user.enterpriseId === emulator.state.world.enterprise.id)!;
    await control(emulator, `/users/${owner.id}/deactivate`, {});
    try {
      // A deactivated owner's user token is revoked (reference §6, O11), and stays so.
      expect(await logs({})).toMatchObject({ status: 401, body: { ok: false, error: "token_revoked" } });
    } finally {
      await control(emulator, `/users/${owner.id}/reactivate`, {});
    }
    expect(await logs({})).toMatchObject({ status: 401, body: { ok: false, error: "token_revoked" } });
    token = (await grantAuditToken(emulator)).token;
    expect((await logs({})).status).toBe(200);
  });

  it("needs auditlogs:read, saying what was needed and what the token has", async () => {
    const { token: narrow } = await grantAuditToken(emulator, { scopes: ["admin", "users:read"] });
    expect(await logs({}, narrow)).toMatchObject({ status: 403, body: { ok: false, error: "missing_scope", needed: "auditlogs:read", provided: "admin,users:read" } });
  });

  it("refuses workspace installs, bot tokens and workspaces outside the org", async () => {
    const [grid, , paid] = emulator.state.world.workspaces;
    const workspaceToken = await control<{ value: string }>(emulator, "/tokens", { clientId, teamId: grid!.id, scopes: ["auditlogs:read"] });
    expect(await logs({}, workspaceToken.body.value)).toMatchObject({ status: 403, body: { ok: false, error: "not_allowed_token_type" } });
    const botToken = await control<{ value: string }>(emulator, "/tokens", { clientId, isEnterpriseInstall: true, kind: "bot", scopes: ["auditlogs:read"] });
    expect(await logs({}, botToken.body.value)).toMatchObject({ status: 403, body: { ok: false, error: "not_allowed_token_type" } });
    const outsider = await control<{ value: string }>(emulator, "/tokens", { clientId, teamId: paid!.id, scopes: ["auditlogs:read"] });
    expect(await logs({}, outsider.body.value)).toMatchObject({ status: 403, body: { ok: false, error: "feature_not_enabled" } });
  });

  it("rejects a limit outside 1…9999, more than 30 actions and malformed timestamps", async () => {
    for (const limit of [10000, 0, "ten"]) expect(await logs({ limit })).toMatchObject({ status: 400, body: { ok: false, error: "invalid_arguments" } });
    expect((await logs({ limit: 9999 })).status).toBe(200);
    const actions = Array.from({ length: 31 }, (_, index) => `action_${index}`);
    expect(await logs({ action: actions.join(",") })).toMatchObject({ status: 400, body: { ok: false, error: "invalid_arguments" } });
    expect((await logs({ action: actions.slice(0, 30).join(",") })).status).toBe(200);
    const malformed: Record<string, string | number>[] = [{ oldest: "yesterday" }, { latest: "1700000000.5" }, { oldest: -5 }];
    for (const bound of malformed) {
      expect(await logs(bound)).toMatchObject({ status: 400, body: { ok: false, error: "invalid_arguments" } });
    }
  });

  it("rejects a cursor it did not issue, and one too old to use", async () => {
    for (const cursor of ["garbage", "dXNlcjpVMDYxTkZUVDI=", Buffer.from("next:abc:0:1").toString("base64")]) {
      expect(await logs({ cursor })).toMatchObject({ status: 400, body: { ok: false, error: "invalid_cursor" } });
    }
    const { next_cursor: cursor } = (await logs({ limit: 5 })).body.response_metadata;
    expect((await logs({ limit: 5, cursor })).status).toBe(200);
    const realNow = emulator.state.now;
    emulator.state.now = () => realNow() + 16 * 60;
    try {
      expect(await logs({ limit: 5, cursor })).toMatchObject({ status: 400, body: { ok: false, error: "invalid_cursor" } });
    } finally {
      emulator.state.now = realNow;
    }
  });
});

describe("GET /audit/v1/schemas and /actions", () => {
  it("answer without a token, with no ok field (§1.5)", async () => {
    const schemas = await fetch(`${emulator.slackAuditApiUrl}/schemas`);
    expect(schemas.status).toBe(200);
    const schemaBody = (await schemas.json()) as { schemas: { type: string }[] } & Record<string, unknown>;
    expect(schemaBody).not.toHaveProperty("ok");
    expect(schemaBody.schemas[0]).toEqual({ type: "workspace", workspace: { id: "string", name: "string", domain: "string" } });
    expect(schemaBody.schemas.filter((schema) => schema.type === "user").length).toBeGreaterThan(1);

    const actions = await fetch(`${emulator.slackAuditApiUrl}/actions`);
    expect(actions.status).toBe(200);
    const actionBody = (await actions.json()) as { actions: Record<string, string[]> } & Record<string, unknown>;
    expect(actionBody).not.toHaveProperty("ok");
    expect(actionBody.actions.user).toContain("user_login");
    expect(actionBody.actions.anomaly).toEqual(["anomaly"]);
    expect(actionBody.actions.file).toContain("file_downloaded");
  });
});

describe("rate limit", () => {
  it("is one Tier 3 budget for the whole org: the 51st call in a minute gets 429 and Retry-After, whichever token makes it", async () => {
    const limited = await startEmulator({ port: 0, seed: "t", traffic: { isPaused: true }, isEmpty: true });
    try {
      const first = await grantAuditToken(limited);
      const second = await grantAuditToken(limited);
      for (let call = 0; call < 50; call += 1) {
        expect((await logs({ limit: 1 }, call % 2 ? second.token : first.token, limited)).status).toBe(200);
      }
      const refused = await logs({ limit: 1 }, second.token, limited);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.body).toEqual({ ok: false, error: "ratelimited" });
      expect((await logs({ limit: 1 }, first.token, limited)).status).toBe(429);
      // The unauthenticated catalogue methods are not part of that budget.
      expect((await fetch(`${limited.slackAuditApiUrl}/actions`)).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});

describe("bulk mode", () => {
  // Thirty days of 2023, far from the seeded last day, so the window holds bulk events only.
  const bulk = { count: 5_000_000, oldest: 1_672_531_200, latest: 1_672_531_200 + 30 * 86_400 - 1, seed: "bulk-test" };
  const window = { oldest: bulk.oldest, latest: bulk.latest };

  beforeAll(async () => {
    expect((await control(emulator, "/bulk-audit", bulk)).status).toBe(200);
  });

  afterAll(async () => {
    await control(emulator, "/bulk-audit", undefined, "DELETE");
  });

  it("reports the configuration and counts the window arithmetically", async () => {
    const truth = await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.latest}&limit=3`);
    expect(truth.bulk).toEqual(bulk);
    expect(truth.total).toBe(bulk.count);
    expect(truth.stored).toBe(0);
    expect(truth.events).toHaveLength(3);
    expect(truth.events[0]!.date_create).toBe(bulk.latest);
    const everything = await groundTruth("&limit=1");
    expect(everything.total).toBe(bulk.count + everything.stored);
  });

  it("pages a full 9999-row page and its successor exactly as the ground truth orders them", async () => {
    const first = await logs({ ...window, limit: 9999 });
    expect(first.status).toBe(200);
    const firstEntries = first.body.entries;
    expect(firstEntries.length).toBeGreaterThanOrEqual(9999);
    expect(firstEntries.length).toBeLessThan(9999 + 10);
    expect(firstEntries[0]!.date_create).toBe(bulk.latest);
    const truthFirst = await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.latest}&limit=${firstEntries.length + 5}`);
    expect(firstEntries.map((entry) => entry.id)).toEqual(truthFirst.events.slice(0, firstEntries.length).map((event) => event.id));
    // The page ended where its second ended.
    expect(truthFirst.events[firstEntries.length]!.date_create).toBeLessThan(firstEntries.at(-1)!.date_create);

    const second = await logs({ ...window, limit: 9999, cursor: first.body.response_metadata.next_cursor });
    const truthSecond = await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.latest}&offset=${firstEntries.length}&limit=${second.body.entries.length}`);
    expect(second.body.entries.map((entry) => entry.id)).toEqual(truthSecond.events.map((event) => event.id));
    expect(truthSecond.events.every((event) => event.served)).toBe(true);

    const served = await groundTruth("&limit=0");
    expect(served.served.bulk).toEqual({ distinct: firstEntries.length + second.body.entries.length, rows: firstEntries.length + second.body.entries.length });
    const ids = new Set([...firstEntries, ...second.body.entries].map((entry) => entry.id));
    expect(ids.size).toBe(firstEntries.length + second.body.entries.length);
  });

  it("agrees with the ground truth in the middle and at the oldest end of the window", async () => {
    for (const offset of [1_234_567, 2_500_000, 4_999_990]) {
      const [event] = (await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.latest}&offset=${offset}&limit=1`)).events;
      const second = await groundTruth(`&oldest=${event!.date_create}&latest=${event!.date_create}`);
      const page = await logs({ oldest: event!.date_create, latest: event!.date_create, limit: 1 });
      expect(page.body.entries.map((entry) => entry.id)).toEqual(second.events.map((entry) => entry.id));
      expect(page.body.entries.map((entry) => entry.id)).toContain(event!.id);
      expect(page.body.response_metadata.next_cursor).toBe("");
    }
    const tail = (await pageThrough({ oldest: bulk.oldest, latest: bulk.oldest + 59, limit: 40 })).flat();
    const truthTail = await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.oldest + 59}`);
    expect(tail.map((entry) => entry.id)).toEqual(truthTail.events.map((event) => event.id));
    expect(tail.at(-1)!.date_create).toBe(bulk.oldest);
    const lastTruth = await groundTruth(`&oldest=${bulk.oldest}&latest=${bulk.latest}&offset=${bulk.count - 1}&limit=5`);
    expect(lastTruth.events.map((event) => event.id)).toEqual([tail.at(-1)!.id]);
  });

  it("derives the same event for the same index every time, and filters within a window", async () => {
    const hour = { oldest: bulk.oldest + 86_400, latest: bulk.oldest + 90_000 };
    const once = (await logs({ ...hour, limit: 9999 })).body.entries;
    const again = (await logs({ ...hour, limit: 9999 })).body.entries;
    expect(again).toEqual(once);
    const logins = (await pageThrough({ ...hour, action: "user_login", limit: 500 })).flat();
    expect(logins.map((entry) => entry.id)).toEqual(once.filter((entry) => entry.action === "user_login").map((entry) => entry.id));
  });

  it("starts counting served events afresh for a new configuration", async () => {
    expect((await control(emulator, "/bulk-audit", { ...bulk, seed: "bulk-test-2" })).status).toBe(200);
    const truth = await groundTruth("&limit=0");
    expect(truth.served.bulk).toEqual({ distinct: 0, rows: 0 });
    expect((await control(emulator, "/bulk-audit", bulk)).status).toBe(200);
  });
});
