"use server";

import { z } from "zod";
import { authorizeAction } from "@/features/auth/session";
import { startReplay } from "@/features/pulls/replays";
import { deleteSourceEverywhere, type SourceDeletionOutcome } from "@/features/sources/deletion";
import { changeBackfillWindow, pauseSource, renameSource, resumeSource, type SourceRefusal } from "@/features/sources/mutations";
import { backfillInputSchema, deleteSourceInputSchema, renameSourceInputSchema, replayWindowInputSchema, sourceDeletedPath, sourceIdSchema } from "@/features/sources/schema";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { removePullSchedulesNow, schedulePullsNow } from "@/lib/queue/producer";

// Pause and resume from the source's page (admins only). Postgres decides; the schedules follow at
// once when Redis answers, else at the worker's next reconciliation (a paused source's pulls skip anyway).

const REFUSALS: Partial<Record<SourceRefusal, string>> = {
  not_found: "This source no longer exists.",
  name_taken: "Another source already has this name. Choose a different one.",
  wrong_state: "The source has changed meanwhile (paused, resumed or still in setup). Reload the page.",
};

const inputSchema = z.object({ sourceId: sourceIdSchema });

export async function pauseSourceAction(input: unknown): Promise<ActionResult<{ isUnscheduled: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await pauseSource(parsed.data.sourceId, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, REFUSALS[result.reason] ?? "The source cannot be paused.") };
  const isUnscheduled = await removePullSchedulesNow(result.logTypes.map((logType) => ({ sourceId: parsed.data.sourceId, logType })));
  return actionSuccess({ isUnscheduled });
}

export async function resumeSourceAction(input: unknown): Promise<ActionResult<{ isScheduled: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await resumeSource(parsed.data.sourceId, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, REFUSALS[result.reason] ?? "The source cannot be resumed.") };
  const isScheduled = await schedulePullsNow(
    result.logTypes.map((logType) => ({ sourceId: parsed.data.sourceId, logType })),
    `resume${Date.now()}`,
  );
  return actionSuccess({ isScheduled });
}

// ---------------------------------------------------------------------------------------------
// The Settings tab (admins only): rename, backfill window, replay a time window, delete.

export async function renameSourceAction(input: unknown): Promise<ActionResult<{ name: string; isChanged: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = renameSourceInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await renameSource(parsed.data.sourceId, parsed.data.name, authorization.audit);
  if (!result.ok) {
    const message = REFUSALS[result.reason] ?? "The source cannot be renamed.";
    return { ok: false, error: actionError(result.reason, message, result.reason === "name_taken" ? { name: message } : undefined) };
  }
  return actionSuccess({ name: parsed.data.name, isChanged: result.isChanged });
}

export async function changeBackfillWindowAction(input: unknown): Promise<ActionResult<{ isChanged: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = backfillInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await changeBackfillWindow(parsed.data.sourceId, parsed.data.backfillMinutes, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError(result.reason, REFUSALS[result.reason] ?? "The backfill window cannot be changed.") };
  return actionSuccess({ isChanged: result.isChanged });
}

/** Times arrive as the form's datetime-local values, read as UTC (replayWindowInputSchema). */
export async function replayWindowAction(input: unknown): Promise<ActionResult<{ replayId: string; isQueued: boolean }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = replayWindowInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const result = await startReplay(parsed.data, authorization.audit);
  if (!result.ok) return { ok: false, error: actionError("replay_refused", result.message, result.field && result.field !== "sourceId" ? { [result.field]: result.message } : undefined) };
  return actionSuccess({ replayId: result.replayId, isQueued: result.isQueued });
}

export async function deleteSourceAction(input: unknown): Promise<ActionResult<SourceDeletionOutcome & { next: string }>> {
  const authorization = await authorizeAction("sources:manage");
  if (!authorization.ok) return { ok: false, error: authorization.error };
  const parsed = deleteSourceInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: invalidInput(parsed.error) };
  const { sourceId, confirmName, keepEvents } = parsed.data;
  const result = await deleteSourceEverywhere(sourceId, { confirmName, keepEvents }, authorization.audit);
  if (!result.ok) {
    if (result.reason === "not_found") return { ok: false, error: actionError("not_found", "This source no longer exists: it may have just been deleted in another tab.") };
    // The name may have changed in another tab since the page was loaded: say what it is now.
    const message = `That is not the source's name. Type “${result.name}” exactly to delete it.`;
    return { ok: false, error: actionError("name_mismatch", message, { confirmName: message }) };
  }
  const { outcome } = result;
  return actionSuccess({ ...outcome, next: sourceDeletedPath({ name: outcome.name, keepEvents: outcome.keepEvents, token: outcome.token }) });
}
