"use client";

import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { ALARM_DEFAULT_MINUTES, ALARM_MAX_RECIPIENTS, alarmSettingsSchemaFor, describeMinutes, type AlarmSettings } from "@/features/sources/schema";
import { invalidInput, type ActionError, type ActionResult } from "@/lib/action";

// The drop-off alarm's settings, as the wizard's last step and the source page both edit them. The
// server parses the same schema with the same minimum (ALARM_MIN_THRESHOLD_MINUTES, passed in by
// the page), so what passes here passes there.

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 } as const;
export type ThresholdUnit = keyof typeof UNIT_MINUTES;

/** The largest unit the threshold is a whole number of: 1440 → 1 day, 90 → 90 minutes. */
function splitThreshold(minutes: number, preferredUnit?: ThresholdUnit): { amount: number; unit: ThresholdUnit } {
  if (preferredUnit && minutes % UNIT_MINUTES[preferredUnit] === 0) return { amount: minutes / UNIT_MINUTES[preferredUnit], unit: preferredUnit };
  const unit: ThresholdUnit = minutes % UNIT_MINUTES.days === 0 ? "days" : minutes % UNIT_MINUTES.hours === 0 ? "hours" : "minutes";
  return { amount: minutes / UNIT_MINUTES[unit], unit };
}

/** The number and its unit are one setting: a threshold error belongs next to the number. */
function withThresholdError(error: ActionError): ActionError {
  const fieldErrors = error.fieldErrors;
  if (!fieldErrors?.thresholdMinutes) return error;
  return { ...error, fieldErrors: { ...fieldErrors, threshold: fieldErrors.thresholdMinutes } };
}

export type AlarmSettingsFormProps = {
  sourceId: string;
  /** The shortest threshold this deployment allows (getEnv().ALARM_MIN_THRESHOLD_MINUTES). */
  minimumMinutes: number;
  initial: {
    isEnabled: boolean;
    thresholdMinutes: number;
    recipients: readonly string[];
    /** Shown in this unit when the threshold is a whole number of it; otherwise the largest whole unit. */
    unit?: ThresholdUnit;
  };
  /** The form's accessible name. */
  label: string;
  submitLabel: string;
  pendingLabel: string;
  /** Shown after a successful submit; leave out when `onSubmit` navigates away. */
  successMessage?: string;
  onSubmit: (settings: AlarmSettings) => Promise<ActionResult<unknown>>;
};

export function AlarmSettingsForm({ sourceId, minimumMinutes, initial, label, submitLabel, pendingLabel, successMessage, onSubmit }: AlarmSettingsFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const [isEnabled, setIsEnabled] = useState(initial.isEnabled);
  const [error, setError] = useState<ActionError | null>(null);
  const [isSaved, setIsSaved] = useState(false);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);
  const schema = alarmSettingsSchemaFor(minimumMinutes);
  const threshold = splitThreshold(initial.thresholdMinutes, initial.unit);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setIsSaved(false);
    const form = new FormData(event.currentTarget);
    const amount = String(form.get("threshold") ?? "").trim();
    const unit = (form.get("unit") as ThresholdUnit | null) ?? "hours";
    const typedMinutes = amount === "" || !/^\d+$/.test(amount) ? Number.NaN : Number(amount) * UNIT_MINUTES[unit];
    // With the alarm off, a cleared or odd threshold is not worth an error: the last good value is kept.
    const fallbackMinutes = schema.shape.thresholdMinutes.safeParse(initial.thresholdMinutes).success ? initial.thresholdMinutes : ALARM_DEFAULT_MINUTES;
    const thresholdMinutes = !isEnabled && !schema.shape.thresholdMinutes.safeParse(typedMinutes).success ? fallbackMinutes : typedMinutes;
    const parsed = schema.safeParse({ sourceId, isEnabled, thresholdMinutes, recipients: String(form.get("recipients") ?? "") });
    if (!parsed.success) return setError(withThresholdError(invalidInput(parsed.error)));
    startTransition(async () => {
      const result = await onSubmit(parsed.data);
      if (!result.ok) return setError(withThresholdError(result.error));
      setError(null);
      setIsSaved(true);
    });
  }

  const thresholdError = error?.fieldErrors?.threshold;
  const recipientsError = error?.fieldErrors?.recipients;
  // A refusal that is not about a field on this form (the source is gone, no permission) is said on top.
  const formError = error && !thresholdError && !recipientsError ? error.message : null;
  return (
    <form ref={formRef} aria-label={label} onSubmit={submit} noValidate className="space-y-4">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
        <input type="checkbox" name="isEnabled" checked={isEnabled} onChange={(event) => setIsEnabled(event.target.checked)} />
        Trigger an alarm when no events are received
      </label>
      {/* Not disabled when off: the values are kept and apply when the alarm is turned on later. */}
      <fieldset className={isEnabled ? "space-y-4" : "space-y-4 opacity-60"}>
        <legend className="sr-only">Alarm settings</legend>
        <div className="flex flex-wrap items-start gap-3">
          <Field id="threshold" label="No events for" hint={`From ${describeMinutes(minimumMinutes)} to 30 days.`} error={thresholdError} className="w-40">
            <TextInput id="threshold" name="threshold" inputMode="numeric" defaultValue={String(threshold.amount)} {...fieldAria("threshold", thresholdError, true)} />
          </Field>
          <Field id="threshold-unit" label="Unit" className="w-36">
            <Select id="threshold-unit" name="unit" defaultValue={threshold.unit}>
              <option value="minutes">minutes</option>
              <option value="hours">hours</option>
              <option value="days">days</option>
            </Select>
          </Field>
        </div>
        <Field id="recipients" label="Email recipients" hint={`Separated by commas or new lines, up to ${ALARM_MAX_RECIPIENTS}.`} error={recipientsError}>
          <textarea
            id="recipients"
            name="recipients"
            rows={3}
            defaultValue={initial.recipients.join("\n")}
            className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-200 focus:outline-none aria-[invalid=true]:border-red-400"
            {...fieldAria("recipients", recipientsError, true)}
          />
        </Field>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </Button>
        {isSaved && successMessage && !isPending ? <Alert tone="success">{successMessage}</Alert> : null}
      </div>
    </form>
  );
}
