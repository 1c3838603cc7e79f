import { NextResponse } from "next/server";
import type { z } from "zod";
import { readBoundedText } from "@/lib/http";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/logger";
import { webLogger } from "@/lib/web-logger";

// The answers of /api/v1: JSON, never cached, and every error in one shape that programs can branch
// on — `{ error: { code, message, issues? } }` — documented once in the OpenAPI document
// (features/api/openapi.ts). The console's own routes use lib/http.ts jsonError, the same shape
// without `issues`.

export type ApiIssue = { path: string; message: string };

const NO_STORE = { "cache-control": "no-store" };

export function apiJson(body: unknown, status = 200) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

export function apiError(status: number, code: string, message: string, options: { issues?: ApiIssue[]; headers?: Record<string, string> } = {}) {
  const error = options.issues ? { code, message, issues: options.issues } : { code, message };
  return NextResponse.json({ error }, { status, headers: { ...NO_STORE, ...options.headers } });
}

/** Each zod issue as a dotted path ("alarm.recipients") and its message, which are written for people. */
export function apiIssues(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

export function invalidRequest(error: z.ZodError, code = "invalid_request") {
  return apiError(400, code, error.issues[0]?.message ?? "The request is not valid.", { issues: apiIssues(error) });
}

export const sourceNotFound = () => apiError(404, "not_found", "No source has this ID; it may have been deleted.");

/** The largest request (a source with 20 alarm recipients) is a few kilobytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The JSON body parsed by a schema, or the 400 to answer. Malformed JSON, a wrong content type and
 * an oversized body are the caller's mistakes, never a 500.
 */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T): Promise<{ ok: true; data: z.output<T> } | { ok: false; response: NextResponse }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    return { ok: false, response: apiError(415, "unsupported_media_type", "Send the body as JSON (Content-Type: application/json).") };
  }
  const text = await readBoundedText(request, MAX_BODY_BYTES);
  if (text === null) return { ok: false, response: apiError(413, "body_too_large", "The body is larger than any request of this API needs (64 KiB).") };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, response: apiError(400, "invalid_json", "The body is not valid JSON.") };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { ok: false, response: invalidRequest(parsed.error) };
  return { ok: true, data: parsed.data };
}

/** A refusal of features/api/sources.ts as the HTTP answer. */
export function refusalResponse(refusal: { status: number; code: string; message: string; issues?: ApiIssue[] }) {
  return apiError(refusal.status, refusal.code, refusal.message, refusal.issues ? { issues: refusal.issues } : {});
}

/**
 * A route handler whose unexpected failure (Postgres or Redis unreachable, a bug) still answers in
 * the API's error shape, so a script can tell it from a refusal, with the request ID that finds the
 * logged cause. The message never carries the error itself: it could name hosts or queries.
 */
export function apiRoute<Args extends [Request, ...unknown[]]>(handler: (...args: Args) => Promise<Response>): (...args: Args) => Promise<Response> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      const [request] = args;
      const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
      webLogger.error({ event: "api_error", requestId, method: request.method, path: new URL(request.url).pathname, err: error }, "API request failed");
      return apiError(500, "internal_error", `Tributary could not complete this request. Try again later; if it keeps failing, its log holds the cause under request ID ${requestId}.`, {
        headers: { [REQUEST_ID_HEADER]: requestId },
      });
    }
  };
}
