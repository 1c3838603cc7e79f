import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { PERMISSIONS, type Permission } from "@/features/auth/permissions";
import { discoverPages, discoverRoutes, routePattern, samplePath as samplePathWith } from "./fixtures/routes";
import { disableUser, seedUser, signInViaApi, testDatabase } from "./fixtures/users";

// The authorization matrix, generated from what the build can actually serve: every page and route
// handler under app/, and every server action in the build's action manifest, is requested as each
// kind of caller. An entry missing from the policy below fails the suite, so a new route or action
// cannot ship without someone deciding who may use it.

// "api-token": /api/v1, which reads only `Authorization: Bearer trb_…` and never a session cookie,
// so every caller here, admin included, gets 401 (e2e/api-tokens.spec.ts calls it with a token).
type Access = Permission | "public" | "api-token";
type Caller = "anonymous" | "analyst" | "admin" | "disabled admin";
const CALLERS: Caller[] = ["anonymous", "analyst", "admin", "disabled admin"];

const PAGE_POLICY: Record<string, Access> = {
  // Only forwards to /sources, which checks.
  "/": "public",
  "/signin": "public",
  "/set-password/[token]": "public",
  "/sources": "console:read",
  "/events": "console:read",
  "/alarms": "console:read",
  "/settings": "settings:read",
  "/settings/users": "users:manage",
  "/settings/audit": "audit:read",
  "/settings/api-tokens": "api-tokens:manage",
  "/sources/new": "sources:manage",
  "/sources/new/slack": "sources:manage",
  "/sources/[id]": "console:read",
  "/sources/[id]/pulls": "console:read",
  "/sources/[id]/failures": "console:read",
  "/sources/[id]/alarm": "console:read",
  "/sources/[id]/audit": "console:read",
  "/sources/[id]/settings": "console:read",
  "/sources/[id]/setup/configure": "sources:manage",
  "/sources/[id]/setup/credentials": "sources:manage",
  "/sources/[id]/setup/verify": "sources:manage",
  "/sources/[id]/setup/alarm": "sources:manage",
};

const ROUTE_POLICY: Record<string, Access> = {
  "GET /api/healthz": "public",
  // Probed by load balancers without a session; says which check failed, never why.
  "GET /api/readyz": "public",
  // next-auth's own endpoints (sign-in, CSRF token, session) must be reachable signed out.
  "GET /api/auth/[...nextauth]": "public",
  "POST /api/auth/[...nextauth]": "public",
  "GET /api/system/status": "console:read",
  // Prometheus' text format; a scraper may use METRICS_TOKEN instead (e2e/operations.spec.ts).
  "GET /api/metrics": "metrics:read",
  "GET /api/users": "users:manage",
  "GET /api/api-tokens": "api-tokens:manage",
  // Describes the API and holds no secrets: clients read it before they have a token.
  "GET /api/v1/openapi.json": "public",
  "GET /api/v1/sources": "api-token",
  "POST /api/v1/sources": "api-token",
  "GET /api/v1/sources/[id]": "api-token",
  "PATCH /api/v1/sources/[id]": "api-token",
  "DELETE /api/v1/sources/[id]": "api-token",
  "PUT /api/v1/sources/[id]/credentials": "api-token",
  "POST /api/v1/sources/[id]/authorize": "api-token",
  "GET /api/v1/sources/[id]/runs": "api-token",
  "GET /api/v1/events": "api-token",
  "GET /api/audit": "audit:read",
  "GET /api/events": "console:read",
  // Streams NDJSON or CSV; unfiltered, the last 24 hours.
  "GET /api/events/export": "console:read",
  "GET /api/sources": "console:read",
  "GET /api/sources/[id]": "console:read",
  "GET /api/sources/[id]/throughput": "console:read",
  "GET /api/sources/[id]/pulls": "console:read",
  "GET /api/sources/[id]/failures": "console:read",
  // A source's own history; the addresses in it are blanked for analysts.
  "GET /api/sources/[id]/audit": "console:read",
  // Slack sends the browser here: answered with redirects to pages, never JSON (checked below).
  "GET /api/oauth/slack/callback": "sources:manage",
  // Bull Board: its pages, files and JSON API (e2e/queues.spec.ts has the pages and the origin check).
  "GET /admin/queues/[[...path]]": "queues:manage",
  "POST /admin/queues/[[...path]]": "queues:manage",
  "PUT /admin/queues/[[...path]]": "queues:manage",
  "PATCH /admin/queues/[[...path]]": "queues:manage",
};

/** What an allowed caller gets when it is not 200: the board has no change at its sample path, so its own 404, past every check. */
const ALLOWED_STATUS: Record<string, number> = {
  "POST /admin/queues/[[...path]]": 404,
  "PUT /admin/queues/[[...path]]": 404,
  "PATCH /admin/queues/[[...path]]": 404,
};

/** Routes a browser navigates to: a refusal is a redirect to a page that explains it, not JSON. */
const BROWSER_ROUTES = new Set(["GET /api/oauth/slack/callback"]);

const ACTION_POLICY: Record<string, Access> = {
  "features/users/actions.ts#inviteUserAction": "users:manage",
  "features/users/actions.ts#changeUserRoleAction": "users:manage",
  "features/users/actions.ts#disableUserAction": "users:manage",
  "features/users/actions.ts#enableUserAction": "users:manage",
  "features/users/actions.ts#resetUserPasswordAction": "users:manage",
  // Authorized by the single-use token it is given, not by a session.
  "features/users/actions.ts#setPasswordAction": "public",
  "features/sources/actions.ts#pauseSourceAction": "sources:manage",
  "features/sources/actions.ts#resumeSourceAction": "sources:manage",
  "features/sources/actions.ts#renameSourceAction": "sources:manage",
  "features/sources/actions.ts#changeBackfillWindowAction": "sources:manage",
  "features/sources/actions.ts#replayWindowAction": "sources:manage",
  "features/sources/actions.ts#deleteSourceAction": "sources:manage",
  "features/alarms/actions.ts#updateAlarmSettingsAction": "sources:manage",
  "features/alarms/actions.ts#sendTestAlarmEmailAction": "sources:manage",
  "features/wizard/actions.ts#createSourceAction": "sources:manage",
  "features/wizard/actions.ts#updateSourceConfigAction": "sources:manage",
  "features/wizard/actions.ts#saveCredentialsAction": "sources:manage",
  "features/wizard/actions.ts#saveSourceAction": "sources:manage",
  "features/wizard/actions.ts#startGrantAction": "sources:manage",
  "features/wizard/actions.ts#finishSetupAction": "sources:manage",
  "features/wizard/actions.ts#discardDraftAction": "sources:manage",
  "features/api-tokens/actions.ts#createApiTokenAction": "api-tokens:manage",
  "features/api-tokens/actions.ts#revokeApiTokenAction": "api-tokens:manage",
};

// A value for each dynamic segment, so the route can be requested. "[id]" is a real source, created
// before the requests, so an allowed caller gets the page and not a 404.
const SAMPLE_SEGMENTS: Record<string, string> = { "[token]": "not-a-real-token-000000000000", "[...nextauth]": "session", "[[...path]]": "api/queues" };

test.beforeAll(async () => {
  const name = `Authorization matrix ${randomBytes(6).toString("hex")}`;
  const source = await testDatabase().source.create({
    data: { name, nameKey: name.toLowerCase(), plan: "PAID", logTypes: ["Slack.AccessLogs"] },
    select: { id: true },
  });
  SAMPLE_SEGMENTS["[id]"] = source.id;
});

const samplePath = (pattern: string) => samplePathWith(pattern, SAMPLE_SEGMENTS);

type ActionEntry = { id: string; key: string; pagePath: string };

function discoverActions(): ActionEntry[] {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, action]) => {
    // Posted to a page that bundles the action, as the browser does.
    const worker = Object.keys(action.workers)[0]!;
    return { id, key: `${action.filename}#${action.exportedName}`, pagePath: samplePath(routePattern(`${worker}.tsx`)) };
  });
}

function isAllowed(access: Access, caller: Caller): boolean {
  if (access === "public") return true;
  if (access === "api-token") return false;
  const role = caller === "admin" ? "ADMIN" : caller === "analyst" ? "ANALYST" : null;
  return role !== null && (PERMISSIONS[access] as readonly string[]).includes(role);
}

async function callerContexts(browser: Browser, baseURL: string) {
  const contexts = {} as Record<Caller, APIRequestContext>;
  const admin = await seedUser({ role: "ADMIN" });
  const analyst = await seedUser({ role: "ANALYST" });
  const disabled = await seedUser({ role: "ADMIN" });
  for (const [caller, user] of [["admin", admin], ["analyst", analyst], ["disabled admin", disabled]] as const) {
    const context = await browser.newContext({ baseURL });
    await signInViaApi(context, user);
    contexts[caller] = context.request;
  }
  // Signed in while active, then disabled: the session cookie it still holds must be worthless.
  await disableUser(disabled.id);
  contexts.anonymous = (await browser.newContext({ baseURL })).request;
  return contexts;
}

test("every page, route handler and server action has an access policy", () => {
  expect(discoverPages()).toEqual(Object.keys(PAGE_POLICY).sort());
  expect(discoverRoutes()).toEqual(Object.keys(ROUTE_POLICY).sort());
  expect(discoverActions().map((action) => action.key).sort()).toEqual(Object.keys(ACTION_POLICY).sort());
});

test("pages redirect the signed-out to sign-in and answer a role without access with 403", async ({ browser, baseURL }) => {
  const contexts = await callerContexts(browser, baseURL!);
  for (const pattern of discoverPages()) {
    const access = PAGE_POLICY[pattern]!;
    for (const caller of CALLERS) {
      const response = await contexts[caller].get(samplePath(pattern), { maxRedirects: 0 });
      const label = `${caller} GET ${pattern}`;
      const isSignedIn = caller === "admin" || caller === "analyst";
      if (access !== "public" && !isSignedIn) {
        expect(response.status(), label).toBe(307);
        expect(response.headers().location, label).toMatch(/^\/signin/);
      } else if (isAllowed(access, caller)) {
        // The root page forwards to /sources; a signed-in visitor of /signin is forwarded too.
        expect([200, 307], label).toContain(response.status());
      } else {
        expect(response.status(), label).toBe(403);
        expect(await response.text(), label).toContain("You don't have access to this page");
      }
    }
  }
});

test("route handlers answer 401 JSON signed out and 403 JSON for a role without access", async ({ browser, baseURL }) => {
  const contexts = await callerContexts(browser, baseURL!);
  for (const route of discoverRoutes()) {
    const [method, pattern] = route.split(" ") as [string, string];
    const access = ROUTE_POLICY[route]!;
    if (access === "public" || BROWSER_ROUTES.has(route)) continue;
    for (const caller of CALLERS) {
      const response = await contexts[caller].fetch(samplePath(pattern), { method, maxRedirects: 0 });
      const label = `${caller} ${route}`;
      const isSignedIn = caller === "admin" || caller === "analyst";
      if (!isSignedIn || access === "api-token") {
        expect(response.status(), label).toBe(401);
        expect(((await response.json()) as { error: { code: string } }).error.code, label).toBe("unauthorized");
        if (access === "api-token") expect(response.headers()["www-authenticate"], label).toBe('Bearer realm="tributary"');
      } else if (isAllowed(access, caller)) {
        expect(response.status(), label).toBe(ALLOWED_STATUS[route] ?? 200);
      } else {
        expect(response.status(), label).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code, label).toBe("forbidden");
      }
    }
  }
});

test("browser routes send the signed-out to sign-in and a role without access to an explanation", async ({ browser, baseURL }) => {
  const contexts = await callerContexts(browser, baseURL!);
  for (const route of BROWSER_ROUTES) {
    const [method, pattern] = route.split(" ") as [string, string];
    const access = ROUTE_POLICY[route]!;
    for (const caller of CALLERS) {
      const response = await contexts[caller].fetch(samplePath(pattern), { method, maxRedirects: 0 });
      const label = `${caller} ${route}`;
      const isSignedIn = caller === "admin" || caller === "analyst";
      const location = new URL(response.headers().location ?? "/", baseURL);
      expect(response.status(), label).toBe(303);
      if (!isSignedIn) expect(location.pathname, label).toBe("/signin");
      // Allowed, but without a state from Grant Access: refused as one, never processed.
      else if (isAllowed(access, caller)) expect(location.searchParams.get("grant_error"), label).toBe("state_missing");
      else expect(location.searchParams.get("grant_error"), label).toBe("forbidden");
    }
  }
});

test("server actions refuse callers without the permission before touching their input", async ({ browser, baseURL }) => {
  const contexts = await callerContexts(browser, baseURL!);
  for (const action of discoverActions()) {
    const access = ACTION_POLICY[action.key]!;
    for (const caller of CALLERS) {
      // Called as the browser calls it; an empty input can only be refused, so nothing changes.
      const response = await contexts[caller].post(action.pagePath, {
        headers: { "next-action": action.id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", origin: baseURL! },
        data: JSON.stringify([{}]),
        maxRedirects: 0,
      });
      const label = `${caller} ${action.key}`;
      expect(response.status(), label).toBe(200);
      const body = await response.text();
      const code = /"ok":false,"error":\{"code":"([a-z_]+)"/.exec(body)?.[1];
      const isSignedIn = caller === "admin" || caller === "analyst";
      if (isAllowed(access, caller)) expect(code, label).toBe("invalid_input");
      else expect(code, label).toBe(isSignedIn ? "forbidden" : "unauthorized");
    }
  }
});
