import type { AuditContext } from "@/features/audit/schema";
import { createReplay, type ReplayRefusal } from "@/features/pulls/mutations";
import { replayRequestSchema } from "@/features/pulls/schema";
import { enqueueReplayNow } from "@/lib/queue/producer";

// "Replay a time window", as the console, the API and the command line ask for it: validated,
// recorded with its audit entry, then queued for the worker.

export const REPLAY_REFUSAL_MESSAGES: Record<ReplayRefusal, string> = {
  not_found: "No source has this ID.",
  wrong_state: "Only a source whose setup is finished can replay a window.",
  log_type_not_enabled: "The source does not pull this log type.",
};

export type ReplayStart =
  | { ok: true; replayId: string; isQueued: boolean }
  | { ok: false; field: "from" | "to" | "sourceId" | "logType" | null; message: string };

export async function startReplay(input: unknown, audit: AuditContext): Promise<ReplayStart> {
  const parsed = replayRequestSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    return { ok: false, field: field === "from" || field === "to" || field === "sourceId" || field === "logType" ? field : null, message: issue?.message ?? "Invalid replay request" };
  }
  const created = await createReplay(parsed.data, audit);
  if (!created.ok) return { ok: false, field: created.reason === "log_type_not_enabled" ? "logType" : null, message: REPLAY_REFUSAL_MESSAGES[created.reason] };
  // If Redis is away the replay waits QUEUED in Postgres; the worker's reconciliation queues it.
  const isQueued = await enqueueReplayNow(created.replayId);
  return { ok: true, replayId: created.replayId, isQueued };
}
