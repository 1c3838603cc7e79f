import { GRANT_STATE_LIFETIME_SECONDS } from "@/features/wizard/schema";
import { db } from "@/lib/db";

/**
 * The latest Grant Access this user started for the source that never came back from Slack. Slack
 * shows its own error page instead of redirecting when the redirect URL or client ID is wrong, so
 * the wizard can only infer from this that something went wrong over there.
 */
export async function findUnansweredGrant(sourceId: string, userId: string, now = new Date()) {
  const since = new Date(now.getTime() - GRANT_STATE_LIFETIME_SECONDS * 1000);
  return db.oAuthState.findFirst({
    where: { sourceId, userId, usedAt: null, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
}

