"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { replayRequestSchema } from "@/features/pulls/schema";
import { replayWindowAction } from "@/features/sources/actions";
import { replayWindowInputSchema } from "@/features/sources/schema";
import { invalidInput, type ActionError } from "@/lib/action";

// "Replay a time window" on a source's Settings tab (admins). The times are typed in UTC and read
// as UTC on both sides (features/sources/schema.ts utcFromDateTimeLocal), whatever the browser's
// time zone; the window's rules are the ones the API and the command line apply.

export type ReplayFormProps = {
  sourceId: string;
  logTypes: readonly { value: string; label: string }[];
  /** datetime-local values in UTC, e.g. the last 24 hours. */
  defaultWindow: { from: string; to: string };
};

export function ReplayForm({ sourceId, logTypes, defaultWindow }: ReplayFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<ActionError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice(null);
    const form = new FormData(event.currentTarget);
    const input = replayWindowInputSchema.safeParse({ sourceId, logType: form.get("logType"), from: form.get("from"), to: form.get("to") });
    if (!input.success) return setError(invalidInput(input.error));
    // The window's own rules, checked here as the server will, so each message lands on its field.
    const window = replayRequestSchema.safeParse(input.data);
    if (!window.success) return setError(invalidInput(window.error));
    startTransition(async () => {
      const result = await replayWindowAction({ sourceId, logType: input.data.logType, from: form.get("from"), to: form.get("to") });
      if (!result.ok) return setError(result.error);
      setError(null);
      setNotice(
        result.data.isQueued
          ? "Replay requested. The worker reads the window again in the background; events already stored are skipped."
          : "Replay recorded. The queue did not answer, so the worker picks it up at its next check (within 5 minutes).",
      );
      router.refresh();
    });
  }

  const logTypeError = error?.fieldErrors?.logType;
  const fromError = error?.fieldErrors?.from;
  const toError = error?.fieldErrors?.to;
  const formError = error && !logTypeError && !fromError && !toError ? error.message : null;
  return (
    <form ref={formRef} aria-label="Replay a time window" onSubmit={onSubmit} noValidate className="space-y-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <div className="flex flex-wrap items-start gap-3">
        <Field id="replay-log-type" label="Log type" error={logTypeError} className="w-52">
          <Select id="replay-log-type" name="logType" defaultValue={logTypes[0]?.value} {...fieldAria("replay-log-type", logTypeError)}>
            {logTypes.map((logType) => (
              <option key={logType.value} value={logType.value}>
                {logType.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="replay-from" label="From (UTC)" hint="Date and time in UTC." error={fromError} className="w-56">
          <TextInput id="replay-from" name="from" type="datetime-local" step={60} defaultValue={defaultWindow.from} {...fieldAria("replay-from", fromError, true)} />
        </Field>
        <Field id="replay-to" label="To (UTC)" hint="Not in the future." error={toError} className="w-56">
          <TextInput id="replay-to" name="to" type="datetime-local" step={60} defaultValue={defaultWindow.to} {...fieldAria("replay-to", toError, true)} />
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Requesting…" : "Replay window"}
        </Button>
        {notice && !isPending ? <Alert tone="success">{notice}</Alert> : null}
      </div>
    </form>
  );
}
