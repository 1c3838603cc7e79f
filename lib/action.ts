import type { z } from "zod";

// The one result shape of every server action: expected outcomes are values the form shows.
export type ActionError = { code: string; message: string; fieldErrors?: Record<string, string> };
export type ActionResult<T = null> = { ok: true; data: T } | { ok: false; error: ActionError };

export function actionError(code: string, message: string, fieldErrors?: Record<string, string>): ActionError {
  return fieldErrors ? { code, message, fieldErrors } : { code, message };
}

export function actionSuccess<T>(data: T): ActionResult<T> {
  return { ok: true, data };
}

/** A zod failure as the form shows it: the first message per field. */
export function invalidInput(error: z.ZodError): ActionError {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    fieldErrors[field] ??= issue.message;
  }
  return actionError("invalid_input", error.issues[0]?.message ?? "Check the form and try again.", fieldErrors);
}
