import { auditGroundTruth, configureBulkAudit, generateAuditEvents } from "@/emulator/audit";
import { json, type Reply, type RequestContext } from "@/emulator/http";
import { mintToken, registerApp, rotateAppSecret } from "@/emulator/oauth";
import type { EmulatorState, FaultKind } from "@/emulator/state";
import { accessGroundTruth, generateAccessActivity, generateIntegrationChanges, integrationGroundTruth } from "@/emulator/team-logs";
import { findUser, findWorkspace, ownerOf } from "@/emulator/world";

// The control API under /_emulator: what a test, the demo or a benchmark changes about the world.
// JSON in, JSON out; errors are { error, message } with a 4xx status. Documented in README.md.

const FAULT_KINDS: FaultKind[] = ["ratelimited", "server_error", "service_unavailable", "hang", "malformed_json", "html_error"];

type Body = Record<string, unknown>;
const badRequest = (message: string): Reply => json({ error: "bad_request", message }, 400);
const notFound = (message: string): Reply => json({ error: "not_found", message }, 404);

function parseJson(raw: string): Body | null {
  if (!raw.trim()) return {};
  try {
    const value = JSON.parse(raw) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Body) : null;
  } catch {
    return null;
  }
}

const stringList = (value: unknown): string[] | null => (Array.isArray(value) && value.every((item) => typeof item === "string") ? value : null);
const count = (value: unknown, fallback: number, max = 10_000_000): number | null => {
  if (value === undefined) return fallback;
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max ? (value as number) : null;
};

export function describeWorld(state: EmulatorState) {
  const { world } = state;
  return {
    enterprise: { ...world.enterprise, owner: ownerOf(world, { enterpriseId: world.enterprise.id }).id },
    workspaces: world.workspaces.map((workspace) => ({
      id: workspace.id,
      name: workspace.name,
      domain: workspace.domain,
      plan: workspace.plan,
      enterpriseId: workspace.enterpriseId,
      owner: ownerOf(world, { teamId: workspace.id }).id,
      users: world.users.filter((user) => user.teamId === workspace.id).length,
    })),
    apps: [...state.apps.values()].map(({ clientSecret: _secret, ...app }) => app),
    traffic: state.traffic,
    bulkAudit: state.bulkAudit,
    faults: state.faults,
  };
}

export function handleControl(context: RequestContext, rawBody: string, resetState: () => void): Reply {
  const { state } = context;
  const route = `${context.method} ${context.path.replace(/^\/_emulator/, "") || "/"}`;
  const body = parseJson(rawBody);
  if (body === null) return badRequest("The body must be a JSON object");

  if (route === "GET /") return json(describeWorld(state));
  if (route === "POST /reset") {
    resetState();
    return json({ ok: true });
  }

  if (route === "POST /apps") {
    const redirectUrls = stringList(body.redirectUrls);
    const userScopes = stringList(body.userScopes ?? []);
    const botScopes = stringList(body.botScopes ?? []);
    if (typeof body.name !== "string" || !body.name.trim()) return badRequest("name is required");
    if (!redirectUrls?.length) return badRequest("redirectUrls must be a non-empty array of URLs");
    if (!userScopes || !botScopes) return badRequest("userScopes and botScopes must be arrays of strings");
    const app = registerApp(state, { name: body.name, redirectUrls, userScopes, botScopes, isDistributed: body.isDistributed !== false });
    return json(app, 201);
  }
  const appRoute = /^POST \/apps\/([^/]+)\/(rotate-secret|uninstall)$/.exec(route);
  if (appRoute) {
    const clientId = decodeURIComponent(appRoute[1]!);
    const app = state.apps.get(clientId);
    if (!app) return notFound(`No app with client ID ${clientId}`);
    if (appRoute[2] === "rotate-secret") return json(rotateAppSecret(state, clientId)!);
    app.uninstalledAt = state.now();
    return json({ ok: true });
  }

  if (route === "POST /tokens") {
    // Grants a token without the OAuth dance, for tests of pullers that start from a granted source.
    const app = typeof body.clientId === "string" ? state.apps.get(body.clientId) : undefined;
    if (!app) return badRequest("clientId must name a registered app");
    const isEnterpriseInstall = body.isEnterpriseInstall === true;
    const teamId = typeof body.teamId === "string" ? body.teamId : null;
    if (!isEnterpriseInstall && (!teamId || !findWorkspace(state.world, teamId))) return badRequest("teamId must name a workspace unless isEnterpriseInstall is true");
    const scopes = stringList(body.scopes ?? app.userScopes);
    if (!scopes) return badRequest("scopes must be an array of strings");
    const workspace = teamId ? findWorkspace(state.world, teamId) : undefined;
    const userId = typeof body.userId === "string" ? body.userId : ownerOf(state.world, isEnterpriseInstall ? { enterpriseId: state.world.enterprise.id } : { teamId: teamId! }).id;
    if (!findUser(state.world, userId)) return badRequest(`No user ${userId}`);
    const token = mintToken(state, {
      kind: body.kind === "bot" ? "bot" : "user",
      appId: app.appId,
      userId,
      teamId: isEnterpriseInstall ? null : teamId,
      enterpriseId: isEnterpriseInstall ? state.world.enterprise.id : (workspace?.enterpriseId ?? null),
      isEnterpriseInstall,
      scopes,
    });
    return json(token, 201);
  }
  if (route === "POST /tokens/revoke") {
    const token = typeof body.token === "string" ? state.tokens.get(body.token) : undefined;
    if (!token) return notFound("No such token");
    token.revokedAt = state.now();
    return json({ ok: true });
  }

  const userRoute = /^POST \/users\/([^/]+)\/(deactivate|reactivate)$/.exec(route);
  if (userRoute) {
    const user = findUser(state.world, decodeURIComponent(userRoute[1]!));
    if (!user) return notFound(`No user ${userRoute[1]}`);
    user.isDeactivated = userRoute[2] === "deactivate";
    return json({ ok: true, user });
  }

  if (route === "POST /traffic/pause" || route === "POST /traffic/resume") {
    state.traffic.isPaused = route.endsWith("pause");
    return json({ ok: true, traffic: state.traffic });
  }
  if (route === "PUT /traffic/rates") {
    const rates = { ...state.traffic.rates };
    for (const key of ["auditPerMinute", "accessPerMinute", "integrationPerMinute"] as const) {
      const value = count(body[key], rates[key], 1_000_000);
      if (value === null) return badRequest(`${key} must be a whole number from 0 to 1000000`);
      rates[key] = value;
    }
    state.traffic.rates = rates;
    return json({ ok: true, traffic: state.traffic });
  }
  if (route === "POST /traffic/generate") {
    // Produces events now, whatever the rates: deterministic amounts for tests.
    const audit = count(body.audit, 0);
    const access = count(body.access, 0);
    const integration = count(body.integration, 0);
    if (audit === null || access === null || integration === null) return badRequest("audit, access and integration must be whole numbers");
    const teamId = typeof body.teamId === "string" ? body.teamId : null;
    const teams = teamId ? [teamId] : state.world.workspaces.filter((workspace) => workspace.plan !== "free").map((workspace) => workspace.id);
    const now = state.now();
    const created = generateAuditEvents(state, audit, now);
    for (const team of teams) {
      if (access) generateAccessActivity(state, team, access, now);
      if (integration) generateIntegrationChanges(state, team, integration, now);
    }
    return json({ ok: true, audit: created.map((entry) => ({ id: entry.id, date_create: entry.date_create })) });
  }

  if (route === "POST /bulk-audit" || route === "DELETE /bulk-audit") {
    if (route.startsWith("DELETE")) {
      configureBulkAudit(state, null);
      return json({ ok: true });
    }
    const total = count(body.count, 0, 100_000_000);
    const oldest = Number(body.oldest);
    const latest = Number(body.latest);
    if (!total || !Number.isInteger(oldest) || !Number.isInteger(latest) || oldest > latest) return badRequest("count (1…100000000), oldest and latest (Unix seconds, oldest ≤ latest) are required");
    configureBulkAudit(state, { enterpriseId: state.world.enterprise.id, seed: String(body.seed ?? state.world.seed), count: total, oldest, latest });
    return json({ ok: true, bulkAudit: state.bulkAudit });
  }

  if (route === "POST /faults") {
    if (!FAULT_KINDS.includes(body.kind as FaultKind)) return badRequest(`kind must be one of ${FAULT_KINDS.join(", ")}`);
    const remaining = count(body.count, 1, 100_000);
    const retryAfterSeconds = count(body.retryAfterSeconds, 30, 3600);
    if (!remaining || retryAfterSeconds === null) return badRequest("count must be 1…100000 and retryAfterSeconds 0…3600");
    const pathPrefix = typeof body.pathPrefix === "string" ? body.pathPrefix : null;
    state.faults.push({ kind: body.kind as FaultKind, remaining, retryAfterSeconds, pathPrefix });
    return json({ ok: true, faults: state.faults }, 201);
  }
  if (route === "DELETE /faults") {
    state.faults.length = 0;
    return json({ ok: true });
  }

  if (route === "GET /ground-truth") {
    const kind = context.query.get("kind");
    if (kind === "audit") return json(auditGroundTruth(state, context.query));
    if (kind === "access") return json(accessGroundTruth(state, context.query));
    if (kind === "integration") return json(integrationGroundTruth(state, context.query));
    return badRequest("kind must be audit, access or integration");
  }

  return notFound(`No control endpoint ${route}`);
}
