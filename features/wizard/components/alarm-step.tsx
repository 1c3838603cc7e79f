"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Alert, Field, fieldAria, Select, TextInput } from "@/components/ui/field";
import { useFocusFirstError } from "@/components/ui/use-focus-first-error";
import { ALARM_DEFAULT_MINUTES, ALARM_MAX_RECIPIENTS, alarmSettingsSchema } from "@/features/sources/schema";
import { finishSetupAction } from "@/features/wizard/actions";
import { invalidInput, type ActionError } from "@/lib/action";

const UNIT_MINUTES = { minutes: 1, hours: 60, days: 1440 } as const;
type Unit = keyof typeof UNIT_MINUTES;

export type AlarmStepProps = {
  source: { id: string; name: string; grantedFor: string; installer: string | null; scopes: string[] };
  defaultRecipient: string;
};

/** Step 4: access is granted; set the log drop-off alarm and finish. */
export function AlarmStep({ source, defaultRecipient }: AlarmStepProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [isEnabled, setIsEnabled] = useState(true);
  const [error, setError] = useState<ActionError | null>(null);
  const [isPending, startTransition] = useTransition();
  useFocusFirstError(formRef, error);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const amount = String(form.get("threshold") ?? "").trim();
    const unit = (form.get("unit") as Unit | null) ?? "hours";
    const typedMinutes = amount === "" || !/^\d+$/.test(amount) ? Number.NaN : Number(amount) * UNIT_MINUTES[unit];
    // With the alarm off, a cleared or odd threshold is not worth an error: the default is kept.
    const thresholdMinutes = !isEnabled && !alarmSettingsSchema.shape.thresholdMinutes.safeParse(typedMinutes).success ? ALARM_DEFAULT_MINUTES : typedMinutes;
    const parsed = alarmSettingsSchema.safeParse({ sourceId: source.id, isEnabled, thresholdMinutes, recipients: String(form.get("recipients") ?? "") });
    if (!parsed.success) {
      const failure = invalidInput(parsed.error);
      // The number and its unit are one setting; the error belongs next to the number.
      if (failure.fieldErrors?.thresholdMinutes) failure.fieldErrors.threshold = failure.fieldErrors.thresholdMinutes;
      return setError(failure);
    }
    startTransition(async () => {
      const result = await finishSetupAction(parsed.data);
      if (!result.ok) {
        if (result.error.fieldErrors?.thresholdMinutes) result.error.fieldErrors.threshold = result.error.fieldErrors.thresholdMinutes;
        return setError(result.error);
      }
      router.push(result.data.next);
    });
  }

  const thresholdError = error?.fieldErrors?.threshold;
  const recipientsError = error?.fieldErrors?.recipients;
  return (
    <div className="space-y-6">
      <Alert tone="success">
        Access granted for {source.grantedFor}
        {source.installer ? ` by ${source.installer}` : ""} with {source.scopes.join(", ")}.
      </Alert>
      <Card>
        <CardHeader title="Log drop-off alarm" description="Tributary emails the recipients when no events arrive for this long, and again when they resume." />
        <CardBody>
          <form ref={formRef} aria-label="Log drop-off alarm" onSubmit={onSubmit} noValidate className="space-y-4">
            {error && !error.fieldErrors ? <Alert tone="error">{error.message}</Alert> : null}
            <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
              <input type="checkbox" name="isEnabled" checked={isEnabled} onChange={(event) => setIsEnabled(event.target.checked)} />
              Trigger an alarm when no events are received
            </label>
            {/* Not disabled when off: the values are kept and apply when the alarm is turned on later. */}
            <fieldset className={isEnabled ? "space-y-4" : "space-y-4 opacity-60"}>
              <legend className="sr-only">Alarm settings</legend>
              <div className="flex flex-wrap items-end gap-3">
                <Field id="threshold" label="No events for" hint="From 15 minutes to 30 days." error={thresholdError} className="w-40">
                  <TextInput id="threshold" name="threshold" inputMode="numeric" defaultValue={String(ALARM_DEFAULT_MINUTES / 60)} {...fieldAria("threshold", thresholdError, true)} />
                </Field>
                <Field id="threshold-unit" label="Unit" className="w-36">
                  <Select id="threshold-unit" name="unit" defaultValue="hours">
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
                  defaultValue={defaultRecipient}
                  className="mt-1.5 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:ring-2 focus:ring-brand-200 focus:outline-none aria-[invalid=true]:border-red-400"
                  {...fieldAria("recipients", recipientsError, true)}
                />
              </Field>
            </fieldset>
            <Button type="submit" disabled={isPending}>
              {isPending ? "Finishing…" : "Finish Setup"}
            </Button>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
