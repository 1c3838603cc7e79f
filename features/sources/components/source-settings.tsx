"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { changeBackfillWindowAction, renameSourceAction } from "@/features/sources/actions";
import { BACKFILL_CHOICES, backfillInputSchema, describeMinutes, renameSourceInputSchema, SOURCE_NAME_MAX } from "@/features/sources/schema";
import { invalidInput, type ActionError, type ActionResult } from "@/lib/action";

// The Name and Backfill window cards of a source's Settings tab (admins). Both forms keep what was
// typed when the server refuses it, and say why next to the field.

type Outcome = { tone: "success"; text: string } | null;

/**
 * The submit flow both forms share: check the input with the server's own schema, call the action,
 * then show its refusal on the field or a one-line outcome, and refresh the page's server parts.
 */
function useSettingForm<Input, Data>(schema: z.ZodType<Input>, action: (input: Input) => Promise<ActionResult<Data>>, describe: (data: Data) => string) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<ActionError | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  function submit(input: unknown) {
    setOutcome(null);
    const parsed = schema.safeParse(input);
    if (!parsed.success) return setError(invalidInput(parsed.error));
    startTransition(async () => {
      const result = await action(parsed.data);
      if (!result.ok) return setError(result.error);
      setError(null);
      setOutcome({ tone: "success", text: describe(result.data) });
      router.refresh();
    });
  }
  return { formRef, error, outcome, isPending, submit };
}

export function RenameSourceForm({ sourceId, name }: { sourceId: string; name: string }) {
  const { formRef, error, outcome, isPending, submit } = useSettingForm(renameSourceInputSchema, renameSourceAction, (data) =>
    data.isChanged ? `Renamed to “${data.name}”.` : "That is already its name: nothing changed.",
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit({ sourceId, name: new FormData(event.currentTarget).get("name") });
  }

  const nameError = error?.fieldErrors?.name;
  const formError = error && !nameError ? error.message : null;
  return (
    <form ref={formRef} aria-label="Rename the source" onSubmit={onSubmit} noValidate className="space-y-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field
        id="source-name"
        label="Name"
        hint={`How this source appears in Tributary, up to ${SOURCE_NAME_MAX} characters. Events already stored keep the name they were stored with.`}
        error={nameError}
        className="max-w-md"
      >
        <TextInput id="source-name" name="name" defaultValue={name} autoComplete="off" required {...fieldAria("source-name", nameError, true)} />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Renaming…" : "Rename"}
        </Button>
        {outcome && !isPending ? <Alert tone={outcome.tone}>{outcome.text}</Alert> : null}
      </div>
    </form>
  );
}

export function BackfillWindowForm({ sourceId, backfillMinutes }: { sourceId: string; backfillMinutes: number }) {
  const { formRef, error, outcome, isPending, submit } = useSettingForm(backfillInputSchema, changeBackfillWindowAction, (data) =>
    data.isChanged ? "Backfill window saved." : "That is already the backfill window: nothing changed.",
  );
  // A value set from the command line that the menu does not list is shown as it is, not changed.
  const choices = BACKFILL_CHOICES.some((choice) => choice.minutes === backfillMinutes) ? BACKFILL_CHOICES : [...BACKFILL_CHOICES, { minutes: backfillMinutes, label: describeMinutes(backfillMinutes) }];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    submit({ sourceId, backfillMinutes: new FormData(event.currentTarget).get("backfillMinutes") });
  }

  const backfillError = error?.fieldErrors?.backfillMinutes;
  const formError = error && !backfillError ? error.message : null;
  return (
    <form ref={formRef} aria-label="Backfill window" onSubmit={onSubmit} noValidate className="space-y-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <Field
        id="backfill"
        label="First pull reaches back"
        hint="Used by the first pull of a log type that has never been pulled, for example one added by granting access again. Log types already pulling continue from where they stopped."
        error={backfillError}
      >
        <Select id="backfill" name="backfillMinutes" defaultValue={String(backfillMinutes)} className="max-w-xs" {...fieldAria("backfill", backfillError, true)}>
          {choices.map((choice) => (
            <option key={choice.minutes} value={choice.minutes}>
              {choice.label}
            </option>
          ))}
        </Select>
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? "Saving…" : "Save backfill window"}
        </Button>
        {outcome && !isPending ? <Alert tone={outcome.tone}>{outcome.text}</Alert> : null}
      </div>
    </form>
  );
}
