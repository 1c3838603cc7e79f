"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Field, fieldAria, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { deleteSourceAction } from "@/features/sources/actions";
import { deleteSourceInputSchema, isConfirmedName } from "@/features/sources/schema";
import { invalidInput, type ActionError } from "@/lib/action";

// The danger zone of a source's Settings tab. The admin types the source's name and chooses what
// becomes of its events; nothing is chosen for them. The server compares the name again, under the
// source's row lock, so a rename in another tab cannot turn this into deleting something else.

const countEvents = (count: number) => `${count.toLocaleString("en")} event${count === 1 ? "" : "s"}`;

export function DeleteSource({ source }: { source: { id: string; name: string; eventCount: number; isGranted: boolean } }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const choice = form.get("keepEvents");
    const input = { sourceId: source.id, confirmName: form.get("confirmName") ?? "", keepEvents: choice === "keep" ? true : choice === "delete" ? false : undefined };
    const parsed = deleteSourceInputSchema.safeParse(input);
    const fieldErrors: Record<string, string> = parsed.success ? {} : (invalidInput(parsed.error).fieldErrors ?? {});
    // Checked here too so a typo is caught at once; the server checks again against the name as it is then.
    if (!fieldErrors.confirmName && !isConfirmedName(String(input.confirmName), source.name)) fieldErrors.confirmName = `That is not the source's name. Type “${source.name}” exactly.`;
    if (!parsed.success || Object.keys(fieldErrors).length > 0) {
      return setError({ code: "invalid_input", message: "Check the form and try again.", fieldErrors });
    }
    startTransition(async () => {
      const result = await deleteSourceAction(parsed.data);
      if (!result.ok) return setError(result.error);
      router.push(result.data.next);
    });
  }

  if (!isOpen) {
    return (
      <Button variant="danger" onClick={() => setIsOpen(true)}>
        Delete source…
      </Button>
    );
  }

  const keepEventsError = error?.fieldErrors?.keepEvents;
  const confirmError = error?.fieldErrors?.confirmName;
  const formError = error && !keepEventsError && !confirmError ? error.message : null;
  const events = countEvents(source.eventCount);
  return (
    <form ref={formRef} aria-label={`Delete ${source.name}`} onSubmit={onSubmit} noValidate className="space-y-5 rounded-lg border border-red-200 bg-red-50/40 p-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <div className="text-sm text-slate-700">
        <p className="font-medium text-slate-900">Deleting “{source.name}” cannot be undone. It:</p>
        <ul className="mt-2 list-disc space-y-1 pl-5">
          <li>stops its pulls and removes their schedules;</li>
          {source.isGranted ? <li>revokes its access token in Slack, unless another source uses the same Slack app;</li> : null}
          <li>erases its saved client secret and token;</li>
          <li>deletes its pull history, progress, replays and alarm history. The audit trail keeps a record of the deletion.</li>
        </ul>
      </div>

      <fieldset aria-describedby={keepEventsError ? "keep-events-error" : undefined}>
        <legend className="text-sm font-medium text-slate-700">Its events</legend>
        <div className="mt-2 space-y-2">
          <label className="flex cursor-pointer gap-3 rounded-md border border-slate-200 bg-white p-3 has-[:checked]:border-brand-500">
            <input type="radio" name="keepEvents" value="keep" className="mt-1" data-invalid={keepEventsError ? true : undefined} />
            <span>
              <span className="block text-sm font-medium text-slate-900">Keep its {events}</span>
              <span className="block text-xs text-slate-500">They stay searchable in the explorer under the source&apos;s name.</span>
            </span>
          </label>
          <label className="flex cursor-pointer gap-3 rounded-md border border-slate-200 bg-white p-3 has-[:checked]:border-red-500">
            <input type="radio" name="keepEvents" value="delete" className="mt-1" data-invalid={keepEventsError ? true : undefined} />
            <span>
              <span className="block text-sm font-medium text-slate-900">Delete its {events}</span>
              <span className="block text-xs text-slate-500">Erased for good, with the records that did not match their log type&apos;s schema.</span>
            </span>
          </label>
        </div>
        {keepEventsError ? (
          <p id="keep-events-error" className="mt-1 text-xs text-red-700">
            {keepEventsError}
          </p>
        ) : null}
      </fieldset>

      <Field id="confirm-name" label={`To confirm, type the source's name: ${source.name}`} error={confirmError} className="max-w-md">
        <TextInput id="confirm-name" name="confirmName" autoComplete="off" spellCheck={false} {...fieldAria("confirm-name", confirmError)} />
      </Field>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="danger" disabled={isPending}>
          {isPending ? "Deleting…" : "Delete this source"}
        </Button>
        <Button
          variant="ghost"
          disabled={isPending}
          onClick={() => {
            setIsOpen(false);
            setError(null);
          }}
        >
          Cancel
        </Button>
      </div>
    </form>
  );
}
