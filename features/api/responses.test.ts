import { describe, expect, it } from "vitest";
import { apiJson, apiRoute } from "@/features/api/responses";

// The one way /api/v1 answers a failure nobody planned for: what a script calling it would read.

const request = (headers: Record<string, string> = {}) => new Request("http://localhost/api/v1/events?q=x", { headers });

describe("apiRoute", () => {
  it("answers an unexpected failure as a JSON 500 with the request ID, never the error's own words", async () => {
    const handler = apiRoute(async (_request: Request) => {
      throw new Error("connect ECONNREFUSED 10.20.30.40:5432 (password authentication failed for user tributary)");
    });
    const response = await handler(request({ "x-request-id": "req-0001-abcdef" }));
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).toBe("req-0001-abcdef");
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("internal_error");
    expect(body.error.message).toContain("req-0001-abcdef");
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.20\.30\.40|password/);
  });

  it("makes up a request ID when the caller sent none or a malformed one", async () => {
    const handler = apiRoute(async (_request: Request) => Promise.reject(new TypeError("boom")));
    for (const headers of [{}, { "x-request-id": "<script>" }] as Record<string, string>[]) {
      const response = await handler(request(headers));
      const requestId = response.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(requestId);
    }
  });

  it("passes every answer the handler gives through unchanged, refusals included", async () => {
    const handler = apiRoute(async (_request: Request, status: number) => apiJson({ status }, status));
    for (const status of [200, 201, 400, 404, 409]) {
      const response = await handler(request(), status);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ status });
    }
  });
});
