import { recordAudit } from "@/features/audit/mutations";
import type { AuditContext } from "@/features/audit/schema";
import { deleteEventsOf, deleteSource, type SourceDeletionRefusal } from "@/features/sources/mutations";
import type { TokenRevocation } from "@/features/sources/schema";
import { revokeUnusedToken } from "@/features/wizard/slack-grant";
import { removePullSchedulesNow } from "@/lib/queue/producer";

// Deleting a source from its settings, everywhere it lives: Postgres (one transaction), Redis (its
// schedules), Slack (its token), and then, if asked, its events. Postgres commits first, so whatever
// fails afterwards leaves a deleted source with loose ends that cannot pull again, never a half-deleted
// one that still does.

export type SourceDeletionOutcome = {
  name: string;
  keepEvents: boolean;
  /** Events stored for the source when it was deleted. */
  eventCount: number;
  eventsDeleted: number;
  failuresDeleted: number;
  token: TokenRevocation;
  /** False when Redis did not answer: the worker's reconciliation drops the schedules of sources that no longer exist. */
  isUnscheduled: boolean;
};

export async function deleteSourceEverywhere(
  sourceId: string,
  input: { confirmName: string; keepEvents: boolean },
  audit: AuditContext,
): Promise<{ ok: true; outcome: SourceDeletionOutcome } | { ok: false; reason: SourceDeletionRefusal; name?: string }> {
  const deleted = await deleteSource(sourceId, input, audit);
  if (!deleted.ok) return deleted;
  const { source } = deleted;
  // Any schedule left behind (Redis away) runs once more, finds no source and removes itself
  // (worker/processors/pulls.ts), and the periodic reconciliation removes it too (worker/schedulers.ts).
  const isUnscheduled = source.wasActivated ? await removePullSchedulesNow(source.logTypes.map((logType) => ({ sourceId, logType }))) : true;
  // The token is revoked in Slack once Postgres no longer uses it.
  const tokenOutcome = await revokeUnusedToken(source.accessToken, source.grantedClientId, sourceId);
  // Whether a live token was left in Slack is for the record, not only for the page the admin sees.
  await recordAudit(audit, { action: "source.token_after_delete", target: { type: "source", id: sourceId, label: source.name }, details: { token: tokenOutcome } });
  // If this stops half-way (the request times out, the process restarts), the worker finishes the
  // erasure: the audit entry committed with the delete says the events were to go (jobs.ts).
  const erased = input.keepEvents ? { events: 0, failures: 0 } : await deleteEventsOf(sourceId);
  return {
    ok: true,
    outcome: { name: source.name, keepEvents: input.keepEvents, eventCount: source.eventCount, eventsDeleted: erased.events, failuresDeleted: erased.failures, token: tokenOutcome, isUnscheduled },
  };
}
