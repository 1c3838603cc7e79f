import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/http";
import { REQUEST_ID_HEADER, resolveRequestId } from "@/lib/logger";
import { webLogger } from "@/lib/web-logger";

// Gives every request an ID that route handlers and pages log with (lib/web-logger.ts) and that the
// response carries back, so a user's report can be matched to the server's log lines.
export function proxy(request: NextRequest) {
  const requestId = resolveRequestId(request.headers.get(REQUEST_ID_HEADER));
  const headers = new Headers(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  webLogger.info({ requestId, method: request.method, path: request.nextUrl.pathname }, "request");
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
