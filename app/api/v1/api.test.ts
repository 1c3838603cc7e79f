import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { validate } from "@readme/openapi-parser";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as searchEventsRoute } from "@/app/api/v1/events/route";
import { GET as getOpenApi } from "@/app/api/v1/openapi.json/route";
import { POST as authorizeRoute } from "@/app/api/v1/sources/[id]/authorize/route";
import { PUT as credentialsRoute } from "@/app/api/v1/sources/[id]/credentials/route";
import { DELETE as deleteRoute, GET as getSourceRoute, PATCH as patchRoute } from "@/app/api/v1/sources/[id]/route";
import { GET as runsRoute } from "@/app/api/v1/sources/[id]/runs/route";
import { GET as listSourcesRoute, POST as createSourceRoute } from "@/app/api/v1/sources/route";
import { startEmulator, type RunningEmulator } from "@/emulator/server";
import { createApiToken } from "@/features/api-tokens/mutations";
import { documentedOperations } from "@/features/api/openapi";
import { apiSourceSchema, authorizeResultSchema, credentialsResultSchema, deletionResultSchema } from "@/features/api/schema";
import { eventPageSchema } from "@/features/events/schema";
import { readSecret } from "@/features/secrets/data";
import { pullHistoryPageSchema, SOURCE_SECRET, sourceListPageSchema, sourceSecretAddress } from "@/features/sources/schema";
import { slackRedirectUri } from "@/features/wizard/slack-grant";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/tokens";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";
import { createAuditSource } from "@/scripts/lib/test-sources";

// The REST API end to end against real Postgres, Redis and the Slack emulator: each route handler
// called with the Request a client would send, as an automation would walk a source's setup.

let slack: RunningEmulator;
let admin: { id: string; email: string };
let writeToken = "";
let readToken = "";
let writeTokenName = "";
/** Every response body this file saw: none may hold a secret. */
const bodies: string[] = [];

type Params = { params: Promise<{ id: string }> };
type Handler = (request: NextRequest, context: Params) => Promise<Response>;

async function call(handler: Handler, path: string, init: { token?: string; method?: string; body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.body !== undefined || init.rawBody !== undefined) headers.set("content-type", init.contentType ?? "application/json");
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  const url = new URL(path, "http://127.0.0.1");
  const id = /\/sources\/([^/]+)/.exec(url.pathname)?.[1] ?? "";
  const response = await handler(new NextRequest(url, { method: init.method ?? "GET", headers, body }), { params: Promise.resolve({ id }) });
  const text = await response.text();
  bodies.push(text);
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const errorOf = (json: Record<string, unknown>) => json.error as { code: string; message: string; issues?: { path: string; message: string }[] };

beforeAll(async () => {
  slack = await startEmulator({ port: 0, seed: "api-v1-tests", traffic: { isPaused: true }, isEmpty: true });
  // Read on first use by lib/env, which no code in this file has called yet.
  process.env.SLACK_API_URL = slack.slackApiUrl;
  process.env.SLACK_OAUTH_AUTHORIZE_URL = slack.slackOAuthAuthorizeUrl;
  const email = `api-v1-${uniqueSuffix()}@example.test`;
  admin = await db.user.create({ data: { email, name: email, role: "ADMIN", passwordHash: "scrypt$placeholder" }, select: { id: true, email: true } });
  const audit = { actor: { id: admin.id, label: admin.email } };
  writeTokenName = `automation ${uniqueSuffix()}`;
  writeToken = (await createApiToken({ name: writeTokenName, scope: "WRITE", expiresInDays: 1 }, admin.id, audit)).token;
  readToken = (await createApiToken({ name: `reader ${uniqueSuffix()}`, scope: "READ", expiresInDays: 1 }, admin.id, audit)).token;
});

afterAll(async () => {
  await slack.stop();
});

async function registerApp(userScopes: string[]) {
  const response = await fetch(`${slack.controlUrl}/apps`, { method: "POST", body: JSON.stringify({ name: "Tributary API test", redirectUrls: [slackRedirectUri()], userScopes }) });
  return (await response.json()) as { clientId: string; clientSecret: string };
}

describe("a source set up through the API", () => {
  it("is created, configured, given credentials and sent to Slack's page, like the wizard does", async () => {
    const name = `API source ${uniqueSuffix()}`;
    const created = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", body: { name, plan: "PAID", logTypes: ["Slack.AccessLogs"] } });
    expect(created.status).toBe(201);
    const source = apiSourceSchema.parse(created.json);
    expect(created.headers.get("location")).toBe(`/api/v1/sources/${source.id}`);
    expect(source).toMatchObject({ name, plan: "PAID", logTypes: ["Slack.AccessLogs"], status: "DRAFT", setupStep: "credentials", hasClientSecret: false, backfillMinutes: 1440 });

    // Same name in another case: names are unique regardless of case.
    const duplicate = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", body: { name: name.toUpperCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"] } });
    expect(duplicate.status).toBe(409);
    expect(errorOf(duplicate.json).code).toBe("name_taken");

    const configured = await call(patchRoute, `/api/v1/sources/${source.id}`, {
      token: writeToken,
      method: "PATCH",
      body: { logTypes: ["Slack.AccessLogs", "Slack.IntegrationLogs"], backfillMinutes: 60, alarm: { thresholdMinutes: 120, recipients: ["soc@example.test"] } },
    });
    expect(configured.status).toBe(200);
    expect(apiSourceSchema.parse(configured.json)).toMatchObject({
      logTypes: ["Slack.AccessLogs", "Slack.IntegrationLogs"],
      backfillMinutes: 60,
      alarm: { isEnabled: true, thresholdMinutes: 120, recipients: ["soc@example.test"] },
    });

    const app = await registerApp(["admin"]);
    const wrongSecret = await call(credentialsRoute, `/api/v1/sources/${source.id}/credentials`, { token: writeToken, method: "PUT", body: { clientId: app.clientId, clientSecret: "0123456789abcdef0123456789abcdef" } });
    expect(wrongSecret.status).toBe(422);
    expect(errorOf(wrongSecret.json)).toMatchObject({ code: "wrong_secret", issues: [{ path: "clientSecret" }] });

    const saved = await call(credentialsRoute, `/api/v1/sources/${source.id}/credentials`, { token: writeToken, method: "PUT", body: { clientId: app.clientId, clientSecret: app.clientSecret } });
    expect(saved.status).toBe(200);
    const savedResult = credentialsResultSchema.parse(saved.json);
    expect(savedResult.isVerified).toBe(true);
    expect(savedResult.source).toMatchObject({ status: "AWAITING_GRANT", setupStep: "verify", clientId: app.clientId, hasClientSecret: true });
    expect(await readSecret(sourceSecretAddress(source.id, SOURCE_SECRET.clientSecret))).toBe(app.clientSecret);

    // Not granted yet: finishing setup is refused with what to do.
    const early = await call(patchRoute, `/api/v1/sources/${source.id}`, { token: writeToken, method: "PATCH", body: { status: "ACTIVE" } });
    expect(early.status).toBe(409);
    expect(errorOf(early.json).message).toMatch(/authorize/);

    const authorized = await call(authorizeRoute, `/api/v1/sources/${source.id}/authorize`, { token: writeToken, method: "POST" });
    expect(authorized.status).toBe(200);
    const url = new URL(authorizeResultSchema.parse(authorized.json).url);
    expect(`${url.origin}${url.pathname}`).toBe(slack.slackOAuthAuthorizeUrl);
    expect(url.searchParams.get("client_id")).toBe(app.clientId);
    expect(url.searchParams.get("user_scope")).toBe("admin");
    // The wizard's CSRF-safe state: stored hashed, bound to the token's creator and this source.
    const state = await db.oAuthState.findUniqueOrThrow({ where: { stateHash: hashToken(url.searchParams.get("state")!) } });
    expect(state).toMatchObject({ sourceId: source.id, userId: admin.id, clientId: app.clientId, usedAt: null });

    const listed = await call(listSourcesRoute, `/api/v1/sources?q=${encodeURIComponent(name)}`, { token: readToken });
    expect(listed.status).toBe(200);
    expect(sourceListPageSchema.parse(listed.json).sources.map((row) => row.id)).toEqual([source.id]);

    const entries = await db.auditTrail.findMany({ where: { targetType: "source", targetId: source.id }, orderBy: { at: "asc" } });
    expect(entries.map((entry) => entry.action)).toEqual(["source.created", "source.configured", "source.alarm_updated", "source.credentials_saved", "source.saved", "source.grant_started"]);
    for (const entry of entries) expect(entry).toMatchObject({ actorId: admin.id, actorLabel: `API token ${writeTokenName} (by ${admin.email})` });
    expect(JSON.stringify(entries)).not.toContain(app.clientSecret);

    const deleted = await call(deleteRoute, `/api/v1/sources/${source.id}?keepEvents=false`, { token: writeToken, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deletionResultSchema.parse(deleted.json)).toMatchObject({ name, keepEvents: false, token: "none" });
    expect((await call(getSourceRoute, `/api/v1/sources/${source.id}`, { token: readToken })).status).toBe(404);
    expect(await readSecret(sourceSecretAddress(source.id, SOURCE_SECRET.clientSecret))).toBeNull();

    expect(bodies.join("\n")).not.toContain(app.clientSecret);
  });

  it("pauses, resumes and deletes an active source, revoking its Slack token", async () => {
    const { sourceId, token: slackToken } = await createAuditSource(slack);
    const paused = await call(patchRoute, `/api/v1/sources/${sourceId}`, { token: writeToken, method: "PATCH", body: { status: "PAUSED" } });
    expect(paused.status).toBe(200);
    expect(apiSourceSchema.parse(paused.json).status).toBe("PAUSED");
    const resumed = await call(patchRoute, `/api/v1/sources/${sourceId}`, { token: writeToken, method: "PATCH", body: { status: "ACTIVE", name: `Renamed ${uniqueSuffix()}` } });
    expect(resumed.status).toBe(200);
    expect(apiSourceSchema.parse(resumed.json)).toMatchObject({ status: "ACTIVE", setupStep: null });

    const replan = await call(patchRoute, `/api/v1/sources/${sourceId}`, { token: writeToken, method: "PATCH", body: { plan: "ENTERPRISE_GRID", logTypes: ["Slack.AccessLogs"] } });
    expect(replan.status).toBe(409);

    const detail = await call(getSourceRoute, `/api/v1/sources/${sourceId}`, { token: readToken });
    expect(detail.status).toBe(200);
    expect(apiSourceSchema.parse(detail.json).health?.checks.length).toBeGreaterThan(0);

    const runs = await call(runsRoute, `/api/v1/sources/${sourceId}/runs?logType=Slack.AuditLogs`, { token: readToken });
    expect(runs.status).toBe(200);
    expect(pullHistoryPageSchema.parse(runs.json)).toMatchObject({ page: 1, pageSize: 25 });

    const keepEventsMissing = await call(deleteRoute, `/api/v1/sources/${sourceId}`, { token: writeToken, method: "DELETE" });
    expect(keepEventsMissing.status).toBe(400);
    const deleted = await call(deleteRoute, `/api/v1/sources/${sourceId}?keepEvents=true`, { token: writeToken, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(deletionResultSchema.parse(deleted.json)).toMatchObject({ keepEvents: true, token: "revoked" });
    const entries = await db.auditTrail.findMany({ where: { targetType: "source", targetId: sourceId, actorId: admin.id }, select: { action: true } });
    expect(entries.map((entry) => entry.action)).toEqual(expect.arrayContaining(["source.paused", "source.resumed", "source.renamed", "source.deleted", "source.token_after_delete"]));
    expect(bodies.join("\n")).not.toContain(slackToken);
  });
});

describe("validation", () => {
  it("answers a body that does not validate with 400 and the fields at fault", async () => {
    const cases: [string, Parameters<typeof call>[2], string, string | null][] = [
      ["no plan", { body: { name: "x" } }, "invalid_request", "plan"],
      ["free plan", { body: { name: `Free ${uniqueSuffix()}`, plan: "FREE", logTypes: ["Slack.AccessLogs"] } }, "invalid_request", "plan"],
      ["audit logs on a paid plan", { body: { name: `Paid ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AuditLogs"] } }, "invalid_request", "logTypes"],
      ["name too long", { body: { name: "n".repeat(65), plan: "PAID", logTypes: ["Slack.AccessLogs"] } }, "invalid_request", "name"],
      ["an array", { body: [] }, "invalid_request", ""],
      // Refused rather than dropped: the caller thinks the secret is saved.
      ["a field the API does not take", { body: { name: `Extra ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs"], clientSecret: "0123456789abcdef" } }, "invalid_request", ""],
      // A form would coerce null to 0 minutes of backfill.
      ["a backfill of null", { body: { name: `Null ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: null } }, "invalid_request", "backfillMinutes"],
      ["malformed JSON", { rawBody: "{ name: " }, "invalid_json", null],
      ["a form body", { rawBody: "name=x&plan=PAID", contentType: "application/x-www-form-urlencoded" }, "unsupported_media_type", null],
    ];
    for (const [label, init, code, path] of cases) {
      const response = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", ...init });
      expect([400, 415], label).toContain(response.status);
      const error = errorOf(response.json);
      expect(error.code, label).toBe(code);
      if (path !== null) expect(error.issues?.map((issue) => issue.path), label).toContain(path);
    }
  });

  it("refuses a body larger than 64 KiB with 413, however it is sent", async () => {
    const name = `Large ${uniqueSuffix()}`;
    const large = JSON.stringify({ name, plan: "PAID", logTypes: ["Slack.AccessLogs"], padding: "x".repeat(70_000) });
    // Without a Content-Length, as a chunked upload arrives: read up to the limit, then given up.
    const streamed = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", rawBody: large });
    expect(streamed.status).toBe(413);
    expect(errorOf(streamed.json).code).toBe("body_too_large");
    // A declared length over the limit is refused before the body is read.
    const declared = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", rawBody: "{}", headers: { "content-length": String(10 * 1024 * 1024) } });
    expect(declared.status).toBe(413);
    expect(await db.source.count({ where: { name } })).toBe(0);
  });

  it("refuses a change that is empty, unknown or does not fit the source", async () => {
    const created = await call(createSourceRoute, "/api/v1/sources", { token: writeToken, method: "POST", body: { name: `Patch ${uniqueSuffix()}`, plan: "ENTERPRISE_GRID", logTypes: ["Slack.AuditLogs"] } });
    const id = String(created.json.id);
    const patch = (body: unknown) => call(patchRoute, `/api/v1/sources/${id}`, { token: writeToken, method: "PATCH", body });
    expect((await patch({})).status).toBe(400);
    expect(errorOf((await patch({ backfillMinutes: null })).json).issues?.[0]?.path).toBe("backfillMinutes");
    expect(errorOf((await patch({ secret: "x" })).json).issues?.[0]?.path).toBe("");
    const mixed = await patch({ logTypes: ["Slack.AuditLogs", "Slack.AccessLogs"] });
    expect(mixed.status).toBe(422);
    expect(errorOf(mixed.json).issues?.[0]?.path).toBe("logTypes");
    const recipients = await patch({ alarm: { recipients: ["not an email"] } });
    expect(recipients.status).toBe(422);
    expect(errorOf(recipients.json).issues?.[0]?.path).toBe("alarm.recipients");
    expect((await call(getSourceRoute, `/api/v1/sources/${id}`, { token: readToken })).json).toMatchObject({ logTypes: ["Slack.AuditLogs"], backfillMinutes: 1440, alarm: { recipients: [] } });
    expect((await call(deleteRoute, `/api/v1/sources/${id}?keepEvents=maybe`, { token: writeToken, method: "DELETE" })).status).toBe(400);
    expect((await call(deleteRoute, `/api/v1/sources/${id}?keepEvents=false`, { token: writeToken, method: "DELETE" })).status).toBe(200);
  });

  it("answers unknown sources with 404 and bad queries with 400, never 500", async () => {
    for (const id of ["doesnotexist0000000000000", "../../etc/passwd", "%00"]) {
      expect((await call(getSourceRoute, `/api/v1/sources/${encodeURIComponent(id)}`, { token: readToken })).status).toBe(404);
      expect((await call(runsRoute, `/api/v1/sources/${encodeURIComponent(id)}/runs`, { token: readToken })).status).toBe(404);
      expect((await call(authorizeRoute, `/api/v1/sources/${encodeURIComponent(id)}/authorize`, { token: writeToken, method: "POST" })).status).toBe(404);
      expect((await call(credentialsRoute, `/api/v1/sources/${encodeURIComponent(id)}/credentials`, { token: writeToken, method: "PUT", body: { clientId: "1234.5678" } })).status).toBe(404);
    }
    for (const query of ["from=yesterday", "limit=0", "limit=1000", "logType=Slack.Nope", "cursor=!!!", "from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z"]) {
      const response = await call(searchEventsRoute, `/api/v1/events?${query}`, { token: readToken });
      expect(response.status, query).toBe(400);
      expect(errorOf(response.json).issues?.length, query).toBeGreaterThan(0);
    }
    expect((await call(listSourcesRoute, "/api/v1/sources?sort=secret", { token: readToken })).status).toBe(400);
  });

  it("searches events with the explorer's filters", async () => {
    const response = await call(searchEventsRoute, `/api/v1/events?logType=Slack.AuditLogs&limit=5&q=192.0.2.1`, { token: readToken });
    expect(response.status).toBe(200);
    expect(eventPageSchema.parse(response.json).events.length).toBeLessThanOrEqual(5);
  });
});

describe("the OpenAPI document", () => {
  /** "GET /api/v1/sources/{id}", one per method each route.ts under app/api/v1 exports. */
  function routeOperations(): string[] {
    const walk = (directory: string): string[] =>
      readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : entry.name === "route.ts" ? [join(directory, entry.name)] : []));
    return walk("app/api/v1")
      .flatMap((file) => {
        const path = `/${relative("app", file).split(sep).slice(0, -1).join("/")}`.replace(/\[(\w+)\]/g, "{$1}");
        return [...readFileSync(file, "utf8").matchAll(/export\s+(?:async\s+function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => `${match[1]} ${path}`);
      })
      .sort();
  }

  it("is a valid OpenAPI 3.1 document, served without a token", async () => {
    const response = await getOpenApi();
    expect(response.status).toBe(200);
    const document = (await response.json()) as { openapi: string };
    expect(document.openapi).toBe("3.1.0");
    const result = await validate(document as Parameters<typeof validate>[0]);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("documents every route under app/api/v1, and nothing else", () => {
    expect(documentedOperations()).toEqual(routeOperations());
  });

  it("declares the scope each operation needs", async () => {
    const document = (await (await getOpenApi()).json()) as { paths: Record<string, Record<string, { security: Record<string, string[]>[] }>> };
    expect(document.paths["/api/v1/sources"]?.get?.security).toEqual([{ apiToken: ["read"] }]);
    expect(document.paths["/api/v1/sources/{id}"]?.delete?.security).toEqual([{ apiToken: ["write"] }]);
    expect(document.paths["/api/v1/openapi.json"]?.get?.security).toEqual([]);
  });
});
