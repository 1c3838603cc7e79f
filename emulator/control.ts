import { z } from "zod";
import { auditGroundTruth, configureBulkAudit, generateAuditEvents, injectAuditEntries } from "@/emulator/audit";
import { json, type Reply, type RequestContext } from "@/emulator/http";
import { mintToken, registerApp, rotateAppSecret } from "@/emulator/oauth";
import type { AuditEntry, EmulatorState, FaultKind } from "@/emulator/state";
import { accessGroundTruth, generateAccessActivity, generateIntegrationChanges, integrationGroundTruth } from "@/emulator/team-logs";
import { findUser, findWorkspace, ownerOf, workspacesWithLogs } from "@/emulator/world";

// The control API under /_emulator: what a test, the demo or a benchmark changes about the world.
// JSON in, JSON out; errors are { error, message } with a 4xx status. Documented in README.md.

const FAULT_KINDS = ["ratelimited", "server_error", "service_unavailable", "hang", "malformed_json", "html_error", "connection_reset", "slack_error"] as const satisfies readonly FaultKind[];
// Generated synchronously inside one request: large enough for any test, small enough not to stall.
const MAX_GENERATED_PER_CALL = 100_000;

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

const wholeNumber = (max: number) => z.number().int().min(0).max(max);
const scopes = z.array(z.string().trim().min(1).max(100)).max(100);

const appSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  redirectUrls: z.array(z.url()).min(1, "redirectUrls must list at least one URL"),
  userScopes: scopes.default([]),
  botScopes: scopes.default([]),
  isDistributed: z.boolean().default(true),
});
const tokenSchema = z.object({
  clientId: z.string().min(1),
  isEnterpriseInstall: z.boolean().nullish().transform((value) => value ?? false),
  teamId: z.string().nullish(),
  scopes: scopes.nullish(),
  userId: z.string().nullish(),
  kind: z.enum(["user", "bot"]).nullish().transform((kind) => kind ?? "user"),
});
const ratesSchema = z.object({
  auditPerMinute: wholeNumber(1_000_000).optional(),
  accessPerMinute: wholeNumber(1_000_000).optional(),
  integrationPerMinute: wholeNumber(1_000_000).optional(),
});
const generateSchema = z.object({
  audit: wholeNumber(MAX_GENERATED_PER_CALL).default(0),
  access: wholeNumber(MAX_GENERATED_PER_CALL).default(0),
  integration: wholeNumber(MAX_GENERATED_PER_CALL).default(0),
  teamId: z.string().nullish(),
});
const bulkSchema = z
  .object({ count: z.number().int().min(1).max(100_000_000), oldest: z.number().int().min(0), latest: z.number().int().min(0), seed: z.union([z.string(), z.number()]).optional() })
  .refine((bulk) => bulk.oldest <= bulk.latest, "oldest must not be after latest");
const rawAuditEntriesSchema = z.object({
  entries: z.array(z.looseObject({ id: z.string().min(1).max(100_000), date_create: z.number().int().min(0) })).min(1).max(10_000),
});
const faultSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  count: z.number().int().min(1).max(100_000).default(1),
  after: wholeNumber(100_000).default(0),
  error: z.string().regex(/^[a-z_]{1,64}$/).default("invalid_auth"),
  retryAfterSeconds: wholeNumber(3600).default(30),
  pathPrefix: z.string().startsWith("/").nullable().default(null),
  clientId: z.string().min(1).max(100).nullable().default(null),
  token: z.string().min(1).max(300).nullable().default(null),
});

/** The body through its schema, or the 400 that explains the first problem. */
function parseBody<T>(schema: z.ZodType<T>, body: Body): { ok: true; value: T } | { ok: false; reply: Reply } {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reply: badRequest(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`) };
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

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
    const parsed = parseBody(appSchema, body);
    return parsed.ok ? json(registerApp(state, parsed.value), 201) : parsed.reply;
  }
  const appRoute = /^POST \/apps\/([^/]+)\/(rotate-secret|uninstall)$/.exec(route);
  if (appRoute) {
    const clientId = decodeSegment(appRoute[1]!);
    const app = clientId ? state.apps.get(clientId) : undefined;
    if (!app || !clientId) return notFound(`No app with client ID ${appRoute[1]}`);
    if (appRoute[2] === "rotate-secret") return json(rotateAppSecret(state, clientId)!);
    app.uninstalledAt = state.now();
    return json({ ok: true });
  }

  if (route === "POST /tokens") {
    // Grants a token without the OAuth dance, for tests of pullers that start from a granted source.
    const parsed = parseBody(tokenSchema, body);
    if (!parsed.ok) return parsed.reply;
    const input = parsed.value;
    const app = state.apps.get(input.clientId);
    if (!app) return badRequest("clientId must name a registered app");
    const teamId = input.teamId ?? null;
    const workspace = teamId ? findWorkspace(state.world, teamId) : undefined;
    if (!input.isEnterpriseInstall && !workspace) return badRequest("teamId must name a workspace unless isEnterpriseInstall is true");
    const userId = input.userId ?? ownerOf(state.world, input.isEnterpriseInstall ? { enterpriseId: state.world.enterprise.id } : { teamId: teamId! }).id;
    if (!findUser(state.world, userId)) return badRequest(`No user ${userId}`);
    const token = mintToken(state, {
      kind: input.kind,
      appId: app.appId,
      userId,
      installerId: userId,
      teamId: input.isEnterpriseInstall ? null : teamId,
      enterpriseId: input.isEnterpriseInstall ? state.world.enterprise.id : (workspace?.enterpriseId ?? null),
      isEnterpriseInstall: input.isEnterpriseInstall,
      scopes: input.scopes ?? app.userScopes,
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
    const userId = decodeSegment(userRoute[1]!);
    const user = userId ? findUser(state.world, userId) : undefined;
    if (!user) return notFound(`No user ${userRoute[1]}`);
    user.isDeactivated = userRoute[2] === "deactivate";
    // "When member accounts are deactivated, API tokens are revoked as well" (reference §6, O11):
    // reactivating the person does not bring their user tokens back.
    if (user.isDeactivated) {
      for (const token of state.tokens.values()) if (token.userId === user.id && token.kind === "user") token.revokedAt ??= state.now();
    }
    return json({ ok: true, user });
  }

  if (route === "POST /traffic/pause" || route === "POST /traffic/resume") {
    state.traffic.isPaused = route.endsWith("pause");
    return json({ ok: true, traffic: state.traffic });
  }
  if (route === "PUT /traffic/rates") {
    const parsed = parseBody(ratesSchema, body);
    if (!parsed.ok) return parsed.reply;
    state.traffic.rates = { ...state.traffic.rates, ...parsed.value };
    return json({ ok: true, traffic: state.traffic });
  }
  if (route === "POST /traffic/generate") {
    // Produces events now, whatever the rates: deterministic amounts for tests.
    const parsed = parseBody(generateSchema, body);
    if (!parsed.ok) return parsed.reply;
    const { audit, access, integration, teamId } = parsed.value;
    const teams = teamId ? [teamId] : workspacesWithLogs(state.world).map((workspace) => workspace.id);
    if (teamId && !findWorkspace(state.world, teamId)) return badRequest(`No workspace ${teamId}`);
    const now = state.now();
    const created = generateAuditEvents(state, audit, now);
    for (const team of teams) {
      if (access) generateAccessActivity(state, team, access, now);
      if (integration) generateIntegrationChanges(state, team, integration, now);
    }
    return json({ ok: true, audit: created.map((entry) => ({ id: entry.id, date_create: entry.date_create })) });
  }

  if (route === "POST /audit-entries") {
    const parsed = parseBody(rawAuditEntriesSchema, body);
    if (!parsed.ok) return parsed.reply;
    injectAuditEntries(state, parsed.value.entries as AuditEntry[]);
    return json({ ok: true, stored: parsed.value.entries.length }, 201);
  }

  if (route === "POST /bulk-audit" || route === "DELETE /bulk-audit") {
    if (route.startsWith("DELETE")) {
      configureBulkAudit(state, null);
      return json({ ok: true });
    }
    const parsed = parseBody(bulkSchema, body);
    if (!parsed.ok) return parsed.reply;
    const { count, oldest, latest, seed } = parsed.value;
    configureBulkAudit(state, { enterpriseId: state.world.enterprise.id, seed: String(seed ?? state.world.seed), count, oldest, latest });
    return json({ ok: true, bulkAudit: state.bulkAudit });
  }

  if (route === "POST /faults") {
    const parsed = parseBody(faultSchema, body);
    if (!parsed.ok) return parsed.reply;
    const { count, ...fault } = parsed.value;
    state.faults.push({ ...fault, remaining: count });
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
