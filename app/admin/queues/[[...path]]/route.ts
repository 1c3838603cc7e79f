import type { NextRequest } from "next/server";
import { can } from "@/features/auth/permissions";
import { authorizeRequest, requireUser } from "@/features/auth/session";
import { boardForbiddenResponse, serveQueueBoard } from "@/features/queues/board";
import { boardPathSegments, boardRequestKind } from "@/features/queues/schema";
import { getEnv } from "@/lib/env";
import { crossOriginResponse, isSameOriginRequest, requestOrigin } from "@/lib/http";
import { readScriptNonce } from "@/lib/security-headers";

export const dynamic = "force-dynamic";

// Bull Board for admins. Every request is authorized here, the UI's files and its JSON API included:
// the API retries, removes and promotes jobs and pauses queues.
async function handleBoardRequest(request: NextRequest) {
  const kind = boardRequestKind(request.method, boardPathSegments(request.nextUrl.pathname));
  if (request.method !== "GET" && request.method !== "HEAD" && !isSameOriginRequest(request.headers, getEnv().PUBLIC_URL)) return crossOriginResponse();
  let user;
  if (kind === "page") {
    // Signed out: to sign-in and back here, as from every console page.
    user = await requireUser();
    if (!can(user, "queues:manage")) return boardForbiddenResponse();
  } else {
    const authorization = await authorizeRequest("queues:manage");
    if (!authorization.ok) return authorization.response;
    user = authorization.user;
  }
  const audit = { ...requestOrigin(request.headers), actor: { id: user.id, label: user.email } };
  // The proxy put this request's policy, with its nonce, on the request (proxy.ts).
  return serveQueueBoard(request, audit, readScriptNonce(request.headers.get("content-security-policy")));
}

export { handleBoardRequest as GET, handleBoardRequest as POST, handleBoardRequest as PUT, handleBoardRequest as PATCH };
