import { NextResponse, type NextRequest } from "next/server";
import { isQueueBoardPath } from "@/features/queues/schema";
import { getEnv } from "@/lib/env";
import { redactPath, REQUEST_PATH_HEADER } from "@/lib/http";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/logger";
import { buildSecurityHeaders, createNonce, isHttpsUrl } from "@/lib/security-headers";
import { webLogger } from "@/lib/web-logger";

// Gives every request an ID that route handlers and pages log with (lib/web-logger.ts) and that the
// response carries back, so a user's report can be matched to the server's log lines. Also sets the
// per-request Content-Security-Policy (a fresh nonce each time) and, over HTTPS, HSTS: here rather
// than in next.config.js, whose headers are fixed at build time, while PUBLIC_URL is read at start.
export function proxy(request: NextRequest) {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const securityHeaders = buildSecurityHeaders({
    nonce: createNonce(),
    // Not getEnv().NODE_ENV, which defaults to development: an unset NODE_ENV must not allow eval.
    isDevelopment: process.env.NODE_ENV === "development",
    isHttps: isHttpsUrl(getEnv().PUBLIC_URL),
  });
  // Bull Board (features/queues) runs under this same policy, its own scripts carrying the nonce, plus
  // one allowance: it highlights job data in a Web Worker loaded from its own files. Without
  // worker-src a worker falls under script-src, where 'strict-dynamic' ignores 'self' and a worker
  // cannot carry a nonce; Chromium admits it anyway as not parser-inserted, but browsers differ there.
  if (isQueueBoardPath(request.nextUrl.pathname)) securityHeaders["Content-Security-Policy"] += "; worker-src 'self'";
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(REQUEST_PATH_HEADER, redactPath(`${request.nextUrl.pathname}${request.nextUrl.search}`));
  // Next.js takes the nonce for its own inline and framework scripts from the policy on the request.
  // (`next start` happens to copy the proxy's response headers onto the request too; other hosts
  // need not, so the request gets it explicitly.)
  headers.set("Content-Security-Policy", securityHeaders["Content-Security-Policy"]);
  webLogger.info({ requestId, method: request.method, path: redactPath(request.nextUrl.pathname) }, "request");
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  for (const [name, value] of Object.entries(securityHeaders)) if (value) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
