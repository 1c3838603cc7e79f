import { NextResponse, type NextRequest } from "next/server";
import { can } from "@/features/auth/permissions";
import { getCurrentUser } from "@/features/auth/session";
import { setupStepPath } from "@/features/wizard/schema";
import { completeSlackGrant } from "@/features/wizard/slack-grant";
import { getEnv } from "@/lib/env";
import { requestOrigin } from "@/lib/http";

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
    // Signed out while on Slack's page: sign in, then come back here with the same code and state
    // (still single-use and bound to the user who started the grant).
    const back = `${request.nextUrl.pathname}${request.nextUrl.search}`;
    return redirectTo(`/signin?callbackUrl=${encodeURIComponent(back)}`);
  }
  if (!can(user, "sources:manage")) return redirectTo("/sources?grant_error=forbidden");

  const query = Object.fromEntries(["code", "state", "error"].map((name) => [name, request.nextUrl.searchParams.get(name) ?? undefined]));
  const result = await completeSlackGrant(query, { ...requestOrigin(request.headers), actor: { id: user.id, label: user.email } });
  if (result.ok) return redirectTo(result.isSetupStep ? setupStepPath(result.sourceId, "alarm") : `/sources/${result.sourceId}?granted=1`);
  if (!result.sourceId) return redirectTo(`/sources?grant_error=${result.failure}`);
  const outcome = new URLSearchParams({ error: result.failure });
  if (result.missingScopes?.length) outcome.set("missing", result.missingScopes.join(","));
  if (result.slackError && /^[a-z_]{1,60}$/.test(result.slackError)) outcome.set("slack", result.slackError);
  return redirectTo(`/sources/${result.sourceId}/setup/verify?${outcome}`);
}
