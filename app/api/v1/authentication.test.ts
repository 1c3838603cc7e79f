import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listSources, POST as createSourceRoute } from "@/app/api/v1/sources/route";
import { authenticateApiRequest } from "@/features/api-tokens/authentication";
import { listApiTokens } from "@/features/api-tokens/data";
import { createApiToken, revokeApiToken } from "@/features/api-tokens/mutations";
import { API_TOKEN_PATTERN, type CreateApiTokenInput } from "@/features/api-tokens/schema";
import type { AuditContext } from "@/features/audit/schema";
import { createSource } from "@/features/sources/mutations";
import { db } from "@/lib/db";
import { hashToken } from "@/lib/tokens";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// API tokens against the real database: what is stored, and every way a bearer token is refused,
// through the real route handlers of /api/v1 and the same Request a client sends.

type Seeded = { id: string; email: string; audit: AuditContext };

async function seedUser(role: "ADMIN" | "ANALYST" = "ADMIN"): Promise<Seeded> {
  const email = `api-token-${uniqueSuffix()}@example.test`;
  const user = await db.user.create({ data: { email, name: email, role, passwordHash: "scrypt$placeholder" }, select: { id: true, email: true } });
  return { ...user, audit: { actor: { id: user.id, label: user.email }, ipAddress: "192.0.2.10", requestId: "req-api-token" } };
}

async function issue(creator: Seeded, input: Partial<CreateApiTokenInput> = {}) {
  return createApiToken({ name: `test ${uniqueSuffix()}`, scope: "READ", expiresInDays: 30, ...input }, creator.id, creator.audit);
}

function request(path: string, init: { token?: string; authorization?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.authorization) headers.set("authorization", init.authorization);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new NextRequest(`http://127.0.0.1${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

let admin: Seeded;

beforeAll(async () => {
  admin = await seedUser();
});

describe("creating, listing and revoking tokens", () => {
  it("returns the token once and stores only its SHA-256 and a short prefix", async () => {
    const created = await issue(admin, { name: `ci ${uniqueSuffix()}`, scope: "WRITE" });
    expect(created.token).toMatch(API_TOKEN_PATTERN);
    expect(created.prefix).toBe(created.token.slice(0, 12));
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.createdById).toBe(admin.id);

    const listed = (await listApiTokens()).find((token) => token.id === created.id);
    expect(listed).toMatchObject({ scope: "WRITE", prefix: created.prefix, createdBy: admin.email, status: "ACTIVE", lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(12));
    expect(JSON.stringify(listed)).not.toContain(row.tokenHash);
  });

  it("records creation and revocation in the audit trail, without the token", async () => {
    const created = await issue(admin);
    expect(await revokeApiToken(created.id, admin.audit)).toEqual({ ok: true });
    expect(await revokeApiToken(created.id, admin.audit)).toEqual({ ok: false, reason: "already_revoked" });
    const entries = await db.auditTrail.findMany({ where: { targetType: "api_token", targetId: created.id }, orderBy: { at: "asc" } });
    expect(entries.map((entry) => [entry.action, entry.actorId])).toEqual([
      ["api_token.created", admin.id],
      ["api_token.revoked", admin.id],
    ]);
    expect(JSON.stringify(entries)).not.toContain(created.token);
    expect((await listApiTokens()).find((token) => token.id === created.id)?.status).toBe("REVOKED");
  });
});

describe("bearer authentication of /api/v1", () => {
  it("answers 401 with a Bearer challenge when no token is sent, and ignores session cookies", async () => {
    for (const headers of [{} as Record<string, string>, { cookie: "next-auth.session-token=anything; __Secure-next-auth.session-token=anything" }]) {
      const response = await listSources(request("/api/v1/sources", { headers }));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="tributary"');
      expect((await errorOf(response)).code).toBe("unauthorized");
    }
  });

  it("refuses malformed, unknown, revoked and expired tokens with invalid_token", async () => {
    const revoked = await issue(admin);
    await revokeApiToken(revoked.id, admin.audit);
    const expired = await issue(admin);
    await db.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const valid = await issue(admin);
    const cases: [string, string, RegExp][] = [
      ["Basic dXNlcjpwYXNz", "another scheme", /not a Tributary API token/],
      ["Bearer not-a-token", "a token of another shape", /not a Tributary API token/],
      [`Bearer ${valid.token} extra`, "trailing words", /not a Tributary API token/],
      [`Bearer trb_${"A".repeat(43)}`, "a token never issued", /not valid/],
      [`Bearer ${valid.token.slice(0, -1)}${valid.token.endsWith("A") ? "B" : "A"}`, "a token one character off", /not valid/],
      [`Bearer ${revoked.token}`, "a revoked token", /revoked/],
      [`Bearer ${expired.token}`, "an expired token", /expired/],
    ];
    for (const [authorization, label, message] of cases) {
      const response = await listSources(request("/api/v1/sources", { authorization }));
      expect(response.status, label).toBe(401);
      expect(response.headers.get("www-authenticate"), label).toBe('Bearer realm="tributary", error="invalid_token"');
      const error = await errorOf(response);
      expect(error.code, label).toBe("invalid_token");
      expect(error.message, label).toMatch(message);
    }
  });

  it("stops a token at once when it is revoked", async () => {
    const token = await issue(admin);
    expect((await listSources(request("/api/v1/sources", { token: token.token }))).status).toBe(200);
    await revokeApiToken(token.id, admin.audit);
    expect((await listSources(request("/api/v1/sources", { token: token.token }))).status).toBe(401);
  });

  it("stops every token of a creator who is disabled", async () => {
    const creator = await seedUser();
    const token = await issue(creator, { scope: "WRITE" });
    expect((await listSources(request("/api/v1/sources", { token: token.token }))).status).toBe(200);
    await db.user.update({ where: { id: creator.id }, data: { disabledAt: new Date() } });
    const response = await listSources(request("/api/v1/sources", { token: token.token }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).message).toMatch(/account that created this API token is disabled/);
    expect((await listApiTokens()).find((listed) => listed.id === token.id)?.status).toBe("CREATOR_DISABLED");
  });

  it("lets a read token read and refuses it every write with 403 insufficient_scope", async () => {
    const token = await issue(admin, { scope: "READ" });
    expect((await listSources(request("/api/v1/sources", { token: token.token }))).status).toBe(200);
    const name = `Read-only attempt ${uniqueSuffix()}`;
    const response = await createSourceRoute(request("/api/v1/sources", { token: token.token, method: "POST", body: { name, plan: "PAID", logTypes: ["Slack.AccessLogs"] } }));
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect((await errorOf(response)).code).toBe("insufficient_scope");
    expect(await db.source.count({ where: { name } })).toBe(0);
  });

  it("refuses every write operation under app/api/v1 to a read token, and every operation to no token", async () => {
    // Found from the route files, so a route added later is checked without anyone remembering to.
    const walk = (directory: string): string[] =>
      readdirSync(directory, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(join(directory, entry.name)) : entry.name === "route.ts" ? [join(directory, entry.name)] : []));
    const created = await createSource({ name: `Scope target ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs"], backfillMinutes: 60 }, admin.audit);
    if (!created.ok) throw new Error(`could not create the source: ${created.reason}`);
    const { sourceId } = created;
    const readToken = await issue(admin, { scope: "READ" });
    const operations: string[] = [];
    for (const file of walk("app/api/v1")) {
      const path = `/${relative("app", file).split(sep).slice(0, -1).join("/")}`.replace("[id]", sourceId);
      const handlers = (await import(resolve(file))) as Record<string, (request: NextRequest, context: { params: Promise<{ id: string }> }) => Promise<Response>>;
      for (const method of [...readFileSync(file, "utf8").matchAll(/export\s+(?:async\s+function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((match) => match[1]!)) {
        const label = `${method} ${path}`;
        operations.push(label);
        const send = (token?: string) => {
          // A body that creates or renames and a delete's keepEvents: a route missing its check answers something other than 401 or 403, or changes the source.
          const body = method === "GET" ? undefined : { name: `Renamed ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs"] };
          return handlers[method]!(request(`${path}?keepEvents=true`, { token, method, body }), { params: Promise.resolve({ id: sourceId }) });
        };
        if (path === "/api/v1/openapi.json") continue;
        const anonymous = await send();
        expect(anonymous.status, label).toBe(401);
        if (method === "GET") continue;
        const response = await send(readToken.token);
        expect(response.status, label).toBe(403);
        expect((await errorOf(response)).code, label).toBe("insufficient_scope");
      }
    }
    expect(operations).toEqual(expect.arrayContaining([`POST /api/v1/sources`, `PATCH /api/v1/sources/${sourceId}`, `DELETE /api/v1/sources/${sourceId}`]));
    const entries = await db.auditTrail.findMany({ where: { targetType: "source", targetId: sourceId }, select: { action: true } });
    expect(entries.map((entry) => entry.action)).toEqual(["source.created"]);
  });

  it("never gives a token more than its creator's current role", async () => {
    const creator = await seedUser();
    const token = await issue(creator, { scope: "WRITE" });
    await db.user.update({ where: { id: creator.id }, data: { role: "ANALYST" } });
    expect((await listSources(request("/api/v1/sources", { token: token.token }))).status).toBe(200);
    const response = await createSourceRoute(request("/api/v1/sources", { token: token.token, method: "POST", body: { name: `Demoted ${uniqueSuffix()}`, plan: "PAID", logTypes: ["Slack.AccessLogs"] } }));
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("forbidden");
  });

  it("records when a token was last used, at most once a minute", async () => {
    const token = await issue(admin);
    // Within the token's 30 days, and later than any use this test made of it.
    const first = new Date(Date.now() + 24 * 3600_000);
    const authenticate = (at: Date) => authenticateApiRequest(request("/api/v1/sources", { token: token.token }), "READ", at);
    expect((await authenticate(first)).ok).toBe(true);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(first);
    await authenticate(new Date(first.getTime() + 30_000));
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(first);
    const later = new Date(first.getTime() + 61_000);
    await authenticate(later);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(later);
  });

  it("acts in the audit trail as the token, on behalf of its creator", async () => {
    const token = await issue(admin, { name: `deploy-bot ${uniqueSuffix()}`, scope: "WRITE" });
    const authentication = await authenticateApiRequest(request("/api/v1/sources", { token: token.token, headers: { "x-request-id": "req-audit-actor" } }), "WRITE");
    if (!authentication.ok) throw new Error("the token was refused");
    expect(authentication.caller.audit.actor).toEqual({ id: admin.id, label: `API token ${(await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).name} (by ${admin.email})` });
    expect(authentication.caller.audit.requestId).toBe("req-audit-actor");
  });
});
