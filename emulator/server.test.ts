import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRateLimiter } from "@/emulator/rate-limit";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { createWorld } from "@/emulator/world";

// The emulator's own machinery: the seeded world, the control API, injected faults and rate-limit
// windows. The Slack methods themselves are tested next to their handlers.

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: "server-test", traffic: { isPaused: true }, isEmpty: true });
});

afterAll(async () => {
  await emulator.stop();
});

async function control(path: string, init: { method?: string; body?: unknown } = {}) {
  const response = await fetch(`${emulator.controlUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("seeded world", () => {
  it("has an Enterprise Grid org with two workspaces, a paid and a free workspace, and people who look real", () => {
    const world = createWorld(42);
    expect(world.enterprise.id).toMatch(/^E[A-Z0-9]{10}$/);
    const plans = world.workspaces.map((workspace) => workspace.plan);
    expect(plans).toEqual(["enterprise", "enterprise", "paid", "free"]);
    for (const workspace of world.workspaces) expect(workspace.id).toMatch(/^T[A-Z0-9]{10}$/);
    expect(world.enterprise.workspaceIds).toEqual(world.workspaces.slice(0, 2).map((workspace) => workspace.id));

    const gridUsers = world.users.filter((user) => user.enterpriseId === world.enterprise.id);
    expect(gridUsers.length).toBeGreaterThanOrEqual(200);
    expect(gridUsers.every((user) => /^W[A-Z0-9]{10}$/.test(user.id))).toBe(true);
    expect(gridUsers.filter((user) => user.role === "primary_owner")).toHaveLength(1);
    expect(new Set(world.users.map((user) => user.id)).size).toBe(world.users.length);
    for (const user of world.users.slice(0, 50)) {
      expect(user.email).toMatch(/^[a-z]+\.[a-z]+\d*@[a-z]+\.(com|org)$/);
      expect(user.realName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      const devices = world.devices.get(user.id)!;
      expect(devices.length).toBeGreaterThan(0);
      for (const device of devices) {
        expect(device.ip).toMatch(/^(\d{1,3}\.){3}\d{1,3}$|^2601:646:/);
        expect(device.userAgent.length).toBeGreaterThan(20);
      }
    }
  });

  it("is the same for the same seed and different for another", () => {
    const first = createWorld("same");
    const second = createWorld("same");
    expect(second.users.map((user) => user.id)).toEqual(first.users.map((user) => user.id));
    expect(second.devices.get(first.users[7]!.id)).toEqual(first.devices.get(first.users[7]!.id));
    expect(createWorld("other").enterprise.id).not.toBe(first.enterprise.id);
  });
});

describe("control API", () => {
  it("describes the world without client secrets", async () => {
    await control("/apps", { body: { name: "Tributary", redirectUrls: ["http://127.0.0.1:3000/api/oauth/slack/callback"], userScopes: ["auditlogs:read"] } });
    const { status, body } = await control("");
    expect(status).toBe(200);
    expect((body.enterprise as { id: string }).id).toBe(emulator.state.world.enterprise.id);
    expect(body.workspaces).toHaveLength(4);
    expect(JSON.stringify(body)).not.toMatch(/clientSecret/);
  });

  it("registers apps and rotates their secrets, and explains bad input", async () => {
    const created = await control("/apps", { body: { name: "Audit app", redirectUrls: ["http://localhost/cb"], userScopes: ["auditlogs:read"], botScopes: [] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Audit app", userScopes: ["auditlogs:read"] });
    expect(created.body.clientId).toMatch(/^\d{13}\.\d{13}$/);
    expect(created.body.clientSecret).toMatch(/^[0-9a-f]{32}$/);
    const rotated = await control(`/apps/${String(created.body.clientId)}/rotate-secret`, { body: {} });
    expect(rotated.body.clientSecret).not.toBe(created.body.clientSecret);

    expect((await control("/apps", { body: { name: "", redirectUrls: ["x"] } })).status).toBe(400);
    expect((await control("/apps", { body: { name: "No redirect" } })).body).toMatchObject({ error: "bad_request", message: expect.stringContaining("redirectUrls") });
    expect((await control("/apps/nope/uninstall", { body: {} })).status).toBe(404);
    const malformed = await fetch(`${emulator.controlUrl}/apps`, { method: "POST", body: "{not json" });
    expect(malformed.status).toBe(400);
    expect((await control("/nothing-here")).status).toBe(404);
  });

  it("validates traffic rates and fault definitions", async () => {
    expect((await control("/traffic/rates", { method: "PUT", body: { auditPerMinute: -1 } })).status).toBe(400);
    const rates = await control("/traffic/rates", { method: "PUT", body: { auditPerMinute: 600 } });
    expect((rates.body.traffic as { rates: { auditPerMinute: number } }).rates.auditPerMinute).toBe(600);
    expect((await control("/faults", { body: { kind: "explode" } })).status).toBe(400);
    expect((await control("/ground-truth?kind=nope")).status).toBe(400);
  });
});

describe("injected faults", () => {
  it("answers the next requests with each fault, then recovers", async () => {
    await control("/faults", { body: { kind: "ratelimited", count: 2, retryAfterSeconds: 7, pathPrefix: "/api/" } });
    await control("/faults", { body: { kind: "server_error", count: 1, pathPrefix: "/api/" } });
    await control("/faults", { body: { kind: "service_unavailable", count: 1, pathPrefix: "/api/" } });
    await control("/faults", { body: { kind: "malformed_json", count: 1, pathPrefix: "/api/" } });
    await control("/faults", { body: { kind: "html_error", count: 1, pathPrefix: "/api/" } });

    // A path the faults do not cover is untouched.
    expect((await fetch(`${emulator.url}/audit/v1/schemas`)).status).toBe(200);

    const call = () => fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST" });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(limited.headers.get("retry-after")).toBe("7");
      expect(await limited.json()).toEqual({ ok: false, error: "ratelimited" });
    }
    const failed = await call();
    expect(failed.status).toBe(500);
    const unavailable = await call();
    expect(unavailable.status).toBe(503);
    const malformed = await call();
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();
    const page = await call();
    expect(page.status).toBe(502);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect((await call()).status).toBe(200);
  });

  it("lets `after` requests through first, and can drop the connection without an answer", async () => {
    await control("/faults", { body: { kind: "connection_reset", count: 1, after: 2, token: "xoxp-reset" } });
    const call = () => fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST", headers: { authorization: "Bearer xoxp-reset" } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    await expect(call()).rejects.toThrow();
    expect((await call()).status).toBe(200);
  });

  it("refuses with a chosen Slack error the way each API does", async () => {
    await control("/faults", { body: { kind: "slack_error", error: "invalid_auth", count: 2, token: "xoxp-refused" } });
    const headers = { authorization: "Bearer xoxp-refused" };
    const web = await fetch(`${emulator.slackApiUrl}/team.accessLogs`, { method: "POST", headers });
    expect(web.status).toBe(200);
    expect(await web.json()).toEqual({ ok: false, error: "invalid_auth" });
    const audit = await fetch(`${emulator.slackAuditApiUrl}/logs`, { headers });
    expect(audit.status).toBe(401);
    expect(await audit.json()).toMatchObject({ ok: false, error: "invalid_auth" });
  });

  it("scopes a fault to one app's client ID or one token, leaving everyone else's requests alone", async () => {
    await control("/faults", { body: { kind: "server_error", count: 1, clientId: "111.222" } });
    await control("/faults", { body: { kind: "service_unavailable", count: 1, token: "xoxp-faulty" } });
    const exchange = (clientId: string) => fetch(`${emulator.slackApiUrl}/oauth.v2.access`, { method: "POST", body: new URLSearchParams({ client_id: clientId, client_secret: "x", code: "c" }) });
    expect((await exchange("333.444")).status).toBe(200);
    expect((await fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST", headers: { authorization: "Bearer xoxp-other" } })).status).toBe(200);
    const basic = `Basic ${Buffer.from("111.222:x").toString("base64")}`;
    expect((await fetch(`${emulator.slackApiUrl}/oauth.v2.access`, { method: "POST", headers: { authorization: basic }, body: new URLSearchParams({ code: "c" }) })).status).toBe(500);
    expect((await exchange("111.222")).status).toBe(200);
    expect((await fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST", headers: { authorization: "Bearer xoxp-faulty" } })).status).toBe(503);
  });

  it("hangs a response until the client gives up", async () => {
    await control("/faults", { body: { kind: "hang", count: 1 } });
    await expect(fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST", signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await fetch(`${emulator.slackApiUrl}/auth.test`, { method: "POST" })).status).toBe(200);
  });

  it("answers unknown methods and paths as Slack does", async () => {
    const unknown = await fetch(`${emulator.slackApiUrl}/chat.explode`, { method: "POST" });
    expect(await unknown.json()).toEqual({ ok: false, error: "unknown_method" });
    const glitch = await fetch(`${emulator.url}/api-nope/logs`);
    expect(glitch.status).toBe(404);
    expect(await glitch.text()).toContain("You've found a glitch");
  });
});

describe("rate-limit windows", () => {
  it("allows a tier's calls per window, then says when to retry, and runs faster with a speed-up", () => {
    let now = 0;
    const state = { speedUp: 1 };
    const limiter = createRateLimiter(state, () => now);
    for (let call = 0; call < 20; call += 1) expect(limiter.take("team.accessLogs:T1:A1", "tier2")).toEqual({ ok: true });
    expect(limiter.take("team.accessLogs:T1:A1", "tier2")).toEqual({ ok: false, retryAfterSeconds: 60 });
    // Another workspace or method has its own window.
    expect(limiter.take("team.accessLogs:T2:A1", "tier2")).toEqual({ ok: true });
    now = 45_500;
    expect(limiter.take("team.accessLogs:T1:A1", "tier2")).toEqual({ ok: false, retryAfterSeconds: 15 });
    now = 60_000;
    expect(limiter.take("team.accessLogs:T1:A1", "tier2")).toEqual({ ok: true });

    state.speedUp = 60;
    now = 120_000;
    for (let call = 0; call < 50; call += 1) limiter.take("audit:E1", "tier3");
    expect(limiter.take("audit:E1", "tier3")).toEqual({ ok: false, retryAfterSeconds: 1 });
    now = 121_000;
    expect(limiter.take("audit:E1", "tier3")).toEqual({ ok: true });
  });
});

describe("retention", () => {
  it("forgets events older than the retention, so a long run's memory stays flat", async () => {
    let now = 1_800_000_000;
    const { pruneState } = await import("@/emulator/traffic");
    const running = await startEmulator({ port: 0, seed: "retention", traffic: { isPaused: true }, now: () => now, retentionSeconds: { audit: 3600, teamLogs: 7200 } });
    try {
      const groundTruth = async (kind: string) => (await (await fetch(`${running.controlUrl}/ground-truth?kind=${kind}`)).json()) as { total?: number; rows?: unknown[] };
      const historyTotal = (await groundTruth("audit")).total!;
      expect(historyTotal).toBeGreaterThan(0);
      now += 23 * 3600;
      await fetch(`${running.controlUrl}/traffic/generate`, { method: "POST", body: JSON.stringify({ audit: 5, access: 3 }) });
      pruneState(running.state);
      // The seeded day is older than an hour by now; only what was just generated remains.
      expect((await groundTruth("audit")).total).toBe(5);
      const accessRows = (await groundTruth("access")).rows!;
      expect(accessRows.length).toBeGreaterThan(0);
      expect(accessRows.length).toBeLessThanOrEqual(3 * 3);
    } finally {
      await running.stop();
    }
  });
});

describe("reset", () => {
  it("rebuilds the world from the seed and forgets apps, tokens and faults", async () => {
    const running = await startEmulator({ port: 0, seed: "reset", traffic: { isPaused: true } });
    try {
      const post = (path: string, body: unknown) => fetch(`${running.controlUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
      const app = (await (await post("/apps", { name: "Before reset", redirectUrls: ["http://x/cb"], userScopes: ["admin"] })).json()) as { clientId: string };
      await post("/faults", { kind: "server_error", count: 5 });
      const before = (await (await fetch(`${running.controlUrl}/ground-truth?kind=audit`)).json()) as { total: number };
      await post("/traffic/generate", { audit: 7 });

      expect((await post("/reset", {})).status).toBe(200);
      const world = (await (await fetch(running.controlUrl)).json()) as { apps: unknown[]; faults: unknown[] };
      expect(world.apps).toEqual([]);
      expect(world.faults).toEqual([]);
      expect(running.state.apps.has(app.clientId)).toBe(false);
      expect(((await (await fetch(`${running.controlUrl}/ground-truth?kind=audit`)).json()) as { total: number }).total).toBe(before.total);
      expect((await fetch(`${running.slackApiUrl}/auth.test`, { method: "POST" })).status).toBe(200);
    } finally {
      await running.stop();
    }
  });
});
