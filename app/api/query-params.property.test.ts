import fc from "fast-check";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getAudit } from "@/app/api/audit/route";
import { GET as getEventExport } from "@/app/api/events/export/route";
import { GET as getEvents } from "@/app/api/events/route";
import { GET as getSourceAudit } from "@/app/api/sources/[id]/audit/route";
import { GET as getFailures } from "@/app/api/sources/[id]/failures/route";
import { GET as getPulls } from "@/app/api/sources/[id]/pulls/route";
import { GET as getThroughput } from "@/app/api/sources/[id]/throughput/route";
import { GET as getSources } from "@/app/api/sources/route";
import { auditPageSchema } from "@/features/audit/schema";
import { eventPageSchema } from "@/features/events/schema";
import { failurePageSchema, pullHistoryPageSchema, sourceListPageSchema, throughputSchema } from "@/features/sources/schema";
import { db } from "@/lib/db";
import { encodeKeysetCursor } from "@/lib/keyset-cursor";
import { uniqueSuffix } from "@/scripts/lib/test-helpers";

// Hostile query strings against the real GET handlers and the shared test database. A handler that
// throws is a 500 in production, so every answer here must be 200 (with the documented body), 400
// with a JSON error that says what is wrong, or 404 for a source that does not exist. Only the
// session is replaced: reading cookies needs a Next.js request scope that a unit test does not have.

vi.mock("@/features/auth/session", () => ({
  authorizeRequest: async () => ({ ok: true, user: { id: "property-test-admin", email: "admin@example.test", name: "Property test", role: "ADMIN" } }),
}));

type Handler = (request: NextRequest, context: { params: Promise<{ id: string }> }) => Promise<Response>;

let sourceId = "";

beforeAll(async () => {
  const suffix = uniqueSuffix();
  // Paused, so no worker running meanwhile tries to pull a source that has no token.
  const source = await db.source.create({
    data: { name: `Query fuzz ${suffix}`, nameKey: `query fuzz ${suffix}`, plan: "ENTERPRISE_GRID", logTypes: ["Slack.AuditLogs"], status: "PAUSED" },
    select: { id: true },
  });
  sourceId = source.id;
});

afterAll(async () => {
  await db.source.delete({ where: { id: sourceId } });
});

// ---- hostile query strings ---------------------------------------------------------------------

/** Percent-encodes every UTF-8 byte, as a browser does; lone surrogates become U+FFFD on the way. */
const percentEncode = (text: string) => [...Buffer.from(text, "utf8")].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("");

const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

/** Raw fragments that are not valid UTF-8 once decoded, or not valid escapes at all. */
const RAW_ESCAPES = ["%C0%AF", "%FF", "%FE%FF", "%ED%A0%80", "%E0%80%80", "%F4%90%80%80", "%00", "%", "%%", "%G1", "%2", "%u0000", "%EF%BF%BD", "%80"];

const SQL_FRAGMENTS = ["' OR '1'='1", "1; DROP TABLE events;--", "\") OR 1=1 --", "' UNION SELECT * FROM users --", "$1", "\\x00", "%' --", "1::bigint", "NULL", "{}", "{\"a\":1}"];

const lonesurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

// Years at the edges of what ISO text, JavaScript and Postgres each accept, and offsets that move a
// time across them.
const isoTime = fc
  .tuple(
    fc.oneof(fc.constantFrom(0, 1, 1969, 1970, 9999), fc.integer({ min: 0, max: 9999 })),
    fc.oneof(fc.constantFrom(1, 12), fc.integer({ min: 0, max: 13 })),
    fc.oneof(fc.constantFrom(1, 31), fc.integer({ min: 0, max: 32 })),
    fc.constantFrom("T00:00:00", "T23:59:59", "T23:59:59.999999999", "T24:00:00", " 12:00:00"),
    fc.constantFrom("Z", "+14:00", "-14:00", "+00:00", "", "+99:99", "-23:59"),
  )
  .map(([year, month, day, time, zone]) => `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}${time}${zone}`);

/** A keyset cursor as encodeKeysetCursor makes them, around strange times and ids. */
const keysetCursor = fc
  .tuple(fc.date({ noInvalidDate: true }), fc.oneof(fc.string(), fc.constant("a\u0000b"), fc.constant("")))
  .map(([at, id]) => encodeKeysetCursor({ at, id }));

const rawBase64url = fc.oneof(fc.string(), fc.string({ unit: "binary" })).map((text) => Buffer.from(text, "utf8").toString("base64url"));

/** One value, already as it goes in the URL. */
const rawValue = fc.oneof(
  fc.string().map(percentEncode),
  fc.string({ unit: "binary" }).map(percentEncode),
  fc.string({ unit: lonesurrogate }).map(percentEncode),
  fc.string({ minLength: 2_000, maxLength: 30_000 }).map(percentEncode),
  fc.constantFrom(...RAW_ESCAPES),
  fc.array(fc.constantFrom(...RAW_ESCAPES, "a", "é", "1")).map((parts) => parts.join("")),
  fc.constantFrom(...SQL_FRAGMENTS).map(percentEncode),
  fc.tuple(fc.string(), fc.string()).map(([before, after]) => `${percentEncode(before)}%00${percentEncode(after)}`),
  isoTime.map(percentEncode),
  isoTime.map(percentEncode),
  keysetCursor,
  rawBase64url,
  fc.oneof(fc.integer(), fc.double(), fc.constantFrom("1e3", "-0", "0x10", "Infinity", "NaN", " 5 ", "99999999999999999999")).map((value) => percentEncode(String(value))),
  fc.constantFrom("", "Slack.AuditLogs", "Slack.AccessLogs", "ndjson", "csv", "ACTIVE", "1h", "7d", "name", "desc", "auth.sign_in", "SUCCEEDED"),
);

/** Values a real filter could plausibly carry, at their edges: the likeliest to get past parsing. */
const edgyValue = fc.oneof(isoTime.map(percentEncode), keysetCursor, fc.constantFrom("%00", "a%00b", "1", "200", "201", "0", "10000", "100001"));

function queryString(knownKeys: readonly string[]) {
  const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...knownKeys) }, fc.constantFrom(...HOSTILE_KEYS), fc.string().map(percentEncode), fc.constantFrom(...RAW_ESCAPES));
  // Repeated keys are likely: the key pool is small. `=` may be missing altogether.
  const anything = fc.array(fc.tuple(key, fc.option(rawValue, { nil: undefined })), { maxLength: 8 });
  const plausible = fc.array(fc.tuple(fc.constantFrom(...knownKeys), edgyValue), { maxLength: 3 });
  return fc.oneof(anything, plausible).map((pairs) => pairs.map(([name, value]) => (value === undefined ? name : `${name}=${value}`)).join("&"));
}

// ---- what a client must get back -----------------------------------------------------------------

const NO_PROTOTYPE_POLLUTION = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
};

async function expectClearAnswer(response: Response, okBody: { safeParse: (value: unknown) => { success: boolean } } | "stream") {
  expect([200, 400, 404]).toContain(response.status);
  if (response.status === 200) {
    if (okBody === "stream") {
      // The status line goes out before the rows: a query that fails mid-stream aborts the download.
      await expect(response.text()).resolves.toEqual(expect.any(String));
    } else {
      expect(okBody.safeParse(await response.json()).success).toBe(true);
    }
    return;
  }
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code).toBe(response.status === 400 ? "invalid_query" : "not_found");
  expect(body.error?.message).toEqual(expect.any(String));
  const message = String(body.error?.message);
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThan(300);
  // A message for people, never the database's or the ORM's.
  expect(message).not.toMatch(/prisma|invocation|postgres|SQL|stack/i);
}

const request = (path: string, query: string) => new NextRequest(`http://localhost${path}?${query}`);
const params = (id: string) => ({ params: Promise.resolve({ id }) });

type RouteCase = { name: string; path: string; handler: Handler; keys: readonly string[]; okBody: Parameters<typeof expectClearAnswer>[1]; runs: number };

const ROUTES: RouteCase[] = [
  { name: "events explorer", path: "/api/events", handler: getEvents as Handler, keys: ["from", "to", "sourceId", "logType", "action", "q", "cursor", "limit"], okBody: eventPageSchema, runs: 150 },
  { name: "events export", path: "/api/events/export", handler: getEventExport as Handler, keys: ["from", "to", "sourceId", "logType", "action", "q", "format"], okBody: "stream", runs: 80 },
  { name: "sources list", path: "/api/sources", handler: getSources as Handler, keys: ["q", "status", "health", "alarm", "logType", "sort", "dir", "page"], okBody: sourceListPageSchema, runs: 60 },
  { name: "audit trail", path: "/api/audit", handler: getAudit as Handler, keys: ["action", "actor", "target", "from", "to", "cursor", "limit"], okBody: auditPageSchema, runs: 150 },
  { name: "source pulls", path: "/api/sources/:id/pulls", handler: getPulls as Handler, keys: ["logType", "outcome", "page"], okBody: pullHistoryPageSchema, runs: 80 },
  { name: "source failures", path: "/api/sources/:id/failures", handler: getFailures as Handler, keys: ["cursor"], okBody: failurePageSchema, runs: 100 },
  { name: "source audit", path: "/api/sources/:id/audit", handler: getSourceAudit as Handler, keys: ["cursor"], okBody: auditPageSchema, runs: 100 },
  { name: "source throughput", path: "/api/sources/:id/throughput", handler: getThroughput as Handler, keys: ["range"], okBody: throughputSchema, runs: 60 },
];

describe("API query parameters under hostile query strings", () => {
  for (const route of ROUTES) {
    it(`${route.name} answers 200, 400 with a reason, or 404, never an error`, async () => {
      const id = fc.oneof({ weight: 5, arbitrary: fc.constant("") }, fc.constantFrom("__proto__", "constructor", "a".repeat(25), "'; DROP TABLE sources;--"));
      await fc.assert(
        fc.asyncProperty(queryString(route.keys), id, async (query, otherId) => {
          const response = await route.handler(request(route.path.replace(":id", otherId || sourceId), query), params(otherId || sourceId));
          await expectClearAnswer(response, route.okBody);
          NO_PROTOTYPE_POLLUTION();
        }),
        { numRuns: route.runs },
      );
    });
  }
});

// Found by the properties above: each of these was a 500 (Postgres refused the query) before the fix.
describe("query values Postgres cannot compare are refused, not sent", () => {
  const farCursor = (at: string, id: string) => Buffer.from(`${at}|${id}`, "utf8").toString("base64url");

  it.each([
    ["/api/audit", "actor=a%00b", "Filters cannot contain a NUL character"],
    ["/api/audit", "target=%00", "Filters cannot contain a NUL character"],
    ["/api/audit", "from=0000-01-01T00:00:00Z", "From must be a time between the years 0001 and 9999 (UTC)"],
    ["/api/audit", `cursor=${farCursor("2026-01-01T00:00:00.000Z", "a\u0000b")}`, "This page link is no longer valid: reload the audit trail"],
    ["/api/audit", `cursor=${farCursor("-100000-01-01T00:00:00.000Z", "x")}`, "This page link is no longer valid: reload the audit trail"],
    ["/api/events", "from=0000-01-01T00:00:00Z&to=0001-01-01T00:00:00Z", "From must be a time between the years 0001 and 9999 (UTC)"],
    ["/api/events", "to=9999-12-31T23:59:59-14:00", "To must be a time between the years 0001 and 9999 (UTC)"],
    ["/api/events", `cursor=${farCursor("+200000-01-01T00:00:00.000Z", "5")}`, "This page link is no longer valid: reload the events"],
    ["/api/events/export", "from=9999-12-31T23:59:59-14:00", "From must be a time between the years 0001 and 9999 (UTC)"],
  ])("GET %s?%s answers 400: %s", async (path, query, message) => {
    const handler = { "/api/audit": getAudit, "/api/events": getEvents, "/api/events/export": getEventExport }[path] as Handler;
    const response = await handler(request(path, query), params(""));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: "invalid_query", message } });
  });

  it.each([
    ["failures", getFailures],
    ["audit", getSourceAudit],
  ])("GET /api/sources/:id/%s answers 400 for a cursor with a NUL id or a time out of range", async (name, handler) => {
    for (const cursor of [farCursor("2026-01-01T00:00:00.000Z", "cf_\u0000"), farCursor("-100000-01-01T00:00:00.000Z", "x"), farCursor("0000-06-01T00:00:00.000Z", "x")]) {
      const response = await (handler as Handler)(request(`/api/sources/${sourceId}/${name}`, `cursor=${cursor}`), params(sourceId));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe("This page link is no longer valid: reload the page");
    }
  });

  it("still answers pages for the earliest and latest times Postgres reads", async () => {
    const response = await (getEvents as Handler)(request("/api/events", `from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z&sourceId=${sourceId}`), params(""));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ events: [], nextCursor: null });
  });
});
