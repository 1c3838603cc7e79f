import { NextResponse, type NextRequest } from "next/server";
import { can } from "@/features/auth/permissions";
import { getCurrentUser } from "@/features/auth/session";
import { discardGrantState } from "@/features/wizard/mutations";
import { setupStepPath } from "@/features/wizard/schema";
import { completeSlackGrant } from "@/features/wizard/slack-grant";
import { getEnv } from "@/lib/env";
import { requestOrigin } from "@/lib/http";
import { schedulePullsNow } from "@/lib/queue/producer";

// Where Slack sends the browser after its install page. A browser navigation, not an API call, so
// every outcome is a redirect to a page that explains it. SameSite=Lax session cookies do come along
// on this top-level GET from Slack; the state binds it to the user who clicked Grant Access.

export const dynamic = "force-dynamic";

function redirectTo(path: string) {
  const response = NextResponse.redirect(new URL(path, getEnv().PUBLIC_URL), 303);
  response.headers.set("cache-control", "no-store");
  return response;
}

export async function GET(request: NextRequest) {
  const user = await getCurrentUser();
  if (!user) {
    // Signed out while on Slack's page. The answer is discarded rather than carried through the
    // sign-in page (where the code would sit in a URL, the page and next-auth's callback cookie);
    // after signing in, the person lands on Verify with the explanation.
    const state = request.nextUrl.searchParams.get("state");
    const sourceId = state && state.length <= 512 ? await discardGrantState(state) : null;
    const next = sourceId ? `/sources/${sourceId}/setup/verify?error=session_expired` : "/sources";
    return redirectTo(`/signin?callbackUrl=${encodeURIComponent(next)}`);
  }
  if (!can(user, "sources:manage")) return redirectTo("/sources?grant_error=forbidden");

  const query = Object.fromEntries(["code", "state", "error"].map((name) => [name, request.nextUrl.searchParams.get(name) ?? undefined]));
  const result = await completeSlackGrant(query, { ...requestOrigin(request.headers), actor: { id: user.id, label: user.email } });
  if (result.ok && result.isSetupStep) return redirectTo(setupStepPath(result.sourceId, "alarm"));
  if (result.ok) {
    // A source that had stopped on a dead token pulls again now, not at the next reconciliation.
    if (result.status === "ACTIVE") {
      const targets = result.logTypes.map((logType) => ({ sourceId: result.sourceId, logType }));
      await schedulePullsNow(targets, `regrant${Date.now()}`);
    }
    return redirectTo(`/sources/${result.sourceId}?granted=1`);
  }
  if (!result.sourceId) return redirectTo(`/sources?grant_error=${result.failure}`);
  const outcome = new URLSearchParams({ error: result.failure });
  if (result.missingScopes?.length) outcome.set("missing", result.missingScopes.join(","));
  if (result.slackError && /^[a-z_]{1,60}$/.test(result.slackError)) outcome.set("slack", result.slackError);
  return redirectTo(`/sources/${result.sourceId}/setup/verify?${outcome}`);
}
