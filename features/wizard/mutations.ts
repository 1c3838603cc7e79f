import { GRANT_STATE_LIFETIME_SECONDS } from "@/features/wizard/schema";
import { db } from "@/lib/db";
import { createOneTimeToken, hashToken } from "@/lib/tokens";

// The OAuth `state` of a Grant Access: 256 random bits, only the hash stored, bound to the user and
// the source, single-use, expiring. It is what makes the callback CSRF-safe: a code arriving without
// the state this user's browser was given is refused before anything is sent to Slack.

export async function createGrantState(input: { sourceId: string; userId: string; clientId: string; redirectUri: string }, now = new Date()) {
  const { token, tokenHash } = createOneTimeToken();
  // Older unanswered attempts by this user for this source die here: only the latest tab can finish.
  await db.oAuthState.updateMany({ where: { sourceId: input.sourceId, userId: input.userId, usedAt: null }, data: { usedAt: now } });
  await db.oAuthState.create({
    data: { ...input, stateHash: tokenHash, expiresAt: new Date(now.getTime() + GRANT_STATE_LIFETIME_SECONDS * 1000), createdAt: now },
    select: { id: true },
  });
  return token;
}

export type GrantStateRefusal = "state_invalid" | "state_expired" | "state_used" | "state_other_user";
export type ClaimedGrantState = { sourceId: string; clientId: string; redirectUri: string };

/**
 * Uses up a state exactly once. The conditional update is the claim, so two tabs (or a reload of
 * the callback) racing with the same state cannot both proceed; the follow-up read only explains
 * a refusal.
 */
export async function claimGrantState(state: string, userId: string, now = new Date()): Promise<{ ok: true; grant: ClaimedGrantState } | { ok: false; reason: GrantStateRefusal; sourceId: string | null }> {
  const stateHash = hashToken(state);
  const claimed = await db.oAuthState.updateMany({ where: { stateHash, userId, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  const row = await db.oAuthState.findUnique({ where: { stateHash }, select: { sourceId: true, userId: true, clientId: true, redirectUri: true, usedAt: true, expiresAt: true } });
  if (claimed.count === 1 && row) return { ok: true, grant: { sourceId: row.sourceId, clientId: row.clientId, redirectUri: row.redirectUri } };
  if (!row) return { ok: false, reason: "state_invalid", sourceId: null };
  // Another user's state tells this user nothing about that source.
  if (row.userId !== userId) return { ok: false, reason: "state_other_user", sourceId: null };
  if (row.usedAt) return { ok: false, reason: "state_used", sourceId: row.sourceId };
  return { ok: false, reason: "state_expired", sourceId: row.sourceId };
}

/**
 * Spends a state without completing the grant: the answer arrived while nobody was signed in, and
 * carrying Slack's code through the sign-in page would put it in URLs, pages and cookies.
 */
export async function discardGrantState(state: string, now = new Date()): Promise<string | null> {
  const stateHash = hashToken(state);
  await db.oAuthState.updateMany({ where: { stateHash, usedAt: null }, data: { usedAt: now } });
  return (await db.oAuthState.findUnique({ where: { stateHash }, select: { sourceId: true } }))?.sourceId ?? null;
}

/** Expired states are worthless; keep the table small. Called when a new attempt starts. */
export async function deleteStaleGrantStates(now = new Date()) {
  await db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 3600_000) } } });
}
