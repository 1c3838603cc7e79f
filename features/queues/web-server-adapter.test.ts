import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { WebServerAdapter } from "@/features/queues/web-server-adapter";

// The adapter alone, with raw path segments as Next.js hands them over: the URL parser in front of a
// real request already removes "." and ".." segments, so only a direct call reaches the file
// server's own refusal of them.

const uiDirectory = dirname(createRequire(import.meta.url).resolve("@bull-board/ui/package.json"));

function adapter(isBackendReady = async () => true) {
  return new WebServerAdapter("/admin/queues", isBackendReady).setStaticPath("/static", join(uiDirectory, "dist/static"));
}

describe("the queue board's adapter", () => {
  it("serves no file outside the UI's static folder, however a segment is spelled", async () => {
    const board = adapter();
    const escapes = [["static", ".."], ["static", "..", "index.ejs"], ["static", "%2e%2e", "index.ejs"], ["static", "..%2F..%2Fpackage.json"], ["static", "x%00.js"], ["static", "..%5Cindex.ejs"], ["static", "."]];
    for (const segments of escapes) expect((await board.handle(new Request("http://board.test/"), segments, undefined)).response.status, segments.join("/")).toBe(404);
  });

  it("answers 503 at once instead of waiting on a Redis that is not there", async () => {
    const board = adapter(async () => false);
    board.setApiRoutes([{ method: "get", route: "/api/queues", spec: { summary: "List" }, handler: async () => ({ status: 200, body: { queues: [] } }) } as never]);
    const { response } = await board.handle(new Request("http://board.test/admin/queues/api/queues"), ["api", "queues"], undefined);
    expect(response.status).toBe(503);
  });

  it("refuses a change whose body is not JSON, or too large, before the library sees it", async () => {
    const board = adapter();
    let calls = 0;
    board.setApiRoutes([{ method: "post", route: "/api/queues/:queueName/add", spec: { summary: "Add" }, handler: async () => ((calls += 1), { status: 200, body: {} }) } as never]);
    const post = (body: string) => new Request("http://board.test/admin/queues/api/queues/pulls/add", { method: "POST", body });
    expect((await board.handle(post('{"name": "cut o'), ["api", "queues", "pulls", "add"], undefined)).response.status).toBe(400);
    expect((await board.handle(post(`{"name":"${"x".repeat(70_000)}"}`), ["api", "queues", "pulls", "add"], undefined)).response.status).toBe(413);
    expect(calls).toBe(0);
    expect((await board.handle(post('{"name":"fine"}'), ["api", "queues", "pulls", "add"], undefined)).response.status).toBe(200);
    expect(calls).toBe(1);
  });
});
