"use server";

import { z } from "zod";
import { authorizeAction } from "@/features/auth/session";
import { pauseSource, resumeSource, type SourceRefusal } from "@/features/sources/mutations";
import { sourceIdSchema } from "@/features/sources/schema";
import { actionError, actionSuccess, invalidInput, type ActionResult } from "@/lib/action";
import { removePullSchedulesNow, schedulePullsNow } from "@/lib/queue/producer";

// Pause and resume from the source's page (admins only). Postgres decides; the schedules follow at
// once when Redis answers, else at the worker's next reconciliation (a paused source's pulls skip anyway).

const REFUSALS: Partial<Record<SourceRefusal, string>> = {
  not_found: "This source no longer exists.",
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
