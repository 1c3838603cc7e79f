import type * as NextAuth from "next-auth";
import type { Session } from "next-auth";
import type * as NextHeaders from "next/headers";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET, PATCH, POST, PUT } from "@/app/admin/queues/[[...path]]/route";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { REQUEST_PATH_HEADER } from "@/lib/http";
import { closeProducerQueues, getProducerQueue } from "@/lib/queue/producer";
import { QUEUE_NAMES } from "@/lib/queue/queues";
import { clearQueuePrefix, uniqueSuffix } from "@/scripts/lib/test-helpers";
import { proxy } from "@/proxy";

// Bull Board through its real route handler, on real Redis and Postgres. Only what needs a Next.js
// request scope is stood in for: the decoded session cookie (next-auth's getServerSession) and
// next/headers. Everything after it runs as in production: the user re-read from Postgres, the
// permission table, sign-in redirects and the 403 page, the origin check, bull-board's own handlers.

const fake = vi.hoisted(() => {
  // Queues of their own, so no worker of another test takes the jobs made here, and their cleanup
  // touches nothing else.
  process.env.QUEUE_PREFIX = `tributary-test-board-${globalThis.crypto.randomUUID().slice(0, 8)}`;
  return { session: null as Session | null, headers: new Headers() };
});

vi.mock("next-auth", async (importOriginal) => ({ ...(await importOriginal<typeof NextAuth>()), getServerSession: async () => fake.session }));
vi.mock("next/headers", async (importOriginal) => ({ ...(await importOriginal<typeof NextHeaders>()), headers: async () => fake.headers }));

type Caller = "anonymous" | "analyst" | "admin" | "disabled admin";
const users = {} as Record<Exclude<Caller, "anonymous">, { id: string; email: string; role: "ADMIN" | "ANALYST" }>;
const HANDLERS = { GET, POST, PUT, PATCH };
const suffix = uniqueSuffix();
const delayedJobId = `board-test-${suffix}`;

beforeAll(async () => {
  for (const [caller, role, disabledAt] of [["admin", "ADMIN", null], ["analyst", "ANALYST", null], ["disabled admin", "ADMIN", new Date()]] as const) {
    users[caller] = await db.user.create({
      data: { email: `board-${caller.replace(" ", "-")}-${suffix}@example.test`, name: `Board ${caller}`, role, disabledAt },
      select: { id: true, email: true, role: true },
    });
  }
  // Delayed an hour: it waits, whatever runs meanwhile, until a test promotes it.
  await getProducerQueue("pulls").add("board-test", {}, { jobId: delayedJobId, delay: 3_600_000 });
});

afterAll(async () => {
  const ids = Object.values(users).map((user) => user.id);
  await db.auditTrail.deleteMany({ where: { actorId: { in: ids } } });
  await db.user.deleteMany({ where: { id: { in: ids } } });
  await closeProducerQueues();
  await clearQueuePrefix(getEnv().REDIS_URL, getEnv().QUEUE_PREFIX);
});

type Init = { method?: keyof typeof HANDLERS; headers?: Record<string, string>; body?: string };

/** One request as the browser sends it through the proxy, with the caller's session. */
async function send(caller: Caller, path: string, { method = "GET", headers = {}, body }: Init = {}) {
  const url = new URL(path, getEnv().PUBLIC_URL);
  const proxied = proxy(new NextRequest(url));
  const requestHeaders = new Headers(headers);
  // What the proxy sets on the request: the path to come back to after sign-in, and the policy.
  requestHeaders.set(REQUEST_PATH_HEADER, `${url.pathname}${url.search}`);
  requestHeaders.set("content-security-policy", proxied.headers.get("content-security-policy")!);
  fake.headers = requestHeaders;
  const user = caller === "anonymous" ? null : users[caller];
  fake.session = user ? { user: { id: user.id, email: user.email, name: "", role: user.role, sessionVersion: 0 }, expires: new Date(Date.now() + 3_600_000).toISOString() } : null;
  return HANDLERS[method](new NextRequest(url, { method, headers: requestHeaders, body }));
}

/** The digest Next.js turns into a response when redirect() is thrown. */
async function interruption(response: Promise<Response>): Promise<string> {
  const error: unknown = await response.then(
    () => new Error("answered instead of interrupting"),
    (thrown: unknown) => thrown,
  );
  return (error as { digest?: string }).digest ?? String(error);
}

const sameOrigin = () => ({ origin: getEnv().PUBLIC_URL, "sec-fetch-site": "same-origin" });

async function errorCode(response: Response) {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("the board's pages", () => {
  it("send the signed-out to sign-in and back, and show a role without access a 403 page", async () => {
    expect(await interruption(send("anonymous", "/admin/queues/queue/pulls"))).toContain(`;/signin?callbackUrl=${encodeURIComponent("/admin/queues/queue/pulls")};307;`);
    // A disabled account's session is worth nothing.
    expect(await interruption(send("disabled admin", "/admin/queues"))).toContain(";/signin");
    const refused = await send("analyst", "/admin/queues");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toContain("text/html");
    const html = await refused.text();
    expect(html).toContain("You don't have access to this page");
    expect(html).not.toContain("<script");
  });

  it("give an admin the board with the request's nonce on its scripts and nothing from a third party", async () => {
    const response = await send("admin", "/admin/queues");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('<base href="/admin/queues/" />');
    expect(html).toContain("<title>Tributary queues</title>");
    expect(html).not.toContain("fonts.googleapis.com");
    const nonce = /'nonce-([^']+)'/.exec(fake.headers.get("content-security-policy")!)![1]!;
    const scripts = html.match(/<script\b[^>]*>/g)!;
    expect(scripts.length).toBeGreaterThan(1);
    for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`);
  });
});

describe("the board's API", () => {
  it("answers 401 signed out and 403 for an analyst, as every route handler does", async () => {
    for (const [caller, status, code] of [["anonymous", 401, "unauthorized"], ["disabled admin", 401, "unauthorized"], ["analyst", 403, "forbidden"]] as const) {
      const response = await send(caller, "/admin/queues/api/queues");
      expect(response.status, caller).toBe(status);
      expect(await errorCode(response), caller).toBe(code);
    }
  });

  it("lists Tributary's queues, and their jobs, to an admin", async () => {
    const response = await send("admin", "/admin/queues/api/queues?activeQueue=pulls&status=delayed&page=1&jobsPerPage=10");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const { queues } = (await response.json()) as { queues: { name: string; jobs: { id: string }[] }[] };
    expect(queues.map((queue) => queue.name).sort()).toEqual([...QUEUE_NAMES].sort());
    expect(queues.find((queue) => queue.name === "pulls")!.jobs.map((job) => job.id)).toContain(delayedJobId);
  });

  it("refuses a change from another origin, even a sibling on the same site, with the admin's cookie", async () => {
    const path = `/admin/queues/api/queues/pulls/${delayedJobId}/promote`;
    const forged: Record<string, string>[] = [
      { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
      { origin: "http://other.127.0.0.1.nip.io:3210", "sec-fetch-site": "same-site" },
      // A browser without Sec-Fetch-Site still sends Origin on a PUT.
      { origin: "https://evil.example" },
    ];
    for (const headers of forged) {
      const response = await send("admin", path, { method: "PUT", headers });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await errorCode(response)).toBe("cross_origin");
    }
    // Nor as a form POST: refused before the board looks for a route.
    expect((await send("admin", "/admin/queues/api/queues/pulls/add", { method: "POST", headers: { origin: "https://evil.example" }, body: "{}" })).status).toBe(403);
    expect(await getProducerQueue("pulls").getJobState(delayedJobId)).toBe("delayed");
  });

  it("refuses an analyst's change from the console's own pages", async () => {
    const response = await send("analyst", `/admin/queues/api/queues/pulls/${delayedJobId}/promote`, { method: "PUT", headers: sameOrigin() });
    expect(response.status).toBe(403);
    expect(await getProducerQueue("pulls").getJobState(delayedJobId)).toBe("delayed");
  });

  it("carries out an admin's change and records it in the audit trail with the admin as actor", async () => {
    const response = await send("admin", `/admin/queues/api/queues/pulls/${delayedJobId}/promote`, { method: "PUT", headers: { ...sameOrigin(), "x-forwarded-for": "203.0.113.7" } });
    expect(response.status).toBe(204);
    expect(await getProducerQueue("pulls").getJobState(delayedJobId)).toBe("waiting");
    const entry = await db.auditTrail.findFirst({
      where: { actorId: users.admin.id, action: "queue.changed" },
      select: { actorLabel: true, targetType: true, targetId: true, details: true, ipAddress: true },
    });
    expect(entry).toEqual({
      actorLabel: users.admin.email,
      targetType: "queue",
      targetId: "pulls",
      details: { operation: "Promote one delayed job.", route: "PUT /api/queues/:queueName/:jobId/promote", jobId: delayedJobId },
      ipAddress: "203.0.113.7",
    });
  });

  it("records nothing for a change the board refused", async () => {
    const response = await send("admin", "/admin/queues/api/queues/no-such-queue/pause", { method: "PUT", headers: sameOrigin() });
    expect(response.status).toBe(404);
    expect(await db.auditTrail.count({ where: { actorId: users.admin.id, targetId: "no-such-queue" } })).toBe(0);
  });
});

describe("the board's files", () => {
  it("are served to an admin only", async () => {
    const html = await (await send("admin", "/admin/queues")).text();
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)![1]!;
    const asAdmin = await send("admin", `/admin/queues/${script}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await asAdmin.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await send("anonymous", `/admin/queues/${script}`)).status).toBe(401);
    expect((await send("analyst", `/admin/queues/${script}`)).status).toBe(403);
  });

  it("never reach outside the UI's static folder", async () => {
    for (const path of ["static/..%2F..%2Fpackage.json", "static/%2e%2e/index.ejs", "static/..%5Cindex.ejs", "static/js", "static/"]) {
      expect((await send("admin", `/admin/queues/${path}`)).status, path).toBe(404);
    }
  });
});

describe("the proxy", () => {
  it("adds only a same-origin worker to the console's policy, and only on the board", () => {
    const board = proxy(new NextRequest(new URL("/admin/queues", getEnv().PUBLIC_URL))).headers.get("content-security-policy")!;
    const elsewhere = proxy(new NextRequest(new URL("/settings", getEnv().PUBLIC_URL))).headers.get("content-security-policy")!;
    expect(elsewhere).not.toContain("worker-src");
    expect(board.replace(/'nonce-[^']+'/, "")).toBe(`${elsewhere.replace(/'nonce-[^']+'/, "")}; worker-src 'self'`);
  });
});
